import HeraldCore

/// The fields of a submitted HTML form, read from a request body within limits.
///
/// Two encodings are read: `application/x-www-form-urlencoded` (what browsers send by
/// default, and the RFC 8058 one-click unsubscribe `List-Unsubscribe=One-Click`) and
/// `multipart/form-data` (RFC 7578). Text must be UTF-8. No form takes files, so a part
/// with a file name is refused.
package struct FormBody: Sendable {
  /// The fields in the order they were sent; a name may appear more than once.
  package var fields: [(name: String, value: String)]

  /// The value of the first field named `name`.
  package subscript(_ name: String) -> String? {
    fields.first { $0.name == name }?.value
  }

  /// Reads a request body.
  /// - Parameters:
  ///   - body: The body's bytes, as received.
  ///   - contentType: The request's `Content-Type` header.
  ///   - limits: The most bytes and fields to accept.
  /// - Throws: ``FormBodyError``: `.unsupportedType` for another media type, a character set
  ///   other than UTF-8, or a file (HTTP 415); `.tooLarge` past a limit (413); `.malformed`
  ///   when the body does not follow its encoding (400).
  package static func parse(_ body: [UInt8], contentType: String?, limits: FormLimits = .init()) throws -> FormBody {
    guard body.count <= limits.maximumBytes else {
      throw FormBodyError(.tooLarge, "the form is \(body.count) bytes long; at most \(limits.maximumBytes) are accepted")
    }
    guard let contentType, !contentType.allSatisfy({ $0 == " " || $0 == "\t" }) else {
      throw FormBodyError(
        .unsupportedType, "the request has no Content-Type; send the form as application/x-www-form-urlencoded or multipart/form-data")
    }
    guard let mediaType = HeaderValue(contentType) else {
      throw FormBodyError(
        .malformed, "the Content-Type “\(contentType.prefix(100))” cannot be read; write it as “type/subtype; name=value”")
    }
    var reader = Reader(limits: limits)
    switch mediaType.value {
    case "application/x-www-form-urlencoded":
      try requireUTF8(charset: mediaType["charset"])
      try reader.readURLEncoded(body)
    case "multipart/form-data":
      guard let boundary = mediaType["boundary"], (1...70).contains(boundary.utf8.count) else {
        throw FormBodyError(
          .malformed,
          "the Content-Type “\(contentType.prefix(100))” needs a boundary parameter of 1 to 70 characters, "
            + "as in “multipart/form-data; boundary=X”")
      }
      try reader.readMultipart(body, boundary: Array(boundary.utf8))
    default:
      throw FormBodyError(
        .unsupportedType,
        "the form was sent as “\(mediaType.value.prefix(100))”; send it as application/x-www-form-urlencoded or multipart/form-data")
    }
    return FormBody(fields: reader.fields)
  }

  /// `text` with every line break as a bare LF: browsers send a textarea's line breaks as
  /// CRLF (HTML's form encoding), and a lone CR is one to a terminal and to mail readers.
  /// Everything behind the door splits lines on LF alone, so a CR must not reach it: a
  /// quoted message would end at the first CRLF paragraph, and a CR overwrites a line.
  static func unifyingLineBreaks(_ text: String) -> String {
    guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
    var output = String.UnicodeScalarView()
    var afterCR = false
    for scalar in text.unicodeScalars {
      if scalar == "\r" {
        output.append("\n")
        afterCR = true
        continue
      }
      if !(scalar == "\n" && afterCR) { output.append(scalar) }
      afterCR = false
    }
    return String(output)
  }

  /// Refuses a character set other than UTF-8 (or its subset US-ASCII).
  static func requireUTF8(charset: String?) throws {
    guard let charset else { return }
    guard ["utf-8", "utf8", "us-ascii"].contains(charset.lowercased()) else {
      throw FormBodyError(.unsupportedType, "the form was sent in the character set “\(charset.prefix(40))”; send it in UTF-8")
    }
  }

  /// Collects fields, keeping to the limits.
  struct Reader {
    let limits: FormLimits
    var fields: [(name: String, value: String)] = []

    /// Adds a field from its decoded bytes.
    mutating func add(name: some Collection<UInt8>, value: some Collection<UInt8>) throws {
      guard fields.count < limits.maximumFields else {
        throw FormBodyError(.tooLarge, "the form has more than \(limits.maximumFields) fields; send at most \(limits.maximumFields)")
      }
      let name = try text(name, of: nil)
      guard name.utf8.count <= limits.maximumFieldBytes, value.count <= limits.maximumFieldBytes else {
        throw FormBodyError(
          .tooLarge, "the form field “\(name.prefix(40))” is longer than \(limits.maximumFieldBytes) bytes; shorten it")
      }
      fields.append((name, FormBody.unifyingLineBreaks(try text(value, of: name))))
    }

    /// Text from a name's or a value's bytes.
    private func text(_ bytes: some Collection<UInt8>, of field: String?) throws -> String {
      guard let text = String(validating: bytes, as: UTF8.self) else {
        let what = field.map { "the value of the form field “\($0.prefix(40))”" } ?? "a form field's name"
        throw FormBodyError(.malformed, "\(what) is not valid UTF-8; send the form in UTF-8")
      }
      return text
    }

    /// Reads `name=value&name=value`: `+` is a space and `%XX` a byte.
    mutating func readURLEncoded(_ body: [UInt8]) throws {
      for pair in body.split(separator: UInt8(ascii: "&")) {
        let equals = pair.firstIndex(of: UInt8(ascii: "="))
        let name = try Self.percentDecoded(pair[..<(equals ?? pair.endIndex)])
        let value = try equals.map { try Self.percentDecoded(pair[pair.index(after: $0)...]) } ?? []
        try add(name: name, value: value)
      }
    }

    private static func percentDecoded(_ text: ArraySlice<UInt8>) throws -> [UInt8] {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(text.count)
      var index = text.startIndex
      while index < text.endIndex {
        let byte = text[index]
        if byte == UInt8(ascii: "+") {
          bytes.append(UInt8(ascii: " "))
        } else if byte == UInt8(ascii: "%") {
          guard index + 2 < text.endIndex, let high = hexValue(text[index + 1]), let low = hexValue(text[index + 2]) else {
            let escape = String(decoding: text[index..<min(index + 3, text.endIndex)], as: UTF8.self)
            throw FormBodyError(
              .malformed,
              "“\(escape)” in the form is not a percent escape; write a byte as % and two hexadecimal digits, and “%” as “%25”")
          }
          bytes.append(high << 4 | low)
          index += 2
        } else {
          bytes.append(byte)
        }
        index += 1
      }
      return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
      default: nil
      }
    }
  }

  /// A header value with parameters, as in `Content-Type` and `Content-Disposition`:
  /// `value; name=token; name="quoted \" string"`.
  struct HeaderValue {
    /// The value before the parameters, lowercased: "multipart/form-data", "form-data".
    var value: String
    /// The parameters in order, names lowercased.
    var parameters: [(name: String, value: String)]

    /// The first parameter named `name` (lowercase).
    subscript(_ name: String) -> String? {
      parameters.first { $0.name == name }?.value
    }

    /// Reads a header value; nil when a quoted string is not closed.
    init?(_ text: String) {
      let scalars = Array(text.unicodeScalars)
      var index = 0
      func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
      func skipSpaces() { while index < scalars.count, isSpace(scalars[index]) { index += 1 } }
      func until(_ stops: Set<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        while index < scalars.count, !stops.contains(scalars[index]) {
          view.append(scalars[index])
          index += 1
        }
        return String(view).trimmingSpaces
      }

      value = until([";"]).lowercased()
      parameters = []
      while index < scalars.count {
        index += 1  // the ";"
        skipSpaces()
        let name = until([";", "="]).lowercased()
        guard index < scalars.count, scalars[index] == "=" else { continue }  // "; flag" or an empty ";"
        index += 1
        skipSpaces()
        var parameter: String
        if index < scalars.count, scalars[index] == "\"" {
          index += 1
          var view = String.UnicodeScalarView()
          var closed = false
          while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\"" {
              closed = true
              break
            }
            if scalar == "\\", index < scalars.count {
              view.append(scalars[index])
              index += 1
            } else {
              view.append(scalar)
            }
          }
          guard closed else { return nil }
          parameter = String(view)
          _ = until([";"])  // anything after the closing quote
        } else {
          parameter = until([";"])
        }
        if !name.isEmpty { parameters.append((name, parameter)) }
      }
    }
  }
}

/// The most a form body may hold.
package struct FormLimits: Sendable {
  /// The most bytes in the whole body.
  package var maximumBytes: Int
  /// The most fields.
  package var maximumFields: Int
  /// The most bytes in one field's name or value, after decoding.
  package var maximumFieldBytes: Int

  /// Makes limits; the defaults suit a contact form.
  package init(maximumBytes: Int = 16_384, maximumFields: Int = 64, maximumFieldBytes: Int = 10_000) {
    self.maximumBytes = maximumBytes
    self.maximumFields = maximumFields
    self.maximumFieldBytes = maximumFieldBytes
  }
}

/// A request body that cannot be read as a form.
package struct FormBodyError: HeraldError {
  /// What is wrong with the body.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case unsupportedType, tooLarge, malformed }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// Not a form encoding we read, not UTF-8, or a file (HTTP 415).
    package static var unsupportedType: Self { Self(.unsupportedType) }
    /// Past one of the ``FormLimits`` (HTTP 413).
    package static var tooLarge: Self { Self(.tooLarge) }
    /// The body does not follow its encoding (HTTP 400).
    package static var malformed: Self { Self(.malformed) }
    package var description: String { base.rawValue }
  }

  /// The kind of problem.
  package var code: Code
  package var message: String
  package var underlying: (any Error & Sendable)? { nil }

  init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }
}

extension String {
  /// The text without spaces and tabs at either end.
  fileprivate var trimmingSpaces: String {
    let scalars = unicodeScalars
    let start = scalars.firstIndex { $0 != " " && $0 != "\t" } ?? scalars.endIndex
    let end = scalars.lastIndex { $0 != " " && $0 != "\t" }.map(scalars.index(after:)) ?? start
    return String(scalars[start..<end])
  }
}
