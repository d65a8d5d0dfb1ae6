/// Address lists as received (From, To, Cc), read leniently: what can be read as a mailbox
/// is returned, the rest skipped.
///
/// Unlike `Mailbox(parsing:)`, which checks an address Herald is about to send to, this
/// reads what others wrote: groups ("Press: a@example.org, b@example.org;", and the empty
/// "undisclosed-recipients:;"), comments ("jane@example.org (Jane Doe)", whose comment is the
/// name when there is no other), unquoted display names with commas ("Doe, Jane
/// <jane@example.org>"), encoded-words in names, obsolete routes ("<@relay:jane@example.org>"),
/// and a missing pair of angle brackets ("Jane Doe jane@example.org"). Addresses are kept as
/// written, without checking them against Herald's rules; an address needs an "@", except in
/// angle brackets ("<MAILER-DAEMON>").
enum AddressList {
  /// The mailboxes in an address field's raw (undecoded) value.
  static func mailboxes(in value: String) -> [Mailbox] {
    var value = value
    return value.withUTF8 { parse($0) }
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [Mailbox] {
    var mailboxes: [Mailbox] = []
    // A piece without "@" or "<" before a comma may be the first half of a name with a comma.
    var pendingNameStart: Int?
    for (piece, followsComma) in pieces(bytes) {
      var range = piece
      let shape = self.shape(bytes, range)
      if shape.hasAngle, followsComma, let start = pendingNameStart { range = start..<piece.upperBound }
      pendingNameStart = nil
      if !shape.hasAngle && !shape.hasAt {
        if shape.hasText { pendingNameStart = piece.lowerBound }
        continue
      }
      if let mailbox = mailbox(bytes, range) { mailboxes.append(mailbox) }
    }
    return mailboxes
  }

  /// The list split at top-level commas and semicolons, group names (up to ":") dropped;
  /// each piece with whether a comma came before it.
  private static func pieces(_ bytes: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, followsComma: Bool)] {
    var pieces: [(Range<Int>, followsComma: Bool)] = []
    var start = 0
    var followsComma = false
    var inAngle = false
    var inLiteral = false
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index = skipQuoted(bytes, from: index)
        continue
      case UInt8(ascii: "("):
        index = MIMEParameters.skipComment(bytes, from: index)
        continue
      case UInt8(ascii: "\\"): index += 1
      case UInt8(ascii: "<"): inAngle = true
      case UInt8(ascii: ">"): inAngle = false
      case UInt8(ascii: "["): inLiteral = true
      case UInt8(ascii: "]"): inLiteral = false
      case UInt8(ascii: ","), UInt8(ascii: ";"):
        guard !inAngle, !inLiteral else { break }
        pieces.append((start..<index, followsComma))
        followsComma = byte == UInt8(ascii: ",")
        start = index + 1
      case UInt8(ascii: ":"):
        guard !inAngle, !inLiteral else { break }
        // A group's name: its members follow.
        start = index + 1
        followsComma = false
      default: break
      }
      index += 1
    }
    pieces.append((start..<bytes.count, followsComma))
    return pieces
  }

  /// What a piece holds outside quotes and comments.
  private static func shape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (
    hasAngle: Bool, hasAt: Bool, hasText: Bool
  ) {
    var hasAngle = false
    var hasAt = false
    var hasText = false
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        hasText = true
        index = skipQuoted(bytes, from: index)
        continue
      }
      if byte == UInt8(ascii: "(") {
        index = MIMEParameters.skipComment(bytes, from: index)
        continue
      }
      if byte == UInt8(ascii: "<") { hasAngle = true }
      if byte == UInt8(ascii: "@") { hasAt = true }
      if !MIMEParameters.isWhitespace(byte) { hasText = true }
      index += 1
    }
    return (hasAngle, hasAt, hasText)
  }

  /// The mailbox in one piece, nil when it has no address.
  private static func mailbox(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Mailbox? {
    // Words outside quotes and comments; the comments' text, a fallback name.
    var angleStart: Int?
    var angleEnd: Int?
    var commentText: [UInt8] = []
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index = skipQuoted(bytes, from: index)
        continue
      }
      if byte == UInt8(ascii: "(") {
        let end = min(MIMEParameters.skipComment(bytes, from: index), range.upperBound)
        if angleStart == nil || angleEnd != nil {
          if !commentText.isEmpty { commentText.append(.space) }
          let closed = bytes[end - 1] == UInt8(ascii: ")") && end - 1 > index
          commentText.append(contentsOf: bytes[(index + 1)..<(closed ? end - 1 : end)])
        }
        index = end
        continue
      }
      if byte == UInt8(ascii: "<"), angleStart == nil { angleStart = index }
      if byte == UInt8(ascii: ">"), angleStart != nil, angleEnd == nil { angleEnd = index }
      index += 1
    }

    var address: String
    var name: String
    if let angleStart {
      let end = angleEnd ?? range.upperBound
      var inside = addressText(bytes, (angleStart + 1)..<end)
      // An obsolete route ("@relay:") or a "mailto:" before the address.
      if let colon = inside.lastIndex(of: UInt8(ascii: ":")) { inside.removeSubrange(...colon) }
      guard !inside.isEmpty else { return nil }
      address = String(decoding: inside, as: UTF8.self)
      name = phrase(bytes, range.lowerBound..<angleStart)
    } else {
      // No angle brackets: the word with "@" is the address, other words the name.
      let words = self.words(bytes, range)
      guard let at = words.firstIndex(where: { bytes[$0].contains(UInt8(ascii: "@")) }) else { return nil }
      let word = addressText(bytes, words[at])
      address = String(decoding: word, as: UTF8.self)
      name = words.count > 1 ? phrase(bytes, range.lowerBound..<words[at].lowerBound) : ""
      guard let atSign = word.lastIndex(of: UInt8(ascii: "@")), atSign > 0, atSign < word.count - 1 else { return nil }
    }
    if name.isEmpty, !commentText.isEmpty {
      name = commentText.withUnsafeBufferPointer { phrase($0, 0..<$0.count) }
    }
    address = address.trimmingWhitespace()
    guard !address.isEmpty, !address.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else {
      return nil
    }
    return Mailbox(name: name.isEmpty ? nil : name, address: address)
  }

  /// An address's text: without whitespace and comments, quoted local parts kept as written.
  private static func addressText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
    var text: [UInt8] = []
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let end = min(skipQuoted(bytes, from: index), range.upperBound)
        text.append(contentsOf: bytes[index..<end])
        index = end
        continue
      }
      if byte == UInt8(ascii: "(") {
        index = MIMEParameters.skipComment(bytes, from: index)
        continue
      }
      if !MIMEParameters.isWhitespace(byte) { text.append(byte) }
      index += 1
    }
    return text
  }

  /// The words of a piece outside comments (a quoted string is one word).
  private static func words(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
    var words: [Range<Int>] = []
    var start: Int?
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        if start == nil { start = index }
        index = min(skipQuoted(bytes, from: index), range.upperBound)
        continue
      }
      if byte == UInt8(ascii: "(") || MIMEParameters.isWhitespace(byte) {
        if let wordStart = start { words.append(wordStart..<index) }
        start = nil
        index =
          byte == UInt8(ascii: "(") ? min(MIMEParameters.skipComment(bytes, from: index), range.upperBound) : index + 1
        continue
      }
      if start == nil { start = index }
      index += 1
    }
    if let wordStart = start { words.append(wordStart..<range.upperBound) }
    return words
  }

  /// A display name: quoted strings unquoted, comments dropped, whitespace collapsed,
  /// encoded-words decoded (inside quotes too, as mail readers do).
  private static func phrase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    var text: [UInt8] = []
    var pendingSpace = false
    func append(_ byte: UInt8) {
      if pendingSpace, !text.isEmpty { text.append(.space) }
      pendingSpace = false
      text.append(byte)
    }
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        while index < range.upperBound, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "\\"), index + 1 < range.upperBound { index += 1 }
          if MIMEParameters.isWhitespace(bytes[index]) {
            pendingSpace = true
          } else {
            append(bytes[index])
          }
          index += 1
        }
        index += 1
        continue
      }
      if byte == UInt8(ascii: "(") {
        index = MIMEParameters.skipComment(bytes, from: index)
        pendingSpace = true
        continue
      }
      if MIMEParameters.isWhitespace(byte) {
        pendingSpace = true
      } else {
        if byte == UInt8(ascii: "\\"), index + 1 < range.upperBound { index += 1 }
        append(bytes[index])
      }
      index += 1
    }
    var name = EncodedWord.decode(text.withUnsafeBufferPointer { Charset.decodeUTF8OrWindows1252($0) })
      .trimmingWhitespace()
    // Some clients wrap the name in single quotes: 'Jane Doe'.
    if name.count >= 2, name.hasPrefix("'"), name.hasSuffix("'") {
      name = String(name.dropFirst().dropLast()).trimmingWhitespace()
    }
    return name
  }

  /// The offset just after the quoted string starting at `start`; the end when it never closes.
  private static func skipQuoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var index = start + 1
    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
      if bytes[index] == UInt8(ascii: "\\") { index += 1 }
      index += 1
    }
    return min(index + 1, bytes.count)
  }
}
