import Foundation

/// One node of a received message's MIME tree.
public struct ReceivedPart: Sendable {
  /// The part's header (for the root part, the message's header).
  public var header: ReceivedHeader
  /// The part's Content-Type; text/plain; charset=us-ascii when it has none (in a
  /// multipart/digest, message/rfc822).
  public var contentType: ContentType
  /// The body with its Content-Transfer-Encoding undone (base64, quoted-printable, 7bit,
  /// 8bit, binary).
  ///
  /// Empty for a multipart that was split into `parts`; and for a message/rfc822 or
  /// message/global part inside an embedded message (a message within a message within the
  /// one received), so that a message is never held once per level of nesting.
  public var body: [UInt8]
  /// A multipart's parts, in order.
  public var parts: [ReceivedPart]
  /// A message/rfc822, message/global or text/rfc822-headers part's content, parsed as a
  /// message (headers only for rfc822-headers).
  public var message: ReceivedMessage? {
    get { embedded?.message }
    set { embedded = newValue.map(EmbeddedMessage.init) }
  }
  private var embedded: EmbeddedMessage?

  init(header: ReceivedHeader, contentType: ContentType, body: [UInt8] = [], parts: [ReceivedPart] = []) {
    self.header = header
    self.contentType = contentType
    self.body = body
    self.parts = parts
  }

  /// For text/*: the body decoded from its charset to a String (nil if the charset is
  /// unknown and the bytes are not UTF-8).
  ///
  /// Without a charset parameter the text is US-ASCII (RFC 2046 §4.1.2). Bytes that are
  /// invalid in a known charset are read as UTF-8 if they are valid UTF-8, else as
  /// Windows-1252. Line breaks are "\n".
  public var text: String? {
    guard contentType.type == "text" else { return nil }
    return decodedText(lenient: false)
  }

  /// The text of any part, whatever its charset: as `text`, else as Windows-1252.
  var lenientText: String {
    decodedText(lenient: true) ?? ""
  }

  private func decodedText(lenient: Bool) -> String? {
    let charset = contentType.parameters["charset"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-ascii"
    let decoding = Charset.decoding(named: charset)
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
      if let decoding, let text = Charset.decode(bytes, decoding) { return text }
      return decoding != nil || lenient ? Charset.decodeUTF8OrWindows1252(bytes) : Charset.decodeUTF8(bytes)
    }
    return body.withUnsafeBufferPointer { bytes in
      // Where CR and LF bytes are CR and LF (ASCII-compatible sets, and the fallbacks),
      // line breaks are mended before decoding, in one pass over the bytes.
      if decoding?.isASCIICompatible ?? true { return Self.withoutCRBeforeLF(bytes, decode) }
      return decode(bytes).map(Self.unixLineBreaks)
    }
  }

  /// Calls `body` with `bytes` without the CR of each CRLF.
  static func withoutCRBeforeLF<Result>(
    _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    guard let base = bytes.baseAddress, var found = memchr(base, 0x0D, bytes.count) else { return body(bytes) }
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var start = 0
    while true {
      let cr = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
      if cr + 1 < bytes.count, bytes[cr + 1] == .lf {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<cr]))
        start = cr + 1
      }
      guard cr + 1 < bytes.count, let next = memchr(base + cr + 1, 0x0D, bytes.count - cr - 1) else { break }
      found = next
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    return output.withUnsafeBufferPointer(body)
  }

  /// Text with CRLF written as LF: Swift counts "\r\n" as one Character, which splitting
  /// on "\n" would never find.
  static func unixLineBreaks(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes -> String? in
      guard let base = bytes.baseAddress, memchr(base, 0x0D, bytes.count) != nil else { return nil }
      return String(unsafeUninitializedCapacity: bytes.count) { output in
        var count = 0
        for index in 0..<bytes.count {
          let byte = bytes[index]
          if byte == .cr, index + 1 < bytes.count, bytes[index + 1] == .lf { continue }
          output[count] = byte
          count += 1
        }
        return count
      }
    } ?? text
  }

  /// The file name (Content-Disposition filename, else Content-Type name), RFC 2231/2047 decoded.
  public var filename: String? {
    let name = disposition?.parameters["filename"] ?? contentType.parameters["name"]
    guard let name else { return nil }
    let decoded = EncodedWord.decode(name).trimmingWhitespace()
    return decoded.isEmpty ? nil : decoded
  }

  /// Whether it is an attachment rather than the message's text (Content-Disposition
  /// attachment, or a named non-text part).
  public var isAttachment: Bool {
    if disposition?.type == "attachment" { return true }
    return contentType.type != "text" && contentType.type != "multipart" && filename != nil
  }

  private var disposition: ContentDisposition? {
    header.raw("Content-Disposition").map(ContentDisposition.init(parsing:))
  }
}

/// A message inside a part: a class, because a struct cannot contain itself.
private final class EmbeddedMessage: Sendable {
  let message: ReceivedMessage
  init(_ message: ReceivedMessage) { self.message = message }
}
