import HeraldMail

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Small, fast scans over text and bytes for the classifier, which runs for every message:
/// no Foundation, no regular expressions.
enum ByteText {
  static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// Whether `bytes[start..<end]` holds only spaces and tabs.
  static func isBlank(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
    var index = start
    while index < end {
      if !isSpace(bytes[index]) { return false }
      index += 1
    }
    return true
  }

  /// `bytes[start..<end]` without spaces at either end, as UTF-8 text.
  static func trimmedString(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
    var low = start
    var high = end
    while low < high && isSpace(bytes[low]) { low += 1 }
    while high > low && isSpace(bytes[high - 1]) { high -= 1 }
    return String(decoding: bytes[low..<high], as: UTF8.self)
  }

  /// Text without spaces, tabs and line breaks at either end.
  static func trimmed(_ text: Substring) -> Substring {
    let utf8 = text.utf8
    guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
    let last = utf8.lastIndex(where: { !isSpace($0) })!
    return text[first...last]
  }

  /// ASCII lowercase of one byte.
  @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }

  /// Whether `text` starts with `prefix` (lowercase ASCII), ignoring ASCII case.
  static func hasPrefix(_ text: some StringProtocol, lowercased prefix: String) -> Bool {
    var iterator = text.utf8.makeIterator()
    for byte in prefix.utf8 {
      guard let next = iterator.next(), lower(next) == byte else { return false }
    }
    return true
  }

  /// Where `needle` first occurs in `haystack[start..<end]`; with `ignoringCase`, `needle`
  /// must be lowercase and ASCII letters of the haystack match either case. An exact search
  /// runs on libc's `memchr`; for many searches without case, lowercase the haystack once
  /// (`asciiLowercased`) and search it exactly.
  static func find(
    _ needle: [UInt8], in haystack: [UInt8], from start: Int = 0, to end: Int? = nil, ignoringCase: Bool = false
  ) -> Int? {
    let end = min(end ?? haystack.count, haystack.count)
    let length = needle.count
    guard length > 0, start >= 0, end - start >= length else { return nil }
    return haystack.withUnsafeBufferPointer { hay in
      needle.withUnsafeBufferPointer { pattern in
        if !ignoringCase {
          // memchr finds candidates for the first byte; Glibc's module does not export memmem.
          let base = hay.baseAddress!
          let head = Int32(pattern[0])
          var index = start
          let last = end - length
          while index <= last {
            guard let found = memchr(base + index, head, last - index + 1) else { return nil }
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position + 1, pattern.baseAddress! + 1, length - 1) == 0 { return position }
            index = position + 1
          }
          return nil
        }
        let head = pattern[0]
        let upperHead = head >= 0x61 && head <= 0x7A ? head & 0xDF : head
        var index = start
        let last = end - length
        while index <= last {
          let byte = hay[index]
          if byte == head || byte == upperHead {
            var offset = 1
            while offset < length && lower(hay[index + offset]) == pattern[offset] { offset += 1 }
            if offset == length { return index }
          }
          index += 1
        }
        return nil
      }
    }
  }

  /// A copy of `bytes[range]` with ASCII letters lowercased (other bytes as they are).
  static func asciiLowercased(_ bytes: [UInt8], _ range: Range<Int>? = nil) -> [UInt8] {
    let range = range ?? 0..<bytes.count
    var output = [UInt8](repeating: 0, count: range.count)
    var target = 0
    for index in range {
      output[target] = lower(bytes[index])
      target += 1
    }
    return output
  }

  /// Whether `haystack[start...]` starts with `prefix`; with `ignoringCase`, `prefix` must be
  /// lowercase and ASCII letters of the haystack match either case.
  static func hasPrefix(_ haystack: [UInt8], _ prefix: [UInt8], at start: Int = 0, ignoringCase: Bool = false) -> Bool {
    guard start >= 0, haystack.count - start >= prefix.count else { return false }
    for offset in 0..<prefix.count {
      let byte = haystack[start + offset]
      if (ignoringCase ? lower(byte) : byte) != prefix[offset] { return false }
    }
    return true
  }

  /// The range of the line that starts at `start` (without its "\n"), and where the next begins.
  @inline(__always) static func line(in bytes: [UInt8], from start: Int, to end: Int) -> (line: Range<Int>, next: Int) {
    var index = start
    while index < end && bytes[index] != 0x0A { index += 1 }
    return (start..<index, index + 1)
  }

  /// `range` without spaces, tabs, CR or LF at either end.
  @inline(__always) static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
    var low = range.lowerBound
    var high = range.upperBound
    while low < high && isSpace(bytes[low]) { low += 1 }
    while high > low && isSpace(bytes[high - 1]) { high -= 1 }
    return low..<high
  }

  /// UTF-8 text lowercased for matching words: ASCII, Latin-1, Latin Extended-A (Polish,
  /// Czech…) and Cyrillic capitals made small, everything else kept. Much cheaper than
  /// `String.lowercased()`, and enough for the languages the classifier reads.
  static func lowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var output = Array(bytes)
    var index = 0
    let count = output.count
    while index < count {
      let byte = output[index]
      if byte < 0x80 {
        if byte >= 0x41 && byte <= 0x5A { output[index] = byte | 0x20 }
        index += 1
        continue
      }
      guard index + 1 < count else { break }
      let next = output[index + 1]
      switch byte {
      case 0xC3 where next >= 0x80 && next <= 0x9E && next != 0x97:
        // À–Þ (not ×): U+00C0–00DE to U+00E0–00FE.
        output[index + 1] = next + 0x20
      case 0xC4, 0xC5:
        let scalar = (UInt32(byte & 0x1F) << 6) | UInt32(next & 0x3F)
        var lower = scalar
        switch scalar {
        case 0x100...0x137, 0x14A...0x177: if scalar & 1 == 0 { lower = scalar + 1 }
        case 0x139...0x148, 0x179...0x17E: if scalar & 1 == 1 { lower = scalar + 1 }
        default: break
        }
        output[index] = 0xC0 | UInt8(lower >> 6)
        output[index + 1] = 0x80 | UInt8(lower & 0x3F)
      case 0xD0:
        switch next {
        case 0x80...0x8F: output[index] = 0xD1; output[index + 1] = next + 0x10  // Ѐ–Џ
        case 0x90...0x9F: output[index + 1] = next + 0x20  // А–П
        case 0xA0...0xAF: output[index] = 0xD1; output[index + 1] = next - 0x20  // Р–Я
        default: break
        }
      default:
        break
      }
      index += byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
    }
    return output
  }

  /// Byte patterns from strings, for `find` and `hasPrefix`.
  static func patterns(_ strings: [String]) -> [[UInt8]] { strings.map { Array($0.utf8) } }

  /// Whether `text` is one addr-spec and nothing else: `local@domain`, no spaces or brackets.
  static func isAddress(_ text: Substring) -> Bool {
    let utf8 = text.utf8
    guard utf8.count >= 3, utf8.count <= 320, let at = utf8.lastIndex(of: UInt8(ascii: "@")),
      at != utf8.startIndex, utf8.index(after: at) != utf8.endIndex
    else { return false }
    for byte in utf8 {
      switch byte {
      case 0x00...0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
        UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F:
        return false
      default: continue
      }
    }
    let domain = text[text.utf8.index(after: at)...]
    return domain.utf8.contains(UInt8(ascii: ".")) && !domain.hasPrefix(".") && !domain.hasSuffix(".")
  }

  /// The first enhanced status code (RFC 3463) standing alone in `text`: "5.1.1" in
  /// "550 5.1.1 <x@example.com>… User unknown", not "2.0.2.25" in an IP address.
  static func enhancedCode(in text: some StringProtocol) -> EnhancedStatusCode? {
    let bytes = Array(text.utf8)
    let count = bytes.count
    var index = 0
    while index + 4 < count {
      let byte = bytes[index]
      if (byte == 0x32 || byte == 0x34 || byte == 0x35) && bytes[index + 1] == 0x2E
        && (index == 0 || (!isDigit(bytes[index - 1]) && bytes[index - 1] != 0x2E))
      {
        var probe = index + 2
        let subjectStart = probe
        while probe < count && isDigit(bytes[probe]) && probe - subjectStart < 4 { probe += 1 }
        let subjectLength = probe - subjectStart
        if (1...3).contains(subjectLength), probe < count, bytes[probe] == 0x2E {
          probe += 1
          let detailStart = probe
          while probe < count && isDigit(bytes[probe]) && probe - detailStart < 4 { probe += 1 }
          let detailLength = probe - detailStart
          let endsHere = probe == count || (!isDigit(bytes[probe]) && bytes[probe] != 0x2E) || isSentenceEnd(bytes, probe)
          if (1...3).contains(detailLength), endsHere {
            return EnhancedStatusCode(String(decoding: bytes[index..<probe], as: UTF8.self))
          }
        }
      }
      index += 1
    }
    return nil
  }

  /// A "." that ends a sentence ("… status 5.1.1. Please check") rather than continuing a number.
  private static func isSentenceEnd(_ bytes: [UInt8], _ index: Int) -> Bool {
    bytes[index] == 0x2E && (index + 1 == bytes.count || isSpace(bytes[index + 1]))
  }

  /// Where an SMTP reply code (4xx or 5xx) starts in `text`: three digits at the start or
  /// after a space, "#", "'", "(" or ":", followed by a space, "-", ":" or the end.
  static func replyCodeStart(in text: Substring) -> Substring.Index? {
    let utf8 = text.utf8
    var previous: UInt8 = 0x20
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let byte = utf8[index]
      // After a space, tab, "#", "'", "(" or ":".
      let opens = previous == 0x20 || previous == 0x09 || previous == 0x23 || previous == 0x27 || previous == 0x28 || previous == 0x3A
      if (byte == 0x34 || byte == 0x35) && opens {
        let second = utf8.index(after: index)
        if second != utf8.endIndex, isDigit(utf8[second]) {
          let third = utf8.index(after: second)
          if third != utf8.endIndex, isDigit(utf8[third]) {
            let after = utf8.index(after: third)
            if after == utf8.endIndex || utf8[after] == 0x20 || utf8[after] == 0x2D || utf8[after] == 0x3A {
              return index
            }
          }
        }
      }
      previous = byte
      index = utf8.index(after: index)
    }
    return nil
  }

  /// The three-digit reply code at `index`.
  static func replyCode(in text: Substring, at index: Substring.Index) -> Int? {
    let digits = text.utf8[index...].prefix(3)
    guard digits.count == 3, digits.allSatisfy(isDigit) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
  }
}
