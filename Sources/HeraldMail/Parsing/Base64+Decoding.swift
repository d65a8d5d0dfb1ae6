extension Base64 {
  /// The value of each byte in the base64 alphabet; 0xFF for whitespace, 0xFE for "=",
  /// 0xFD for anything else.
  private static let values: [UInt8] = {
    var values = [UInt8](repeating: 0xFD, count: 256)
    for (value, byte) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8).enumerated() {
      values[Int(byte)] = UInt8(value)
    }
    for byte in [UInt8(ascii: " "), .tab, .cr, .lf] { values[Int(byte)] = 0xFF }
    values[Int(UInt8(ascii: "="))] = 0xFE
    return values
  }()

  /// Decodes a base64 MIME body or encoded-word leniently, as mail readers do: line breaks
  /// and spaces are skipped, padding may be missing, and text after padding (two encodings
  /// run together) starts afresh. Other characters are skipped and reported.
  /// - Returns: the bytes, and whether characters outside the alphabet (or a lone
  ///   character at the end, which holds no whole byte) were skipped.
  static func decodeLeniently(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], isClean: Bool) {
    var isClean = true
    // Every 4 characters make at most 3 bytes, and a partial group at most 2: written in
    // place, without checks.
    let bytes = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 2) { output, initializedCount in
      values.withUnsafeBufferPointer { values in
        var count = 0
        var buffer: UInt32 = 0
        var filled = 0
        for byte in input {
          let value = values[Int(byte)]
          if value < 64 {
            buffer = buffer << 6 | UInt32(value)
            filled &+= 1
            if filled == 4 {
              output[count] = UInt8(truncatingIfNeeded: buffer >> 16)
              output[count &+ 1] = UInt8(truncatingIfNeeded: buffer >> 8)
              output[count &+ 2] = UInt8(truncatingIfNeeded: buffer)
              count &+= 3
              buffer = 0
              filled = 0
            }
            continue
          }
          if value == 0xFD {
            isClean = false
          } else if value == 0xFE {
            // Padding ends a group early: 2 characters hold one byte, 3 hold two, 1 none.
            flushPartialGroup(buffer, filled, output, &count, &isClean)
            buffer = 0
            filled = 0
          }
        }
        flushPartialGroup(buffer, filled, output, &count, &isClean)
        initializedCount = count
      }
    }
    return (bytes, isClean)
  }

  @inline(__always)
  private static func flushPartialGroup(
    _ buffer: UInt32, _ filled: Int, _ output: UnsafeMutableBufferPointer<UInt8>, _ count: inout Int,
    _ isClean: inout Bool
  ) {
    switch filled {
    case 2:
      output[count] = UInt8(truncatingIfNeeded: buffer >> 4)
      count += 1
    case 3:
      output[count] = UInt8(truncatingIfNeeded: buffer >> 10)
      output[count + 1] = UInt8(truncatingIfNeeded: buffer >> 2)
      count += 2
    case 1:
      isClean = false
    default:
      break
    }
  }
}
