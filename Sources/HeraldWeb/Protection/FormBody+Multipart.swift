import Foundation

extension FormBody.Reader {
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")
  private static let dash = UInt8(ascii: "-")

  /// Reads a `multipart/form-data` body (RFC 7578, RFC 2046 §5.1.1): parts between
  /// `--boundary` lines, each with headers, a blank line and the value, and `--boundary--`
  /// after the last. Lines may end in CRLF or a bare LF; text before the first boundary and
  /// after the last is ignored.
  mutating func readMultipart(_ body: [UInt8], boundary: [UInt8]) throws {
    let delimiter = [Self.dash, Self.dash] + boundary
    let close = "--" + String(decoding: boundary, as: UTF8.self) + "--"
    var position: Int
    if body.starts(with: delimiter) {
      position = 0
    } else if let found = Self.find([Self.lineFeed] + delimiter, in: body, from: 0) {
      position = found + 1
    } else {
      throw FormBodyError(
        .malformed, "the multipart form has no boundary line “\(close.dropLast(2))”; check the boundary in its Content-Type")
    }

    while true {
      // At a boundary line: "--boundary--" closes, "--boundary" and spaces starts a part.
      var cursor = position + delimiter.count
      if body.count >= cursor + 2, body[cursor] == Self.dash, body[cursor + 1] == Self.dash { return }
      while cursor < body.count, body[cursor] == UInt8(ascii: " ") || body[cursor] == UInt8(ascii: "\t") { cursor += 1 }
      if cursor < body.count, body[cursor] == Self.carriageReturn { cursor += 1 }
      guard cursor < body.count else {
        throw FormBodyError(.malformed, "the multipart form ends without its closing boundary line “\(close)”; it may be cut short")
      }
      guard body[cursor] == Self.lineFeed else {
        throw FormBodyError(
          .malformed,
          "a boundary line of the multipart form has other text after “\(close.dropLast(2))”; "
            + "choose a boundary that the values do not contain")
      }
      cursor += 1

      let headers = try Self.headers(in: body, from: &cursor, close: close)
      // The value ends at the line break before the next boundary line; the blank line's
      // own line break may be that one when the value is empty.
      guard let next = Self.find([Self.lineFeed] + delimiter, in: body, from: cursor - 1) else {
        throw FormBodyError(.malformed, "the multipart form ends without its closing boundary line “\(close)”; it may be cut short")
      }
      var end = max(next, cursor)
      if end > cursor, body[end - 1] == Self.carriageReturn { end -= 1 }
      try addPart(headers: headers, value: body[cursor..<end])
      position = next + 1
    }
  }

  /// Reads a part's header lines up to the blank line, leaving `cursor` after it; a line
  /// starting with a space or tab continues the one before.
  private static func headers(in body: [UInt8], from cursor: inout Int, close: String) throws -> [(name: String, value: String)] {
    var headers: [(name: String, value: String)] = []
    while true {
      guard let lineEnd = body[cursor...].firstIndex(of: lineFeed) else {
        throw FormBodyError(.malformed, "the multipart form ends inside a part's headers, without its closing boundary line “\(close)”")
      }
      var line = body[cursor..<lineEnd]
      if line.last == carriageReturn { line = line.dropLast() }
      cursor = lineEnd + 1
      if line.isEmpty { return headers }
      guard let text = String(validating: line, as: UTF8.self) else {
        throw FormBodyError(.malformed, "a part header of the multipart form is not valid UTF-8")
      }
      if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !headers.isEmpty {
        headers[headers.count - 1].value += " " + text.trimmingCharacters(in: .whitespaces)
        continue
      }
      guard let colon = text.firstIndex(of: ":"), !text.starts(with: close.dropLast(2)) else {
        throw FormBodyError(
          .malformed, "the multipart form has a part whose headers do not end with a blank line (at “\(text.prefix(60))”)")
      }
      let name = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      headers.append((name, text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
  }

  /// Adds the field a part holds, after checking its headers.
  private mutating func addPart(headers: [(name: String, value: String)], value: ArraySlice<UInt8>) throws {
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    guard let text = header("content-disposition"), let disposition = FormBody.HeaderValue(text),
      disposition.value == "form-data", let name = disposition["name"]
    else {
      throw FormBodyError(
        .malformed, "a part of the multipart form has no “Content-Disposition: form-data; name=…” header, so it names no field")
    }
    if let file = disposition["filename"] ?? disposition["filename*"] {
      throw FormBodyError(
        .unsupportedType,
        "the form field “\(name.prefix(40))” holds a file (“\(file.prefix(60))”); this form takes no files, send it without")
    }
    if let text = header("content-type") {
      guard let type = FormBody.HeaderValue(text) else {
        throw FormBodyError(
          .malformed, "the form field “\(name.prefix(40))” has a Content-Type that cannot be read: “\(text.prefix(60))”")
      }
      try FormBody.requireUTF8(charset: type["charset"])
    }
    if let encoding = header("content-transfer-encoding"), !["7bit", "8bit", "binary"].contains(encoding.lowercased()) {
      throw FormBodyError(
        .unsupportedType,
        "the form field “\(name.prefix(40))” is sent in the “\(encoding.prefix(40))” transfer encoding; "
          + "send values as they are (RFC 7578 §4.7)")
    }
    try add(name: Array(name.utf8), value: value)
  }

  /// The index where `pattern` first starts in `body` at or after `start`.
  private static func find(_ pattern: [UInt8], in body: [UInt8], from start: Int) -> Int? {
    guard let first = pattern.first, start >= 0, body.count >= pattern.count else { return nil }
    var index = start
    while index <= body.count - pattern.count {
      if body[index] == first, body[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
      index += 1
    }
    return nil
  }
}
