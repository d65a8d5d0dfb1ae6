import Foundation

extension EncodedWord {
  /// Decodes the RFC 2047 encoded-words in a header value, `=?charset?B|Q?text?=`.
  ///
  /// Adjacent encoded-words are joined without the whitespace between them, and their bytes
  /// are decoded together when they share a charset, so a character split across two words
  /// (as some senders split UTF-8 and ISO-2022-JP) comes out whole. Words run together with
  /// other text are decoded too, as mail readers do. The charset is decoded by `Charset`,
  /// falling back to UTF-8 then Windows-1252; a malformed word is left as it is.
  static func decode(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
      guard containsWordStart(bytes) else { return String(decoding: bytes, as: UTF8.self) }
      return decode(bytes)
    }
  }

  /// Whether `bytes` contain "=?".
  static func containsWordStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    var index = 0
    while index + 1 < bytes.count {
      guard let found = memchr(base + index, 0x3D, bytes.count - 1 - index) else { return false }  // "="
      let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
      if bytes[offset + 1] == UInt8(ascii: "?") { return true }
      index = offset + 1
    }
    return false
  }

  private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    // Words decoded but not yet written: their charset and bytes, joined while they share it.
    var pendingCharset: [UInt8] = []
    var pendingBytes: [UInt8] = []
    var hasPending = false
    func flushPending() {
      guard hasPending else { return }
      let charset = String(decoding: pendingCharset, as: UTF8.self)
      let text = pendingBytes.withUnsafeBufferPointer { Charset.decodeLeniently($0, charset: charset) }
      output.append(contentsOf: text.utf8)
      hasPending = false
      pendingBytes.removeAll(keepingCapacity: true)
    }
    var scanner = WordScanner(bytes: bytes)
    var literalStart = 0
    var index = 0
    while index + 1 < bytes.count {
      guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
        let word = scanner.word(at: index)
      else {
        index += 1
        continue
      }
      // Text since the last word: dropped when it is only whitespace between two words.
      let literal = UnsafeBufferPointer(rebasing: bytes[literalStart..<index])
      let onlyWhitespace = literal.allSatisfy { $0 == .space || $0 == .tab || $0 == .cr || $0 == .lf }
      if !(hasPending && onlyWhitespace) {
        flushPending()
        output.append(contentsOf: literal)
      }
      if hasPending && !asciiCaseInsensitiveEqual(pendingCharset, word.charset) { flushPending() }
      if !hasPending {
        pendingCharset = word.charset
        hasPending = true
      }
      pendingBytes.append(contentsOf: word.bytes)
      index = word.end
      literalStart = word.end
    }
    flushPending()
    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[literalStart...]))
    return String(decoding: output, as: UTF8.self)
  }

  /// One decoded encoded-word: its charset (without an RFC 2231 language), its bytes, and
  /// the offset just after its closing "?=".
  private struct Word {
    var charset: [UInt8]
    var bytes: [UInt8]
    var end: Int
  }

  /// Finds encoded-words, remembering where the next "?=" and the next whitespace are, so
  /// that a value full of "=?" that never close is still read in linear time.
  private struct WordScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var closeSearchedFrom = Int.max
    private var nextClose: Int? = nil
    private var spaceSearchedFrom = Int.max
    private var nextSpace: Int? = nil

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The offset of the next "?=" at or after `start`.
    private mutating func close(from start: Int) -> Int? {
      if start >= closeSearchedFrom, nextClose.map({ start <= $0 }) ?? true { return nextClose }
      closeSearchedFrom = start
      nextClose = nil
      var index = start
      while index + 1 < bytes.count {
        if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: "=") {
          nextClose = index
          break
        }
        index += 1
      }
      return nextClose
    }

    /// The offset of the next space, tab or line break at or after `start`.
    private mutating func space(from start: Int) -> Int? {
      if start >= spaceSearchedFrom, nextSpace.map({ start <= $0 }) ?? true { return nextSpace }
      spaceSearchedFrom = start
      nextSpace = nil
      var index = start
      while index < bytes.count {
        let byte = bytes[index]
        if byte == .space || byte == .tab || byte == .cr || byte == .lf {
          nextSpace = index
          break
        }
        index += 1
      }
      return nextSpace
    }

    /// The encoded-word starting at `start` ("=?"), nil when there is none.
    mutating func word(at start: Int) -> Word? {
      // The charset: up to the next "?", at most 64 characters, no whitespace.
      var index = start + 2
      let charsetStart = index
      while index < bytes.count, index - charsetStart <= 64 {
        let byte = bytes[index]
        if byte == UInt8(ascii: "?") || byte <= 0x20 || byte >= 0x7F { break }
        index += 1
      }
      guard index < bytes.count, bytes[index] == UInt8(ascii: "?"), index > charsetStart else { return nil }
      var charset = Array(bytes[charsetStart..<index])
      if let star = charset.firstIndex(of: UInt8(ascii: "*")) { charset.removeSubrange(star...) }  // RFC 2231 §5 language
      // The encoding letter and the "?" after it.
      guard index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
      let encoding = bytes[index + 1] | 0x20
      guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
      let textStart = index + 3
      guard let textEnd = close(from: textStart) else { return nil }
      if let space = space(from: textStart), space < textEnd { return nil }
      let text = UnsafeBufferPointer(rebasing: bytes[textStart..<textEnd])
      let decoded: [UInt8]
      if encoding == UInt8(ascii: "b") {
        let result = Base64.decodeLeniently(text)
        guard result.isClean else { return nil }
        decoded = result.bytes
      } else {
        decoded = decodeQ(text)
      }
      return Word(charset: charset, bytes: decoded, end: textEnd + 2)
    }
  }

  /// The Q encoding: "_" is a space, "=XX" a byte; an "=" that is not an escape is kept.
  static func decodeQ(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(text.count)
    var index = 0
    while index < text.count {
      let byte = text[index]
      if byte == UInt8(ascii: "_") {
        output.append(.space)
      } else if byte == UInt8(ascii: "="), index + 2 < text.count,
        let high = QuotedPrintable.hexValue(text[index + 1]), let low = QuotedPrintable.hexValue(text[index + 2])
      {
        output.append(high << 4 | low)
        index += 3
        continue
      } else {
        output.append(byte)
      }
      index += 1
    }
    return output
  }

  private static func asciiCaseInsensitiveEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { ($0 | 0x20) == ($1 | 0x20) }
  }
}
