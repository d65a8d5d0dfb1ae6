import Foundation

/// A strict `multipart/form-data` reader (RFC 7578, RFC 2046 §5.1.1) for bodies too large to
/// hold in memory: uploads. It is fed the body as it arrives and hands back what it found —
/// a part starts (its field name and file name), bytes of its value, the part ends — so that
/// a file can be written to disk as it comes, within limits.
///
/// Boundary lines end in CRLF (what browsers send); text before the first and after the
/// closing boundary is ignored. A body that ends before its closing boundary, a part
/// without `Content-Disposition: form-data; name=…`, headers over `headerBytes`, a field
/// (a part without a file name) over `fieldBytes`, or more than `maximumParts` parts, is an
/// error (`FormBodyError` `.malformed`, `.tooLarge`).
package struct MultipartFormParser: Sendable {
  /// What the body holds, in order.
  package enum Event: Sendable, Equatable {
    /// A part starts.
    case part(Part)
    /// Bytes of the current part's value (a part's value may come in several).
    case bytes([UInt8])
    /// The current part ends.
    case end
  }

  /// A part's headers, as far as a form needs them.
  package struct Part: Sendable, Equatable {
    /// The field's name (`name=`).
    package var name: String
    /// The file's name as sent (`filename*=` of RFC 5987 before `filename=`, percent-escapes
    /// decoded); nil for a plain field.
    package var fileName: String?
    /// Its `Content-Type`, when given.
    package var contentType: String?

    /// Makes a part's description.
    package init(name: String, fileName: String?, contentType: String?) {
      self.name = name
      self.fileName = fileName
      self.contentType = contentType
    }
  }

  private enum State: Sendable {
    case preamble, afterBoundary, headers, body, epilogue
  }

  private let delimiter: [UInt8]
  private var buffer: [UInt8]
  private var state = State.preamble
  private var parts = 0
  private var fieldCount = 0
  private var inField = false
  private var close: String

  /// The most bytes of one part's headers.
  package var headerBytes = 8_192
  /// The most bytes of a field that is not a file.
  package var fieldBytes = 16_384
  /// The most parts.
  package var maximumParts = 100

  /// A parser for a body whose `Content-Type` is `contentType`.
  /// - Throws: `FormBodyError` `.unsupportedType` for another type, `.malformed` without a
  ///   boundary of 1 to 70 characters.
  package init(contentType: String?) throws {
    guard let contentType, let type = FormBody.HeaderValue(contentType), type.value == "multipart/form-data" else {
      throw FormBodyError(
        .unsupportedType, "the files must be sent as multipart/form-data (a form with enctype=\"multipart/form-data\"), not “\((contentType ?? "nothing").prefix(100))”")
    }
    guard let boundary = type["boundary"], (1...70).contains(boundary.utf8.count) else {
      throw FormBodyError(.malformed, "the Content-Type needs a boundary parameter of 1 to 70 characters, as in “multipart/form-data; boundary=X”")
    }
    self.init(boundary: boundary)
  }

  /// A parser for parts between `--boundary` lines.
  package init(boundary: String) {
    delimiter = Array("\r\n--\(boundary)".utf8)
    // The first boundary may open the body: as if a line break were before it.
    buffer = Array("\r\n".utf8)
    close = "--\(boundary)--"
  }

  /// Reads the next bytes of the body.
  /// - Returns: what they complete, in order.
  /// - Throws: `FormBodyError` when the body breaks a rule or a limit.
  package mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
    guard state != .epilogue else { return [] }
    buffer.append(contentsOf: bytes)
    var events: [Event] = []
    var position = 0
    defer { buffer.removeFirst(position) }
    loop: while true {
      switch state {
      case .preamble:
        guard let found = Self.find(delimiter, in: buffer, from: position) else {
          // Keep only what could begin a boundary.
          position = max(position, buffer.count - delimiter.count + 1)
          break loop
        }
        position = found + delimiter.count
        state = .afterBoundary
      case .afterBoundary:
        // "--" closes; spaces, then CRLF, start a part.
        var cursor = position
        guard buffer.count - cursor >= 2 else { break loop }
        if buffer[cursor] == UInt8(ascii: "-") && buffer[cursor + 1] == UInt8(ascii: "-") {
          position = buffer.count
          state = .epilogue
          break loop
        }
        while cursor < buffer.count, buffer[cursor] == UInt8(ascii: " ") || buffer[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        guard buffer.count - cursor >= 2 else {
          if cursor - position > 64 { throw malformed("a boundary line has too many spaces after it") }
          break loop
        }
        guard buffer[cursor] == UInt8(ascii: "\r"), buffer[cursor + 1] == UInt8(ascii: "\n") else {
          throw malformed("a boundary line of the form has other text after it; choose a boundary that the values do not contain")
        }
        parts += 1
        guard parts <= maximumParts else {
          throw FormBodyError(.tooLarge, "the form has more than \(maximumParts) parts; send fewer files at once")
        }
        position = cursor + 2
        state = .headers
      case .headers:
        guard let end = Self.find(Array("\r\n\r\n".utf8), in: buffer, from: max(position - 2, 0)), end + 4 > position else {
          if buffer.count - position > headerBytes {
            throw FormBodyError(.tooLarge, "a part's headers are longer than \(headerBytes) bytes")
          }
          break loop
        }
        guard end + 4 - position <= headerBytes + 2 else {
          throw FormBodyError(.tooLarge, "a part's headers are longer than \(headerBytes) bytes")
        }
        // A part with no header lines at all: its blank line directly follows the boundary.
        let lines = end >= position ? Array(buffer[position..<end]) : []
        let part = try Self.part(headers: lines)
        inField = part.fileName == nil
        fieldCount = 0
        events.append(.part(part))
        position = max(end + 4, position + 2)
        state = .body
      case .body:
        if let found = Self.find(delimiter, in: buffer, from: position) {
          try emit(buffer[position..<found], into: &events)
          events.append(.end)
          position = found + delimiter.count
          state = .afterBoundary
        } else {
          // All but what could be the start of the delimiter is the value's.
          let safe = max(position, buffer.count - delimiter.count + 1)
          try emit(buffer[position..<safe], into: &events)
          position = safe
          break loop
        }
      case .epilogue:
        position = buffer.count
        break loop
      }
    }
    return events
  }

  /// Says that the body has ended.
  /// - Throws: `FormBodyError` `.malformed` when it ended before its closing boundary.
  package func finish() throws {
    guard state == .epilogue else {
      throw malformed(
        parts == 0
          ? "the form has no boundary line; send it again from the page"
          : "the form ends without its closing boundary line “\(close)”; it was cut short, send it again")
    }
  }

  private mutating func emit(_ bytes: ArraySlice<UInt8>, into events: inout [Event]) throws {
    guard !bytes.isEmpty else { return }
    if inField {
      fieldCount += bytes.count
      guard fieldCount <= fieldBytes else {
        throw FormBodyError(.tooLarge, "a field of the form is longer than \(fieldBytes) bytes")
      }
    }
    events.append(.bytes(Array(bytes)))
  }

  private func malformed(_ message: String) -> FormBodyError {
    FormBodyError(.malformed, message)
  }

  /// A part's headers read: its name and file name.
  static func part(headers bytes: [UInt8]) throws -> Part {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw FormBodyError(.malformed, "a part's headers are not valid UTF-8")
    }
    var headers: [(name: String, value: String)] = []
    for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
      if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
        headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
        continue
      }
      guard let colon = line.firstIndex(of: ":") else {
        throw FormBodyError(.malformed, "a part's header line “\(line.prefix(60))” has no “:”")
      }
      headers.append((line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    guard let value = header("content-disposition"), let disposition = FormBody.HeaderValue(value),
      disposition.value == "form-data", let name = disposition["name"], !name.isEmpty
    else {
      throw FormBodyError(.malformed, "a part of the form has no “Content-Disposition: form-data; name=…” header, so it names no field")
    }
    if let encoding = header("content-transfer-encoding"), !["7bit", "8bit", "binary"].contains(encoding.lowercased()) {
      throw FormBodyError(.unsupportedType, "the part “\(name.prefix(40))” is sent in the “\(encoding.prefix(40))” transfer encoding; send it as it is")
    }
    var fileName: String?
    if let extended = disposition["filename*"] {
      guard let decoded = decodeExtended(extended) else {
        throw FormBodyError(.malformed, "the file name “\(extended.prefix(80))” cannot be read; it must be UTF-8''percent-encoded (RFC 5987)")
      }
      fileName = decoded
    } else if let plain = disposition["filename"] {
      // Browsers escape quotes and line breaks in file names as %22, %0D, %0A; some clients
      // percent-encode the whole name.
      fileName = plain.contains("%") ? (plain.removingPercentEncoding ?? plain) : plain
    }
    return Part(name: name, fileName: fileName, contentType: header("content-type"))
  }

  /// `UTF-8'en'%E2%80%A6.pdf` (RFC 5987/8187) as text; nil for another charset or bad escapes.
  static func decodeExtended(_ value: String) -> String? {
    let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
    guard pieces.count == 3, ["utf-8", "utf8"].contains(pieces[0].lowercased()) else { return nil }
    return String(pieces[2]).removingPercentEncoding
  }

  /// Where `pattern` first starts in `bytes` at or after `start`.
  static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
    guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
    var index = max(start, 0)
    let last = bytes.count - pattern.count
    return bytes.withUnsafeBufferPointer { buffer -> Int? in
      while index <= last {
        if buffer[index] == first {
          var matched = true
          for offset in 1..<pattern.count where buffer[index + offset] != pattern[offset] {
            matched = false
            break
          }
          if matched { return index }
        }
        index += 1
      }
      return nil
    }
  }
}
