extension Charset {
  /// UTF-16. The byte order is `bigEndian` when the name says it, else the byte order mark's;
  /// without one, big-endian (RFC 2781 §4.3) unless the text is plainly little-endian (more
  /// zero bytes at odd offsets, as ASCII-range text in UTF-16LE has). Nil for an odd number
  /// of bytes or an unpaired surrogate.
  static func decodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool?) -> String? {
    guard bytes.count % 2 == 0 else { return nil }
    var start = 0
    var isBigEndian = bigEndian ?? true
    if bytes.count >= 2 {
      let first = bytes[0]
      let second = bytes[1]
      if first == 0xFE, second == 0xFF, bigEndian != false {
        isBigEndian = true
        start = 2
      } else if first == 0xFF, second == 0xFE, bigEndian != true {
        isBigEndian = false
        start = 2
      } else if bigEndian == nil {
        var evenZeros = 0
        var oddZeros = 0
        for index in 0..<min(bytes.count, 1024) where bytes[index] == 0 {
          if index % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
        }
        isBigEndian = oddZeros <= evenZeros
      }
    }
    var units: [UInt16] = []
    units.reserveCapacity((bytes.count - start) / 2)
    var index = start
    while index + 1 < bytes.count {
      let high = UInt16(bytes[index])
      let low = UInt16(bytes[index + 1])
      units.append(isBigEndian ? high << 8 | low : low << 8 | high)
      index += 2
    }
    return String(validating: units, as: UTF16.self)
  }

  /// UTF-32, with the byte order found as for UTF-16. Nil when the length is not a multiple
  /// of four or a value is not a Unicode scalar.
  static func decodeUTF32(_ bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool?) -> String? {
    guard bytes.count % 4 == 0 else { return nil }
    var start = 0
    var isBigEndian = bigEndian ?? true
    if bytes.count >= 4 {
      if bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF, bigEndian != false {
        isBigEndian = true
        start = 4
      } else if bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0, bigEndian != true {
        isBigEndian = false
        start = 4
      } else if bigEndian == nil {
        // ASCII-range text has its non-zero byte last in big-endian order, first in little-endian.
        isBigEndian = bytes[0] == 0
      }
    }
    var scalars = String.UnicodeScalarView()
    var index = start
    while index + 3 < bytes.count {
      let b0 = UInt32(bytes[index])
      let b1 = UInt32(bytes[index + 1])
      let b2 = UInt32(bytes[index + 2])
      let b3 = UInt32(bytes[index + 3])
      let value = isBigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
      guard let scalar = Unicode.Scalar(value) else { return nil }
      scalars.append(scalar)
      index += 4
    }
    return String(scalars)
  }
}
