import Foundation

extension QuotedPrintable {
  /// Decodes a quoted-printable body leniently (RFC 2045 §6.7): `=XX` in either case is a
  /// byte, `=` at the end of a line is a soft break, whitespace at the end of a line (added
  /// in transit) is removed; an `=` that starts neither is kept as it is and reported.
  /// Line breaks are kept as they were (CRLF or LF).
  /// - Returns: the bytes, and whether every `=` was a valid escape or soft break.
  static func decodeLeniently(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], isClean: Bool) {
    guard let base = input.baseAddress else { return ([], true) }
    var isClean = true
    // The output is never longer than the input: it is written in place, line by line,
    // the runs between "=" copied whole.
    let bytes = [UInt8](unsafeUninitializedCapacity: input.count) { output, initializedCount in
      let out = output.baseAddress!
      var count = 0
      let end = input.count
      var lineStart = 0
      while lineStart < end {
        let lineFeed =
          memchr(base + lineStart, 0x0A, end - lineStart).map {
            UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0))
          } ?? end
        var contentEnd = lineFeed
        let hasCR = lineFeed < end && contentEnd > lineStart && input[contentEnd - 1] == 0x0D
        if hasCR { contentEnd -= 1 }
        // Trailing whitespace is removed back to here: the line's start or the last escaped byte.
        var keepFrom = count
        var softBreak = false
        var index = lineStart
        while index < contentEnd {
          let equals =
            memchr(base + index, 0x3D, contentEnd - index).map {
              UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0))
            } ?? contentEnd
          (out + count).update(from: base + index, count: equals - index)
          count += equals - index
          guard equals < contentEnd else { break }
          if equals + 2 < end, let high = hexValue(input[equals + 1]), let low = hexValue(input[equals + 2]) {
            out[count] = high << 4 | low
            count += 1
            index = equals + 3
            keepFrom = count
            continue
          }
          // A soft line break: "=", then only whitespace to the end of the line.
          var rest = equals + 1
          while rest < contentEnd, input[rest] == .space || input[rest] == .tab { rest += 1 }
          if rest == contentEnd {
            softBreak = true
            keepFrom = count  // whitespace before a soft break is text
            break
          }
          isClean = false
          out[count] = 0x3D
          count += 1
          index = equals + 1
          keepFrom = count
        }
        if !softBreak {
          while count > keepFrom, out[count - 1] == .space || out[count - 1] == .tab { count -= 1 }
          if hasCR {
            out[count] = 0x0D
            count += 1
          }
          if lineFeed < end {
            out[count] = 0x0A
            count += 1
          }
        }
        lineStart = lineFeed + 1
      }
      initializedCount = count
    }
    return (bytes, isClean)
  }

  @inline(__always)
  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
  }
}
