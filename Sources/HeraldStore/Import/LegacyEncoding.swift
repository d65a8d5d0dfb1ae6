/// The 8-bit code pages Excel writes when "CSV" is chosen instead of "CSV UTF-8": telling
/// them apart. They are decoded by HeraldMail's `SingleByteCharset`, whose tables received
/// mail uses too (Foundation's Windows code pages on Linux drop unassigned bytes).
enum LegacyEncoding {
  /// Guesses whether non-UTF-8 text is Windows-1251 (Cyrillic) or Latin-1/Windows-1252.
  ///
  /// The heuristic looks only at bytes 0x80–0xFF ("high bytes") and the runs they form:
  /// - In Cyrillic text every letter is a high byte (А–я are 0xC0–0xFF, Ё/ё, Ukrainian
  ///   and Belarusian letters lie in 0xA1–0xBF), so high bytes come in runs as long as the
  ///   words: "Иванов" is six in a row.
  /// - In Western European text high bytes are accented letters and typographic
  ///   punctuation sprinkled between ASCII letters: "José", "Müller", "Zoë" each have one,
  ///   alone. Three in a row almost never happen ("Größe" has two).
  ///
  /// So high bytes in runs of three or more count for Windows-1251, lone high bytes count
  /// for Latin-1, and pairs count for neither. Windows-1251 wins only when it has more;
  /// a tie (including no evidence at all) is read as Latin-1, the code page of Excel on
  /// Western Windows and the more common one.
  static func guess(_ sample: UnsafeBufferPointer<UInt8>) -> CSVEncoding {
    var inLongRuns = 0
    var alone = 0
    var run = 0
    for byte in sample {
      if byte >= 0x80 {
        run += 1
        continue
      }
      if run == 1 { alone += 1 } else if run >= 3 { inLongRuns += run }
      run = 0
    }
    if run == 1 { alone += 1 } else if run >= 3 { inLongRuns += run }
    return inLongRuns > alone ? .windows1251 : .latin1
  }
}

/// UTF-8 validation that says where the first bad byte is, for error messages.
enum UTF8Validation {
  /// Whether every byte is below 0x80.
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let count = bytes.count
    var index = 0
    // Eight bytes at a time: most fields of a subscriber list are ASCII.
    while index &+ 8 <= count {
      if UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
        return false
      }
      index &+= 8
    }
    while index < count {
      if base[index] >= 0x80 { return false }
      index &+= 1
    }
    return true
  }

  /// The offset of the first byte that does not start a well-formed UTF-8 sequence,
  /// or nil when all of `bytes` is valid UTF-8.
  static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let count = bytes.count
    var index = 0
    while index < count {
      while index &+ 8 <= count,
        UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        index &+= 8
      }
      guard index < count else { break }
      guard let length = sequenceLength(base, at: index, count: count) else { return index }
      index &+= length
    }
    return nil
  }

  /// How many well-formed multi-byte sequences and how many bytes that start none `bytes` has.
  static func census(_ bytes: UnsafeBufferPointer<UInt8>) -> (multiByte: Int, invalid: Int) {
    guard let base = bytes.baseAddress else { return (0, 0) }
    var multiByte = 0
    var invalid = 0
    var index = 0
    while index < bytes.count {
      if let length = sequenceLength(base, at: index, count: bytes.count) {
        if length > 1 { multiByte += 1 }
        index += length
      } else {
        invalid += 1
        index += 1
      }
    }
    return (multiByte, invalid)
  }

  /// The length of the well-formed sequence at `index` (Unicode, table 3-7), nil when none starts there.
  @inline(__always)
  private static func sequenceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int? {
    let lead = base[index]
    if lead < 0x80 { return 1 }
    var length = 0
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0  // no overlong forms
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F  // no surrogates
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F  // nothing above U+10FFFF
    default: return nil
    }
    guard index &+ length <= count else { return nil }
    let second = base[index &+ 1]
    guard second >= low, second <= high else { return nil }
    var next = 2
    while next < length {
      guard base[index &+ next] & 0xC0 == 0x80 else { return nil }
      next &+= 1
    }
    return length
  }

  /// The length of `bytes` without a multi-byte sequence that is cut off at its end,
  /// so that a sample read from the middle of a file ends on a character boundary.
  static func lengthWithoutTruncatedEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    let count = bytes.count
    var back = 1
    while back <= 3, back <= count {
      let byte = bytes[count - back]
      if byte < 0x80 { return count }
      if byte >= 0xC0 {
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        return length > back ? count - back : count
      }
      back += 1
    }
    return count
  }
}
