/// A MIME leaf encoded once, header fields and base64 body, and copied as it is into every
/// message that carries it: an image embedded for the HTML (Content-ID) or a file attached.
/// A release's photos are encoded once per release, not once per recipient.
public struct PreparedPart: Sendable, Hashable {
  /// The part as it is written between two boundaries: its header fields, an empty line,
  /// its base64 body (lines of 76 characters, CRLF).
  public let bytes: [UInt8]

  /// How the part is offered to the reader.
  public enum Disposition: Sendable, Hashable {
    /// Shown within the HTML, found by its Content-ID (`cid:` in an `<img src>`).
    case inline
    /// A file to open or save.
    case attachment
  }

  /// A binary part.
  /// - Parameters:
  ///   - mediaType: Its Content-Type without parameters: "image/jpeg", "application/pdf".
  ///   - content: Its bytes.
  ///   - fileName: The name it is saved under; non-ASCII names are written as RFC 2231
  ///     parameters (`filename*=utf-8''…`), which every current mail client reads.
  ///   - contentID: Its Content-ID without angle brackets, for an inline part.
  ///   - disposition: Inline or attachment.
  public init(mediaType: String, content: some Collection<UInt8>, fileName: String, contentID: String? = nil, disposition: Disposition) {
    var output: [UInt8] = []
    output.reserveCapacity(Base64.mimeBodySize(forInputCount: content.count) + 256)
    output.append(contentsOf: "Content-Type: \(mediaType);\r\n \(Self.parameter("name", fileName))\r\n".utf8)
    output.append(contentsOf: "Content-Transfer-Encoding: base64\r\n".utf8)
    if let contentID { output.append(contentsOf: "Content-ID: <\(contentID)>\r\n".utf8) }
    let kind = disposition == .inline ? "inline" : "attachment"
    output.append(contentsOf: "Content-Disposition: \(kind);\r\n \(Self.parameter("filename", fileName))\r\n\r\n".utf8)
    Base64.appendMIMEBody(content, to: &output)
    self.bytes = output
  }

  /// `name="value"` for a plain ASCII value, else RFC 2231's `name*=utf-8''percent-encoded`.
  static func parameter(_ name: String, _ value: String) -> String {
    let plain = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    if plain { return "\(name)=\"\(value)\"" }
    var encoded = ""
    let digits = Array("0123456789ABCDEF")
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        encoded.append(Character(UnicodeScalar(byte)))
      default:
        encoded.append("%")
        encoded.append(digits[Int(byte >> 4)])
        encoded.append(digits[Int(byte & 0x0F)])
      }
    }
    return "\(name)*=utf-8''\(encoded)"
  }
}
