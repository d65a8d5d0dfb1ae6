/// Base64 (RFC 4648) without the Foundation round trip, for MIME bodies and encoded-words.
public enum Base64 {
  private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let urlAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// Encodes bytes as one line of standard base64 with padding.
  public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    append(bytes, to: &output, alphabet: alphabet, padding: true, lineLength: nil)
    return output
  }

  /// Encodes bytes as base64url without padding (RFC 4648 §5), for tokens in URLs.
  public static func encodeURLSafe(_ bytes: some Collection<UInt8>) -> String {
    var output: [UInt8] = []
    append(bytes, to: &output, alphabet: urlAlphabet, padding: false, lineLength: nil)
    return String(decoding: output, as: UTF8.self)
  }

  /// Decodes base64url without padding; nil when the text is not valid base64url.
  public static func decodeURLSafe(_ text: String) -> [UInt8]? {
    var values: [UInt8] = []
    values.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
      case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
      case UInt8(ascii: "-"): values.append(62)
      case UInt8(ascii: "_"): values.append(63)
      default: return nil
      }
    }
    if values.count % 4 == 1 { return nil }
    var output: [UInt8] = []
    output.reserveCapacity(values.count * 3 / 4)
    var i = 0
    while i + 4 <= values.count {
      let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6 | UInt32(values[i + 3])
      output.append(UInt8(truncatingIfNeeded: n >> 16))
      output.append(UInt8(truncatingIfNeeded: n >> 8))
      output.append(UInt8(truncatingIfNeeded: n))
      i += 4
    }
    let rest = values.count - i
    // Only the canonical form is valid (RFC 4648 §3.5): unused trailing bits must be zero,
    // or "Zg" and "Zh" would both decode to "f" and an altered token would still verify.
    if (rest == 2 && values[i + 1] & 0x0F != 0) || (rest == 3 && values[i + 2] & 0x03 != 0) { return nil }
    if rest == 2 {
      let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12
      output.append(UInt8(truncatingIfNeeded: n >> 16))
    } else if rest == 3 {
      let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6
      output.append(UInt8(truncatingIfNeeded: n >> 16))
      output.append(UInt8(truncatingIfNeeded: n >> 8))
    }
    return output
  }

  /// Appends a MIME body in base64: lines of 76 characters ending in CRLF.
  public static func appendMIMEBody(_ bytes: some Collection<UInt8>, to output: inout [UInt8]) {
    append(bytes, to: &output, alphabet: alphabet, padding: true, lineLength: 76)
  }

  /// The size of a MIME base64 body for `count` input bytes, line breaks included.
  public static func mimeBodySize(forInputCount count: Int) -> Int {
    let characters = (count + 2) / 3 * 4
    return characters + (characters + 75) / 76 * 2
  }

  private static func append(
    _ bytes: some Collection<UInt8>, to output: inout [UInt8], alphabet: [UInt8], padding: Bool, lineLength: Int?
  ) {
    output.reserveCapacity(output.count + mimeBodySize(forInputCount: bytes.count))
    var column = 0
    var buffer: UInt32 = 0
    var filled = 0
    func emit(_ value: UInt32) {
      if let lineLength, column == lineLength {
        output.append(.cr)
        output.append(.lf)
        column = 0
      }
      output.append(alphabet[Int(value & 0x3F)])
      column += 1
    }
    for byte in bytes {
      buffer = buffer << 8 | UInt32(byte)
      filled += 1
      if filled == 3 {
        emit(buffer >> 18)
        emit(buffer >> 12)
        emit(buffer >> 6)
        emit(buffer)
        buffer = 0
        filled = 0
      }
    }
    if filled > 0 {
      buffer <<= UInt32(8 * (3 - filled))
      emit(buffer >> 18)
      emit(buffer >> 12)
      if filled == 2 { emit(buffer >> 6) }
      if padding {
        for _ in 0..<(3 - filled) {
          if let lineLength, column == lineLength {
            output.append(.cr)
            output.append(.lf)
            column = 0
          }
          output.append(UInt8(ascii: "="))
          column += 1
        }
      }
    }
    if lineLength != nil, column > 0 {
      output.append(.cr)
      output.append(.lf)
    }
  }
}
