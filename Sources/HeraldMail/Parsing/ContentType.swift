/// A Content-Type: lowercased type and subtype, parameters (names lowercased; RFC 2231
/// continuations and charset/language-encoded values decoded; quotes removed).
public struct ContentType: Sendable, Hashable {
  /// The top-level type, lowercased: "text", "multipart", "image"…
  public var type: String
  /// The subtype, lowercased: "plain", "mixed", "png"…
  public var subtype: String
  /// The parameters by lowercased name, values as sent ("charset", "boundary", "name"…).
  public var parameters: [String: String]

  /// The type and subtype, "text/plain".
  public var mimeType: String { "\(type)/\(subtype)" }

  /// Reads a Content-Type field's value (undecoded, as `ReceivedHeader.raw` gives it).
  ///
  /// A missing or malformed value gives text/plain; charset=us-ascii (RFC 2045 §5.2).
  public init(parsing value: String?) {
    self = Self.parse(value).contentType
  }

  init(type: String, subtype: String, parameters: [String: String] = [:]) {
    self.type = type
    self.subtype = subtype
    self.parameters = parameters
  }

  /// The default of RFC 2045 §5.2.
  static let plainText = ContentType(type: "text", subtype: "plain", parameters: ["charset": "us-ascii"])

  /// The content type, and whether the value was there but malformed (and so replaced by
  /// the default).
  static func parse(_ value: String?) -> (contentType: ContentType, isMalformed: Bool) {
    guard var value else { return (plainText, false) }
    return value.withUTF8 { bytes in
      var index = 0
      guard let type = token(bytes, at: &index) else { return (plainText, true) }
      while index < bytes.count, MIMEParameters.isWhitespace(bytes[index]) { index += 1 }
      guard index < bytes.count, bytes[index] == UInt8(ascii: "/") else { return (plainText, true) }
      index += 1
      guard let subtype = token(bytes, at: &index) else { return (plainText, true) }
      // After the subtype: parameters, or nothing. Words without "=" ("text/pl ain") are not
      // parameters with a ";" left out, but a broken type.
      while index < bytes.count, MIMEParameters.isWhitespace(bytes[index]) { index += 1 }
      if index < bytes.count, bytes[index] != UInt8(ascii: ";"), bytes[index] != UInt8(ascii: "(") {
        let rest = bytes[index...].prefix { $0 != UInt8(ascii: ";") }
        guard rest.contains(UInt8(ascii: "=")) else { return (plainText, true) }
      }
      return (ContentType(type: type, subtype: subtype, parameters: MIMEParameters.parse(bytes, from: index)), false)
    }
  }

  /// Reads an RFC 2045 token at `index` after whitespace and comments, lowercased; nil when
  /// there is none or it runs into something that is not a separator.
  static func token(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> String? {
    while index < bytes.count {
      if MIMEParameters.isWhitespace(bytes[index]) {
        index += 1
      } else if bytes[index] == UInt8(ascii: "(") {
        index = MIMEParameters.skipComment(bytes, from: index)
      } else {
        break
      }
    }
    let start = index
    while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
    guard index > start else { return nil }
    if index < bytes.count {
      let next = bytes[index]
      guard
        MIMEParameters.isWhitespace(next) || next == UInt8(ascii: "/") || next == UInt8(ascii: ";")
          || next == UInt8(ascii: "(")
      else { return nil }
    }
    return MIMEParameters.lowercasedASCII(UnsafeBufferPointer(rebasing: bytes[start..<index]))
  }

  /// Whether a byte may appear in an RFC 2045 token: printable ASCII except tspecials.
  static func isTokenByte(_ byte: UInt8) -> Bool {
    guard byte > 0x20, byte < 0x7F else { return false }
    switch byte {
    case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
      UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
      UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="):
      return false
    default:
      return true
    }
  }
}
