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
    let done: Void? = input.withContiguousStorageIfAvailable { encode(buffer: $0, into: &output) }
    if done == nil {
      Array(input).withUnsafeBufferPointer { encode(buffer: $0, into: &output) }
    }
  }

  /// The encoder proper, on contiguous bytes (it runs for every line of every message).
  private static func encode(buffer input: UnsafeBufferPointer<UInt8>, into result: inout [UInt8]) {
    // Worst case: every byte escaped (3×), plus a soft break (3 bytes) per 72 output bytes.
    // (Small inputs, a line or two, are encoded on the stack.)
    let capacity = input.count * 3 + (input.count * 3 / 72 + 1) * 3
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
      var output = UnsafeOutputBuffer(base: buffer.baseAddress!)
      encode(input, into: &output)
      result.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: output.count))
    }
  }

  /// Bytes written straight into memory reserved for the worst case: the hot loop has no
  /// capacity checks.
  private struct UnsafeOutputBuffer {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0
    @inline(__always) mutating func append(_ byte: UInt8) {
      base[count] = byte
      count += 1
    }
    @inline(__always) mutating func append(_ source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
      (base + count).update(from: source.baseAddress! + start, count: end - start)
      count += end - start
    }
  }

  // The loop below spells bytes as hex literals (LF 0A, CR 0D, space 20, tab 09, "." 2E,
  // "=" 3D, "F" 46): patterns like `UInt8(ascii:)` are not free in a loop this hot.
  private static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout UnsafeOutputBuffer) {
    let end = input.count
    var column = 0
    var atLineStart = true
    var index = 0
    while index < end {
      let byte = input[index]
      let next = index + 1
      // Hard line break: LF, or CRLF.
      if byte == 0x0A || (byte == 0x0D && next < end && input[next] == 0x0A) {
        output.append(0x0D)
        output.append(0x0A)
        column = 0
        atLineStart = true
        index = byte == 0x0D ? next + 1 : next
        continue
      }
      // Fast path: copy a run of bytes that need no escaping (not at a line start, where
      // "." and "From " matter; spaces only when more follows on the line) in one go, up
      // to the column where a soft break may be needed.
      if !atLineStart {
        var runEnd = index
        let limit = min(end, index + (maximumLineLength - 1 - column))
        while runEnd < limit {
          let candidate = input[runEnd]
          if candidate > 0x20 && candidate < 0x7F && candidate != 0x3D {
            runEnd += 1
          } else if candidate == 0x20 && runEnd + 1 < end && input[runEnd + 1] != 0x0A && input[runEnd + 1] != 0x0D {
            runEnd += 1
          } else {
            break
          }
        }
        if runEnd > index {
          output.append(input, from: index, to: runEnd)
          column += runEnd - index
          index = runEnd
          continue
        }
      }
      let isLastOnLine = next == end || input[next] == 0x0A
        || (input[next] == 0x0D && next + 1 < end && input[next + 1] == 0x0A)
      var escaped: Bool
      if byte > 0x20 && byte < 0x7F && byte != 0x3D && byte != 0x2E && byte != 0x46 {
        escaped = false  // the common case: printable, nothing special
      } else if byte == 0x20 || byte == 0x09 {
        escaped = isLastOnLine  // trailing whitespace would be stripped in transit
      } else if byte == 0x2E {
        escaped = atLineStart
      } else if byte == 0x46 {
        escaped = atLineStart && startsWithFromSpace(input, at: index)
      } else {
        escaped = true  // "=", controls, and every byte of a non-ASCII character
      }
      var width = escaped ? 3 : 1
      // Room for a soft break "=" unless this is the line's last character. A soft break
      // never falls inside a UTF-8 sequence: at its lead byte, the whole sequence must fit.
      let limit = isLastOnLine ? maximumLineLength : maximumLineLength - 1
      let sequenceWidth = byte >= 0xF0 ? 12 : byte >= 0xE0 ? 9 : byte >= 0xC0 ? 6 : width
      if column + width > limit || (column + sequenceWidth > maximumLineLength - 1 && column > 0) {
        output.append(0x3D)
        output.append(0x0D)
        output.append(0x0A)
        column = 0
        // This byte now starts an encoded line, where a relay sees "." or "From " too.
        if !escaped && (byte == 0x2E || (byte == 0x46 && startsWithFromSpace(input, at: index))) {
          escaped = true
          width = 3
        }
      }
      if escaped {
        output.append(0x3D)
        output.append(hexDigit(byte >> 4))
        output.append(hexDigit(byte & 0x0F))
      } else {
        output.append(byte)
      }
      column += width
      atLineStart = false
      index = next
    }
  }

  @inline(__always)
  private static func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? value + 0x30 : value + 0x37
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
  fileprivate static func startsWithFromSpace(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    index + 5 <= input.count && input[index] == 0x46 && input[index + 1] == 0x72 && input[index + 2] == 0x6F
      && input[index + 3] == 0x6D && input[index + 4] == 0x20  // "From "
  }
}

extension UInt8 {
  static let cr: UInt8 = 0x0D
  static let lf: UInt8 = 0x0A
  static let space: UInt8 = 0x20
  static let tab: UInt8 = 0x09
  static let period: UInt8 = 0x2E
}
