import Foundation

/// Reads a message's bytes into a `ReceivedMessage`: header blocks, multipart boundaries,
/// transfer encodings. Everything is found by scanning bytes for line feeds (`memchr`), with
/// no String work until a field's value or a body is taken out, so the time is linear in
/// the size (times the nesting depth for multiparts, which is capped).
struct MessageParser {
  /// How deep parts may nest (multiparts and embedded messages together).
  static let maximumDepth = 32
  /// How many problems a message keeps: a broken message can have one per line.
  static let maximumProblems = 50

  private let bytes: UnsafeBufferPointer<UInt8>
  /// Whether this is a message inside another: its message/rfc822 parts do not keep their
  /// bytes in `body`, so that messages nested in messages are not held once per level.
  private let isEmbedded: Bool
  private var problems: [String] = []
  private var seenProblems: Set<String> = []

  private init(bytes: UnsafeBufferPointer<UInt8>, isEmbedded: Bool) {
    self.bytes = bytes
    self.isEmbedded = isEmbedded
  }

  /// Parses `bytes` as a message whose root is at `depth` (0 for a message received, more
  /// for one embedded in a part); only its header when `headersOnly` (text/rfc822-headers).
  static func parseMessage(_ bytes: UnsafeBufferPointer<UInt8>, depth: Int, headersOnly: Bool) -> ReceivedMessage {
    var parser = MessageParser(bytes: bytes, isEmbedded: depth > 0)
    if bytes.isEmpty { parser.note("the message is empty") }
    // Empty lines before the header (some servers write one before a returned message)
    // would make it a message without header.
    var start = 0
    while start < bytes.count,
      bytes[start] == .lf || (bytes[start] == .cr && start + 1 < bytes.count && bytes[start + 1] == .lf)
    {
      start += bytes[start] == .cr ? 2 : 1
    }
    let root: ReceivedPart
    if headersOnly {
      let header = parser.parseHeader(start..<bytes.count, isMessage: true).header
      root = ReceivedPart(header: header, contentType: parser.contentType(of: header, default: .plainText))
    } else {
      root = parser.parsePart(start..<bytes.count, depth: depth, defaultType: .plainText, isMessage: true)
    }
    return ReceivedMessage(root: root, problems: parser.problems)
  }

  private mutating func note(_ problem: String) {
    guard problems.count < Self.maximumProblems, seenProblems.insert(problem).inserted else { return }
    problems.append(problem)
  }

  // MARK: - Parts

  private mutating func parsePart(_ range: Range<Int>, depth: Int, defaultType: ContentType, isMessage: Bool)
    -> ReceivedPart
  {
    let (header, bodyStart) = parseHeader(range, isMessage: isMessage)
    let body = bodyStart..<range.upperBound
    let contentType = contentType(of: header, default: defaultType)
    var part = ReceivedPart(header: header, contentType: contentType)

    if contentType.type == "multipart" {
      guard depth < Self.maximumDepth else {
        note("MIME parts are nested more than \(Self.maximumDepth) deep; the deeper ones are kept unparsed")
        part.body = Array(bytes[body])
        return part
      }
      guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
        note("a \(contentType.mimeType) part has no boundary; its body is kept as it is")
        part.body = Array(bytes[body])
        return part
      }
      guard let ranges = split(body, boundary: boundary) else {
        part.body = Array(bytes[body])
        return part
      }
      // In a digest, parts are messages unless they say otherwise (RFC 2046 §5.1.5).
      let childType = contentType.subtype == "digest" ? ContentType(type: "message", subtype: "rfc822") : .plainText
      part.parts.reserveCapacity(ranges.count)
      for range in ranges {
        part.parts.append(parsePart(range, depth: depth + 1, defaultType: childType, isMessage: false))
      }
      return part
    }

    let decoded = decodeTransferEncoding(of: header, body)
    let embedsMessage =
      contentType.type == "message" && (contentType.subtype == "rfc822" || contentType.subtype == "global")
    let embedsHeader =
      (contentType.type == "text" && contentType.subtype == "rfc822-headers")
      || (contentType.type == "message" && contentType.subtype == "global-headers")
    guard embedsMessage || embedsHeader else {
      part.body = decoded
      return part
    }
    guard depth < Self.maximumDepth else {
      note("MIME parts are nested more than \(Self.maximumDepth) deep; the deeper ones are kept unparsed")
      part.body = decoded
      return part
    }
    part.message = decoded.withUnsafeBufferPointer {
      MessageParser.parseMessage($0, depth: depth + 1, headersOnly: embedsHeader)
    }
    // A message's bytes are kept once: in the received message's own parts, not again in
    // the parts of the messages inside it.
    part.body = embedsHeader || !isEmbedded ? decoded : []
    return part
  }

  private mutating func contentType(of header: ReceivedHeader, default defaultType: ContentType) -> ContentType {
    guard let raw = header.raw("Content-Type") else { return defaultType }
    let (contentType, isMalformed) = ContentType.parse(raw)
    if isMalformed { note("the Content-Type “\(Self.excerpt(raw))” is malformed; the part is read as text/plain") }
    return contentType
  }

  private mutating func decodeTransferEncoding(of header: ReceivedHeader, _ body: Range<Int>) -> [UInt8] {
    let content = UnsafeBufferPointer(rebasing: bytes[body])
    guard var raw = header.raw("Content-Transfer-Encoding") else { return Array(content) }
    let encoding = raw.withUTF8 { value -> String in
      var index = 0
      return ContentType.token(value, at: &index) ?? ""
    }
    switch encoding {
    case "7bit", "8bit", "binary", "":
      return Array(content)
    case "base64":
      let (decoded, isClean) = Base64.decodeLeniently(content)
      if !isClean { note("base64 body has invalid characters") }
      return decoded
    case "quoted-printable":
      let (decoded, isClean) = QuotedPrintable.decodeLeniently(content)
      if !isClean { note("quoted-printable body has invalid escapes (an “=” not followed by two hex digits)") }
      return decoded
    default:
      note("the Content-Transfer-Encoding “\(Self.excerpt(raw))” is unknown; the body is kept as it is")
      return Array(content)
    }
  }

  // MARK: - Multipart

  /// The ranges of a multipart body's parts (RFC 2046 §5.1.1): between delimiter lines
  /// "--boundary", up to the close "--boundary--", each without the line break before the
  /// next delimiter, which belongs to it. Nil when the boundary never appears.
  private mutating func split(_ body: Range<Int>, boundary: String) -> [Range<Int>]? {
    let delimiter = Array("--\(boundary)".utf8)
    var ranges: [Range<Int>] = []
    var partStart: Int?
    var found = false
    var closed = false
    var lineStart = body.lowerBound
    let end = body.upperBound
    while lineStart < end {
      let lineEnd = lineFeed(from: lineStart, to: end)
      let next = lineEnd < end ? lineEnd + 1 : end
      if bytes[lineStart] == UInt8(ascii: "-"), let isClose = delimiterLine(lineStart..<lineEnd, delimiter) {
        found = true
        if let start = partStart {
          var partEnd = lineStart
          if partEnd > start, bytes[partEnd - 1] == .lf { partEnd -= 1 }
          if partEnd > start, bytes[partEnd - 1] == .cr { partEnd -= 1 }
          ranges.append(start..<partEnd)
        }
        if isClose {
          closed = true
          break
        }
        partStart = next
      }
      lineStart = next
    }
    guard found else {
      note("the multipart boundary “\(Self.excerpt(boundary))” never appears; the body is kept as it is")
      return nil
    }
    if !closed {
      note("the multipart boundary “\(Self.excerpt(boundary))” never closes")
      if let start = partStart { ranges.append(start..<end) }
    }
    return ranges
  }

  /// Whether `line` is a delimiter line: nil if not, else whether it is the close. After
  /// the boundary (and "--") only whitespace may follow (RFC 2046's transport padding), so
  /// "--b" does not match the line "--b2".
  private func delimiterLine(_ line: Range<Int>, _ delimiter: [UInt8]) -> Bool? {
    guard line.count >= delimiter.count else { return nil }
    let matches = delimiter.withUnsafeBufferPointer { delimiter in
      memcmp(bytes.baseAddress! + line.lowerBound, delimiter.baseAddress!, delimiter.count) == 0
    }
    guard matches else { return nil }
    var index = line.lowerBound + delimiter.count
    var isClose = false
    if index + 1 < line.upperBound, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-") {
      isClose = true
      index += 2
    }
    while index < line.upperBound {
      let byte = bytes[index]
      guard byte == .space || byte == .tab || byte == .cr else { return nil }
      index += 1
    }
    return isClose
  }

  // MARK: - Header

  /// Reads the header block at the start of `range`: fields up to the first empty line.
  /// Returns the header and where the body starts (the end, when no empty line follows).
  private mutating func parseHeader(_ range: Range<Int>, isMessage: Bool) -> (header: ReceivedHeader, bodyStart: Int) {
    var fields: [ReceivedField] = []
    var name: String?
    var value: [UInt8] = []
    var sawNUL = false
    var index = range.lowerBound
    let end = range.upperBound
    var isFirstLine = true
    var bodyStart = end

    func finishField() {
      guard let fieldName = name else { return }
      let hasControls = value.withUnsafeBufferPointer { bytes in
        guard let base = bytes.baseAddress else { return false }
        return memchr(base, 0, bytes.count) != nil || memchr(base, 0x0D, bytes.count) != nil
      }
      if hasControls {
        for position in value.indices where value[position] == 0 || value[position] == .cr {
          if value[position] == 0 { sawNUL = true }
          value[position] = .space
        }
      }
      while let last = value.last, last == .space || last == .tab { value.removeLast() }
      let raw = value.withUnsafeBufferPointer { Charset.decodeUTF8OrWindows1252($0) }
      fields.append(ReceivedField(name: fieldName, raw: raw))
      name = nil
      value.removeAll(keepingCapacity: true)
    }

    while index < end {
      let lineEnd = lineFeed(from: index, to: end)
      let next = lineEnd < end ? lineEnd + 1 : end
      var contentEnd = lineEnd
      if contentEnd > index, bytes[contentEnd - 1] == .cr { contentEnd -= 1 }
      defer { isFirstLine = false }
      if contentEnd == index {
        bodyStart = next
        break
      }
      let lead = bytes[index]
      if lead == .space || lead == .tab {
        // A folded line continues the field before it.
        if name != nil {
          value.append(contentsOf: bytes[index..<contentEnd])
        } else {
          note("the header has a folded line that continues no field")
        }
        index = next
        continue
      }
      finishField()
      // An mbox "From " separator line before the header.
      if isFirstLine, isMessage, contentEnd - index >= 5,
        bytes[index..<(index + 5)].elementsEqual("From ".utf8)
      {
        index = next
        continue
      }
      guard let colon = fieldNameEnd(index..<contentEnd) else {
        if isFirstLine {
          // No header at all: the body starts here.
          note(
            isMessage
              ? "the message does not start with a header field"
              : "a MIME part has no header and no empty line before its body")
          bodyStart = index
          break
        }
        note("a header line has no colon: “\(Self.excerpt(bytes[index..<contentEnd]))”")
        index = next
        continue
      }
      var nameEnd = colon
      while nameEnd > index, bytes[nameEnd - 1] == .space || bytes[nameEnd - 1] == .tab { nameEnd -= 1 }
      name = String(decoding: bytes[index..<nameEnd], as: UTF8.self)
      var valueStart = colon + 1
      while valueStart < contentEnd, bytes[valueStart] == .space || bytes[valueStart] == .tab { valueStart += 1 }
      value.append(contentsOf: bytes[valueStart..<contentEnd])
      index = next
    }
    finishField()
    if sawNUL { note("the header has NUL bytes (read as spaces)") }
    return (ReceivedHeader(fields: fields), bodyStart)
  }

  /// The offset of the colon that ends a field name on this line, nil when the line does
  /// not start with one: a name is printable ASCII without spaces (RFC 5322 §2.2; spaces
  /// before the colon are allowed, RFC 5322 §4.5.3).
  private func fieldNameEnd(_ line: Range<Int>) -> Int? {
    var index = line.lowerBound
    while index < line.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: ":") { break }
      guard byte > 0x20, byte < 0x7F else {
        // Only whitespace may follow the name before the colon.
        var rest = index
        while rest < line.upperBound, bytes[rest] == .space || bytes[rest] == .tab { rest += 1 }
        guard rest > index, rest < line.upperBound, bytes[rest] == UInt8(ascii: ":") else { return nil }
        index = rest
        break
      }
      index += 1
    }
    guard index < line.upperBound, index > line.lowerBound else { return nil }
    return index
  }

  // MARK: - Bytes

  /// The offset of the next line feed in `start..<end`, or `end`.
  @inline(__always)
  private func lineFeed(from start: Int, to end: Int) -> Int {
    guard start < end, let base = bytes.baseAddress else { return end }
    guard let found = memchr(base + start, 0x0A, end - start) else { return end }
    return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
  }

  /// A short, printable excerpt of a value for a problem's wording.
  static func excerpt(_ text: String) -> String {
    excerpt(text.utf8)
  }

  static func excerpt(_ bytes: some Collection<UInt8>) -> String {
    var kept: [UInt8] = []
    for byte in bytes.prefix(60) { kept.append(byte < 0x20 || byte == 0x7F ? UInt8(ascii: "?") : byte) }
    var text = String(decoding: kept, as: UTF8.self)
    if bytes.count > 60 { text += "…" }
    return text
  }
}
