import Foundation

/// One response from an IMAP server (RFC 3501 §7), its literals kept byte for byte.
///
/// A response is a line, or several when it carries literals: a line ending in `{n}` is
/// followed by exactly n bytes of data (any bytes: CR, LF, 8-bit, lines that look like
/// responses) and then the rest of the response. `bytes` keeps the `{n}` that announced each
/// literal; the data is in `literals`.
struct IMAPResponse {
  /// "*" (untagged data), "+" (continuation), or the tag of the command it completes.
  var tag: String
  /// Everything after the tag, literals left out, the lines joined without their CRLF.
  var bytes: [UInt8]
  /// The literals, in order.
  var literals: [[UInt8]]
  /// For each literal, the offset in `bytes` just after its `{n}`.
  var literalOffsets: [Int]

  /// `bytes` as text.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Whether it completes a command (a tag other than "*" and "+").
  var isTagged: Bool { tag != "*" && tag != "+" }

  /// A tagged response's status ("OK", "NO", "BAD"), or an untagged one's first word
  /// ("OK", "SEARCH", "CAPABILITY", "BYE"; "5" for "5 FETCH …").
  var status: String {
    String(decoding: bytes.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self).uppercased()
  }

  /// The first complete response in `bytes` and how many bytes it takes; nil when the
  /// bytes end inside it (more must be read).
  static func first(in bytes: ArraySlice<UInt8>) -> (response: IMAPResponse, length: Int)? {
    var index = bytes.startIndex
    var text: [UInt8] = []
    var literals: [[UInt8]] = []
    var offsets: [Int] = []
    while true {
      guard let newline = newline(in: bytes[index...]) else { return nil }
      var end = newline
      if end > index && bytes[end - 1] == 0x0D { end -= 1 }
      let line = bytes[index..<end]
      text += line
      index = newline + 1
      guard let size = literalSize(endingLine: line) else { break }
      guard bytes.endIndex - index >= size else { return nil }
      offsets.append(text.count)
      literals.append(Array(bytes[index..<index + size]))
      index += size
    }
    // "TAG text": the tag is the first word.
    let space = text.firstIndex(of: 0x20) ?? text.endIndex
    let rest = space < text.endIndex ? space + 1 : space
    let response = IMAPResponse(
      tag: String(decoding: text[..<space], as: UTF8.self), bytes: Array(text[rest...]), literals: literals,
      literalOffsets: offsets.map { $0 - rest })
    return (response, index - bytes.startIndex)
  }

  /// The index of the first LF (memchr: a long line is searched again as more of it comes).
  private static func newline(in bytes: ArraySlice<UInt8>) -> Int? {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress, let found = memchr(base, 0x0A, buffer.count) else { return nil }
      return bytes.startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
    }
  }

  /// Every complete response in `bytes`, in order (a response cut short at the end is left out).
  static func parse(_ bytes: [UInt8]) -> [IMAPResponse] {
    var responses: [IMAPResponse] = []
    var start = 0
    while let (response, length) = first(in: bytes[start...]) {
      responses.append(response)
      start += length
    }
    return responses
  }

  /// The size n of a literal a line announces with `{n}` (or `~{n}`, RFC 3516) at its end.
  static func literalSize(endingLine line: ArraySlice<UInt8>) -> Int? {
    guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else { return nil }
    let digits = line[(open + 1)..<(line.endIndex - 1)]
    guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
    return Int(String(decoding: digits, as: UTF8.self))
  }

  /// The response code in brackets after a status ("OK [UIDVALIDITY 3857529045] UIDs
  /// valid" gives "UIDVALIDITY 3857529045"), if any.
  var responseCode: String? {
    let text = self.text
    guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
    guard text[..<open].split(separator: " ").count <= 1 else { return nil }
    return String(text[text.index(after: open)..<close])
  }

  /// The text for people: what follows the tag, without the timing Dovecot appends
  /// ("NO [TRYCREATE] Mailbox doesn't exist: Archive").
  var words: String {
    var words = text
    if let range = words.range(of: #"\s*\([0-9.+ ]+ secs\)\.?$"#, options: .regularExpression) { words.removeSubrange(range) }
    return words
  }

  /// The text for a trace: each literal's data left out and counted.
  var traced: String {
    var result = ""
    var start = 0
    for (offset, literal) in zip(literalOffsets, literals) {
      result += String(decoding: bytes[start..<offset], as: UTF8.self) + " [\(literal.count) bytes withheld] "
      start = offset
    }
    return result + String(decoding: bytes[start...], as: UTF8.self)
  }

  /// The value of a FETCH data item that is a literal, a quoted string or NIL:
  /// `BODY[] {1234}` gives the literal's bytes; nil when the item is missing or NIL.
  func fetchItem(_ name: String) -> [UInt8]? {
    let needle = Array((name + " ").utf8)
    guard bytes.count >= needle.count else { return nil }
    for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
      guard start == 0 || bytes[start - 1] == UInt8(ascii: "(") || bytes[start - 1] == UInt8(ascii: " ") else { continue }
      let value = start + needle.count
      guard value < bytes.count else { return nil }
      switch bytes[value] {
      case UInt8(ascii: "{"), UInt8(ascii: "~"):
        // A literal: "{n}" ends a line; its data was recorded at that offset.
        guard let close = bytes[value...].firstIndex(of: UInt8(ascii: "}")), let literal = literalOffsets.firstIndex(of: close + 1) else { return nil }
        return literals[literal]
      case UInt8(ascii: "\""):
        var result: [UInt8] = []
        var position = value + 1
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
          if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count { position += 1 }
          result.append(bytes[position])
          position += 1
        }
        return result
      default:
        return nil  // NIL
      }
    }
    return nil
  }

  /// The number after `name` in a FETCH response ("UID 17" gives 17), outside literals.
  func fetchNumber(_ name: String) -> UInt32? {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" })
    guard let position = words.firstIndex(where: { $0.uppercased() == name.uppercased() }), position + 1 < words.endIndex else { return nil }
    return UInt32(words[position + 1])
  }
}
