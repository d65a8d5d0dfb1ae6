/// A MIME entity (RFC 2045/2046): a UTF-8 text leaf or a multipart of other parts.
public enum MIMEPart: Sendable {
  /// A text leaf, `text/SUBTYPE; charset=utf-8`, its content as UTF-8 bytes with LF or CRLF line ends.
  case text(subtype: String, content: [UInt8])
  /// A text leaf whose body is already transfer-encoded (CRLF line ends).
  case encoded(subtype: String, transferEncoding: TransferEncoding, body: [UInt8])
  /// A multipart container, `multipart/SUBTYPE` with its boundary.
  case multipart(subtype: String, boundary: String, parts: [MIMEPart])
  /// A binary leaf encoded once (an embedded image, an attachment), copied as it is.
  case prepared(PreparedPart)

  /// The transfer encoding chosen for a text leaf: quoted-printable, or base64 where
  /// that is smaller (mostly non-Latin text).
  public enum TransferEncoding: String, Sendable {
    case quotedPrintable = "quoted-printable"
    case base64
  }

  /// The text with every line break as CRLF (a lone LF gains its CR).
  static func canonicalLineEnds(_ content: [UInt8]) -> [UInt8] {
    guard content.contains(.lf) else { return content }
    var output: [UInt8] = []
    output.reserveCapacity(content.count + content.count / 40)
    var previous: UInt8 = 0
    for byte in content {
      if byte == .lf && previous != .cr { output.append(.cr) }
      output.append(byte)
      previous = byte
    }
    return output
  }

  /// About how many bytes the part takes encoded, headers included: for reserving room.
  public var estimatedSize: Int {
    switch self {
    case .text(_, let content): return 128 + content.count + content.count / 2
    case .encoded(_, _, let body): return 128 + body.count
    case .multipart(_, _, let parts): return 256 + parts.reduce(0) { $0 + $1.estimatedSize }
    case .prepared(let part): return part.bytes.count
    }
  }

  /// Quoted-printable when it is no larger than base64 would be.
  public static func transferEncoding(for content: [UInt8]) -> TransferEncoding {
    let escapes = QuotedPrintable.escapeCount(content)
    // Estimate soft breaks as one per 73 encoded characters (3 bytes each with CRLF).
    let encoded = content.count + 2 * escapes
    let quotedPrintableSize = encoded + encoded / 73 * 3
    return quotedPrintableSize <= Base64.mimeBodySize(forInputCount: content.count) ? .quotedPrintable : .base64
  }

  /// Writes the part's own header fields (Content-Type, Content-Transfer-Encoding), an
  /// empty line, and its encoded body.
  public func encode(into output: inout [UInt8]) {
    encode(into: &output, inMultipart: false)
  }

  private func encode(into output: inout [UInt8], inMultipart: Bool) {
    switch self {
    case .text(let subtype, let content):
      let encoding = Self.transferEncoding(for: content)
      output.append(contentsOf: "Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: \(encoding.rawValue)\r\n\r\n".utf8)
      switch encoding {
      case .quotedPrintable:
        QuotedPrintable.encode(content, into: &output)
        // The CRLF before the next boundary belongs to the boundary (RFC 2046 §5.1.1),
        // so the content's own last line break needs one more; a whole body just ends
        // with its last line.
        if inMultipart || output.last != .lf { output.append(contentsOf: [.cr, .lf]) }
      case .base64:
        // Text is encoded in its canonical form, lines ending in CRLF (RFC 2046 §4.1.1).
        Base64.appendMIMEBody(Self.canonicalLineEnds(content), to: &output)
      }
    case .encoded(let subtype, let encoding, let body):
      output.append(contentsOf: "Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: \(encoding.rawValue)\r\n\r\n".utf8)
      output.append(contentsOf: body)
      if encoding == .quotedPrintable { output.append(contentsOf: [.cr, .lf]) }
    case .multipart(let subtype, let boundary, let parts):
      output.append(contentsOf: "Content-Type: multipart/\(subtype);\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
      for part in parts {
        output.append(contentsOf: "--\(boundary)\r\n".utf8)
        part.encode(into: &output, inMultipart: true)
      }
      output.append(contentsOf: "--\(boundary)--\r\n".utf8)
    case .prepared(let part):
      output.append(contentsOf: part.bytes)
    }
  }

  /// A boundary that cannot occur in quoted-printable or base64 content: "=_" never
  /// appears in either (an "=" in quoted-printable is followed by a hex digit or a line
  /// end, and base64 has no "_"), so any token after it is safe.
  public static func boundary(token: String) -> String {
    "=_herald_\(token)"
  }
}

/// A whole message: header fields, then MIME-Version and the body part.
public struct Message: Sendable {
  /// The header fields above the MIME ones.
  public var header: MessageHeader
  /// The body.
  public var body: MIMEPart

  /// Makes a message.
  public init(header: MessageHeader, body: MIMEPart) {
    self.header = header
    self.body = body
  }

  /// The exact bytes of the message, CRLF line ends.
  public func encoded() -> [UInt8] {
    var output: [UInt8] = []
    encode(into: &output)
    return output
  }

  /// Appends the exact bytes of the message to `output`.
  public func encode(into output: inout [UInt8]) {
    header.encode(into: &output)
    output.append(contentsOf: "MIME-Version: 1.0\r\n".utf8)
    body.encode(into: &output)
  }
}
