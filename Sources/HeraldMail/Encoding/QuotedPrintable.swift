/// Quoted-printable content transfer encoding (RFC 2045 §6.7) for text parts.
///
/// Line breaks in the input (LF or CRLF) become CRLF hard breaks. Encoded lines are at most
/// 76 characters; a line that is longer is split with soft breaks, never inside an `=XX`
/// escape. Beyond the RFC, a "." or "From " at the start of a line is escaped too, so no
/// relay's dot-stuffing or mbox "From " quoting can alter the text.
public enum QuotedPrintable {
  /// The longest encoded line, not counting CRLF (RFC 2045).
  static let maximumLineLength = 76

  /// Encodes UTF-8 text and appends the result to `output`.
  public static func encode(_ input: some Collection<UInt8>, into output: inout [UInt8]) {
    output.reserveCapacity(output.count + input.count + input.count / 8 + 16)
    var column = 0
    var atLineStart = true
    var index = input.startIndex
    let end = input.endIndex
    while index != end {
      let byte = input[index]
      let next = input.index(after: index)
      // Hard line break: LF, or CRLF.
      if byte == .lf || (byte == .cr && next != end && input[next] == .lf) {
        output.append(.cr)
        output.append(.lf)
        column = 0
        atLineStart = true
        index = byte == .cr ? input.index(after: next) : next
        continue
      }
      let isLastOnLine = next == end || input[next] == .lf
        || (input[next] == .cr && input.index(after: next) != end && input[input.index(after: next)] == .lf)
      var escaped: Bool
      switch byte {
      case .space, .tab:
        escaped = isLastOnLine  // trailing whitespace would be stripped in transit
      case .period:
        escaped = atLineStart
      case UInt8(ascii: "F"):
        escaped = atLineStart && startsWithFromSpace(input, at: index)
      case UInt8(ascii: "="):
        escaped = true
      case 33...126:
        escaped = false
      default:
        escaped = true
      }
      var width = escaped ? 3 : 1
      // Room for a soft break "=" unless this is the line's last character. A soft break
      // never falls inside a UTF-8 sequence: at its lead byte, the whole sequence must fit.
      let limit = isLastOnLine ? maximumLineLength : maximumLineLength - 1
      let sequenceWidth = byte >= 0xF0 ? 12 : byte >= 0xE0 ? 9 : byte >= 0xC0 ? 6 : width
      if column + width > limit || (column + sequenceWidth > maximumLineLength - 1 && column > 0) {
        output.append(UInt8(ascii: "="))
        output.append(.cr)
        output.append(.lf)
        column = 0
        // This byte now starts an encoded line, where a relay sees "." or "From " too.
        if !escaped && (byte == .period || (byte == UInt8(ascii: "F") && startsWithFromSpace(input, at: index))) {
          escaped = true
          width = 3
        }
      }
      if escaped {
        output.append(UInt8(ascii: "="))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0F)])
      } else {
        output.append(byte)
      }
      column += width
      atLineStart = false
      index = next
    }
  }

  /// Encodes UTF-8 text and returns the encoded bytes.
  public static func encode(_ text: String) -> [UInt8] {
    var output: [UInt8] = []
    encode(text.utf8, into: &output)
    return output
  }

  /// The number of input bytes that quoted-printable must escape: a quick estimate of the
  /// encoded size (about count + 2 × escapes) used to choose between it and base64.
  public static func escapeCount(_ input: some Collection<UInt8>) -> Int {
    var count = 0
    for byte in input where byte >= 0x80 || byte == UInt8(ascii: "=") || (byte < 0x20 && byte != .lf && byte != .cr && byte != .tab) {
      count += 1
    }
    return count
  }

  static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

extension QuotedPrintable {
  fileprivate static func startsWithFromSpace<C: Collection<UInt8>>(_ input: C, at index: C.Index) -> Bool {
    let from: [UInt8] = [0x46, 0x72, 0x6F, 0x6D, 0x20]  // "From "
    var i = index
    for expected in from {
      guard i != input.endIndex, input[i] == expected else { return false }
      i = input.index(after: i)
    }
    return true
  }
}

extension UInt8 {
  static let cr: UInt8 = 0x0D
  static let lf: UInt8 = 0x0A
  static let space: UInt8 = 0x20
  static let tab: UInt8 = 0x09
  static let period: UInt8 = 0x2E
}
