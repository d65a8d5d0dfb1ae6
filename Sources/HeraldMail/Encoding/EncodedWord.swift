/// RFC 2047 encoded-words, for non-ASCII text in header fields.
///
/// Each encoded-word holds whole characters (a character is never split across two
/// words) and is at most 75 characters long. The Q or B encoding is chosen per value,
/// whichever is shorter; Q uses the restricted character set that is valid in a phrase
/// (RFC 2047 §5 rule 3), so the same words serve a Subject and a display name.
public enum EncodedWord {
  /// The longest encoded-word (RFC 2047 §2).
  static let maximumLength = 75
  private static let prefixQ: [UInt8] = Array("=?utf-8?q?".utf8)
  private static let prefixB: [UInt8] = Array("=?utf-8?b?".utf8)
  private static let suffix: [UInt8] = Array("?=".utf8)

  /// Encodes `text` as a sequence of encoded-words, to be joined with folding white space.
  /// - Parameter firstWordLength: the longest the first word may be: less than 75 when it
  ///   shares its line with a field name, as a line holding encoded-words is limited to 76.
  public static func encode(_ text: String, firstWordLength: Int = 75) -> [String] {
    let qLength = text.utf8.reduce(0) { $0 + (isQSafe($1) ? 1 : 3) }
    let bLength = (text.utf8.count + 2) / 3 * 4
    let useQ = qLength <= bLength
    let budget = maximumLength - prefixQ.count - suffix.count
    let firstBudget = min(budget, firstWordLength - prefixQ.count - suffix.count)

    var words: [String] = []
    var chunk: [UInt8] = []
    var chunkQLength = 0
    func qCost(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + (isQSafe($1) ? 1 : 3) } }
    func length(adding piece: [UInt8]) -> Int {
      useQ ? chunkQLength + qCost(piece) : (chunk.count + piece.count + 2) / 3 * 4
    }
    func flush() {
      guard !chunk.isEmpty else { return }
      var word = useQ ? prefixQ : prefixB
      if useQ { appendQ(chunk, to: &word) } else { word.append(contentsOf: Base64.encode(chunk)) }
      word.append(contentsOf: suffix)
      words.append(String(decoding: word, as: UTF8.self))
      chunk.removeAll(keepingCapacity: true)
      chunkQLength = 0
    }
    for character in text {
      let bytes = Array(character.utf8)
      // A character longer than one word (a long emoji sequence) is split at Unicode
      // scalar boundaries, which still decodes to the same text.
      let pieces = (useQ ? qCost(bytes) : (bytes.count + 2) / 3 * 4) > budget
        ? character.unicodeScalars.map { Array(String($0).utf8) } : [bytes]
      for piece in pieces {
        if !chunk.isEmpty && length(adding: piece) > (words.isEmpty ? firstBudget : budget) { flush() }
        chunkQLength += qCost(piece)
        chunk.append(contentsOf: piece)
      }
    }
    flush()
    return words
  }

  /// Whether a byte may appear literally in a Q-encoded word inside a phrase.
  @inline(__always)
  static func isQSafe(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"),
      UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: " "):
      return true
    default:
      return false
    }
  }

  private static func appendQ(_ bytes: [UInt8], to word: inout [UInt8]) {
    for byte in bytes {
      if byte == UInt8(ascii: " ") {
        word.append(UInt8(ascii: "_"))
      } else if isQSafe(byte) {
        word.append(byte)
      } else {
        word.append(UInt8(ascii: "="))
        word.append(QuotedPrintable.hexDigits[Int(byte >> 4)])
        word.append(QuotedPrintable.hexDigits[Int(byte & 0x0F)])
      }
    }
  }
}
