import HeraldMail

/// A bounce written for people, without an RFC 3464 report: Exim's "Mail delivery failed",
/// qmail's QSBMF, Sendmail's transcript, Postfix's notice, Yahoo's "Failure Notice", a Gmail
/// or Exchange notice whose report part was lost. The recipients are read from the lines of
/// the notice where an address starts one:
/// - an address standing alone on its line (`<x@example.com>:`, `  x@example.com`);
/// - Postfix's `<x@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 …`, its
///   reply continued on indented lines;
/// - Sendmail's transcript: `>>> RCPT To:<x@example.com>` (the `<<< 550 …` after it is the
///   reply), and `550 5.1.1 <x@example.com>... User unknown` or `<x@example.com>... Deferred: …`;
///
/// and after it the remote server's reply ("550 5.1.1 …", "(reason: 550 …)", "Remote Server
/// returned '550 …'"), else a status standing alone ("(#5.1.2)" in qmail's).
///
/// It works on the notice's UTF-8 bytes; the words it looks for are ASCII, matched without case.
struct TextBounceNotice {
  /// The mail system whose notice it is, when recognised: "Exim", "qmail", …; "text" if not.
  var format: String
  /// Whether the notice has words that only bounces have.
  var hasMarker: Bool
  /// The recipients read from the notice, in order.
  var recipients: [BounceRecipient]

  /// Words of lines where the returned copy of the message starts; nothing after them is
  /// the notice's.
  private static let copyMarkers = ByteText.patterns([
    "this is a copy of the message", "below this line is a copy of the message", "original message follows",
    "unsent message follows", "original message headers", "ursprüngliche nachrichtenkopfzeilen",
    "en-têtes de message d'origine", "this is a copy of the headers", "returned message follows",
  ])

  /// Words that mark a notice as a warning about a delay, not a failure.
  private static let delayWords = ByteText.patterns([
    "warning only", "warning message only", "will be retried", "still trying", "will continue trying", "will keep trying",
    "has been delayed", "not yet been delivered", "delivery is delayed", "delivery delayed",
  ])

  /// Words of notices from mail systems not recognised by name.
  private static let bounceWords = ByteText.patterns([
    "could not be delivered", "couldn't be delivered", "delivery to the following recipient", "permanent error",
    "delivery has failed", "undeliverable", "mail delivery failed", "delivery status notification",
  ])

  /// Words that name the mail system, in the order they are tried.
  private static let formats: [(words: [[UInt8]], format: String)] = [
    (ByteText.patterns(["this is the qmail-send program"]), "qmail"),
    (ByteText.patterns(["unable to deliver your message to the following address"]), "Yahoo"),
    (ByteText.patterns(["transcript of session follows", "had permanent fatal errors"]), "Sendmail"),
    (ByteText.patterns(["this is the mail system at host", "this is the postfix program at host", " (in reply to "]), "Postfix"),
    (ByteText.patterns(["wasn't delivered to", "address not found"]), "Gmail"),
    (ByteText.patterns(["delivery has failed to these recipients", "remote server returned '"]), "Microsoft"),
    (ByteText.patterns(["created automatically by mail delivery software"]), "Exim"),
  ]

  private static let mailto = Array("<mailto:".utf8)
  private static let deliveredTo = Array("delivered to ".utf8)

  /// Reads a notice.
  /// - Parameters:
  ///   - text: The notice's text as UTF-8 (its first text part), at most a few kB of it.
  ///   - failedRecipients: The addresses of `X-Failed-Recipients` (Exim, Gmail), lowercased.
  ///   - excluded: Addresses that are never the failed recipient: the sender's own and the
  ///     notice's From, lowercased.
  ///   - microsoft: Whether the header says Microsoft wrote it (a localised "Undeliverable:"
  ///     subject, X-MS-Exchange fields).
  init(text: [UInt8], failedRecipients: [String], excluded: Set<String>, microsoft: Bool) {
    var order: [String] = []
    var notes: [String: [Note]] = [:]
    var current: String?
    var index = 0
    var noticeEnd = text.count
    while index < text.count {
      let (raw, next) = ByteText.line(in: text, from: index, to: text.count)
      index = next
      let line = ByteText.trimmed(text, raw)
      if line.isEmpty { continue }
      if line.count < 160, Self.isCopyMarker(text, line) {
        noticeEnd = raw.lowerBound
        break
      }
      let indented = line.lowerBound > raw.lowerBound
      if let (address, rest) = Self.recipientLine(text, line, indented: indented),
        !excluded.contains(address), !Self.isMailSystem(address)
      {
        current = address
        if notes[address] == nil {
          order.append(address)
          notes[address] = []
        }
        if let rest, !rest.isEmpty, notes[address]!.count < 16 { notes[address]!.append(Note(range: rest, folds: true)) }
        continue
      }
      if let current, notes[current]!.count < 16 {
        // Postfix folds "<x@…>: host … said: 550 …" onto indented lines.
        let folds = indented && notes[current]!.last?.folds == true
        notes[current]!.append(Note(range: line, folds: folds))
      }
    }
    for address in failedRecipients where notes[address] == nil {
      order.append(address)
      notes[address] = []
    }

    let lowered = ByteText.asciiLowercased(text, 0..<min(noticeEnd, 4096))
    func has(_ words: [[UInt8]]) -> Bool {
      words.contains { ByteText.find($0, in: lowered) != nil }
    }
    var known = Self.formats.first { has($0.words) }?.format
    if known == nil || known == "Exim" {
      if microsoft { known = "Microsoft" } else if !failedRecipients.isEmpty { known = "Exim" }
    }
    format = known ?? "text"
    hasMarker = known != nil || has(Self.bounceWords)
    let isWarning = has(Self.delayWords)
    recipients = order.map { address in
      Self.recipient(address, text: text, notes: notes[address] ?? [], isWarning: isWarning)
    }
  }

  /// A line of the notice after a recipient's address: where it is, and whether it is the
  /// rest of Postfix's "<x@…>: host … said: 550 …" or an indented line that continues it.
  private struct Note {
    var range: Range<Int>
    var folds: Bool
  }

  /// The recipient with the first reply found in the lines after its address (with the
  /// indented lines that continue it), else the first status standing alone.
  private static func recipient(_ address: String, text: [UInt8], notes: [Note], isWarning: Bool) -> BounceRecipient {
    var diagnostic: String?
    var code: Int?
    for (position, note) in notes.enumerated() {
      let line = Substring(String(decoding: text[note.range], as: UTF8.self))
      if let start = ByteText.replyCodeStart(in: line) {
        code = ByteText.replyCode(in: line, at: start)
        var reply = String(line[start...])
        // Postfix folds a long reply onto indented lines.
        for more in notes.dropFirst(position + 1).prefix(4) {
          guard note.folds, more.folds, reply.utf8.count < 1_000 else { break }
          reply += " " + String(decoding: text[more.range], as: UTF8.self)
        }
        diagnostic = Self.diagnostic(Substring(reply), whole: line, from: start)
        break
      }
    }
    var status = diagnostic.flatMap { ByteText.enhancedCode(in: $0) }
    if diagnostic == nil {
      // qmail's "Sorry, I couldn't find any host named … (#5.1.2)".
      for note in notes {
        let line = String(decoding: text[note.range], as: UTF8.self)
        if let found = ByteText.enhancedCode(in: line) {
          status = found
          diagnostic = line
          break
        }
      }
    }
    // A notice that returns the message gave up on it, whatever the reply: a temporary one
    // (4xx, 4.x.x) is a failure that may pass (the queue's lifetime ran out), not a delay.
    // Only a warning ("will keep trying") tells of a delay.
    let action: DeliveryAction
    switch (status?.statusClass, code) {
    case (.permanent?, _): action = .failed
    case (_, let code?) where code / 100 == 5 && status == nil: action = .failed
    default: action = isWarning ? .delayed : .failed
    }
    // Sendmail's "<x@example.com>... Deferred: Connection timed out" in a notice that gave
    // up is such a temporary failure too.
    var temporary = (code.map { $0 / 100 == 4 } ?? false) && status == nil
    if status == nil && code == nil,
      let note = notes.first(where: { ByteText.find(deferredWord, in: text, from: $0.range.lowerBound, to: $0.range.upperBound) != nil })
    {
      temporary = true
      diagnostic = diagnostic ?? String(decoding: text[note.range], as: UTF8.self)
    }
    return BounceRecipient(
      address: address, action: action, status: status, diagnostic: diagnostic, declaredPermanent: temporary && action == .failed ? false : nil)
  }

  private static let deferredWord = Array("Deferred".utf8)
  private static let inReplyTo = Array(" (in reply to ".utf8)

  /// The reply from its code on (`reply`, which starts at `start` in `line`), without what
  /// wraps it: the quotes of "Remote Server returned '550 …'", the parenthesis of
  /// "(reason: 550 …)", Exchange's "##", Postfix's "(in reply to RCPT TO command)".
  private static func diagnostic(_ text: Substring, whole line: Substring, from start: Substring.Index) -> String {
    var reply = text
    if start > line.startIndex, line[line.index(before: start)] == "'", let close = reply.firstIndex(of: "'") {
      reply = reply[..<close]
    }
    // Sendmail's "(reason: 550 …)".
    if line.hasPrefix("("), reply.hasSuffix(")") { reply = reply.dropLast() }
    reply = ByteText.trimmed(reply)
    while reply.hasSuffix("#") { reply = ByteText.trimmed(reply.dropLast()) }
    // Postfix's "(in reply to RCPT TO command)", "(in reply to end of DATA command)".
    if reply.hasSuffix(" command)") {
      let bytes = Array(reply.utf8)
      if let open = ByteText.find(inReplyTo, in: bytes) {
        reply = ByteText.trimmed(Substring(String(decoding: bytes[..<open], as: UTF8.self)))
      }
    }
    return String(reply)
  }

  /// Whether the notice's own words end at this line and the returned message begins.
  private static func isCopyMarker(_ text: [UInt8], _ line: Range<Int>) -> Bool {
    switch ByteText.lower(text[line.lowerBound]) {
    case UInt8(ascii: "-"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "e"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return copyMarkers.contains { ByteText.find($0, in: text, from: line.lowerBound, to: line.upperBound, ignoringCase: true) != nil }
    default:
      return false
    }
  }

  /// The recipient a line of the notice starts, if it starts one, and the part of the line
  /// that is already about that recipient (Postfix's "host … said: 550 …", Sendmail's
  /// "550 5.1.1 <x@…>... User unknown").
  private static func recipientLine(_ text: [UInt8], _ line: Range<Int>, indented: Bool) -> (String, Range<Int>?)? {
    if mayHoldAddress(text, line), let address = standaloneAddress(text, line) ?? deliveredToAddress(text, line) {
      return (address, nil)
    }
    guard line.count >= 8, line.count <= 1_000 else { return nil }
    switch text[line.lowerBound] {
    case UInt8(ascii: "<") where !indented:
      // Postfix's "<x@example.com>: host …", Sendmail's "<x@example.com>... Deferred: …".
      guard let (address, after) = bracketedAddress(text, from: line.lowerBound, to: line.upperBound) else { return nil }
      if after < line.upperBound && text[after] == UInt8(ascii: ":") {
        let rest = ByteText.trimmed(text, (after + 1)..<line.upperBound)
        return (address, rest)
      }
      if ByteText.hasPrefix(text, ellipsis, at: after) {
        return (address, line)
      }
      return nil
    case UInt8(ascii: ">") where !indented:
      // Sendmail's ">>> RCPT To:<x@example.com>": the reply is on the next line.
      guard ByteText.hasPrefix(text, rcptCommand, at: line.lowerBound, ignoringCase: true) else { return nil }
      var start = line.lowerBound + rcptCommand.count
      while start < line.upperBound && text[start] == 0x20 { start += 1 }
      guard start < line.upperBound, text[start] == UInt8(ascii: "<"),
        let (address, _) = bracketedAddress(text, from: start, to: line.upperBound)
      else { return nil }
      return (address, nil)
    case UInt8(ascii: "4"), UInt8(ascii: "5"):
      // Sendmail's "550 5.1.1 <x@example.com>... User unknown".
      guard !indented, ByteText.isDigit(text[line.lowerBound + 1]), ByteText.isDigit(text[line.lowerBound + 2]),
        text[line.lowerBound + 3] == 0x20 || text[line.lowerBound + 3] == UInt8(ascii: "-")
      else { return nil }
      var start = line.lowerBound + 4
      // An enhanced status code, if any, before the address.
      if start < line.upperBound, ByteText.isDigit(text[start]) {
        while start < line.upperBound && text[start] != 0x20 { start += 1 }
        while start < line.upperBound && text[start] == 0x20 { start += 1 }
      }
      guard start < line.upperBound, text[start] == UInt8(ascii: "<"),
        let (address, after) = bracketedAddress(text, from: start, to: line.upperBound),
        ByteText.hasPrefix(text, ellipsis, at: after)
      else { return nil }
      return (address, line)
    default:
      return nil
    }
  }

  private static let ellipsis = Array("...".utf8)
  private static let rcptCommand = Array(">>> rcpt to:".utf8)

  /// The address in the angle brackets that open at `start`, lowercased, and where the text
  /// after the ">" starts.
  private static func bracketedAddress(_ text: [UInt8], from start: Int, to end: Int) -> (String, Int)? {
    guard start < end, text[start] == UInt8(ascii: "<"),
      let close = text[(start + 1)..<min(end, start + 322)].firstIndex(of: UInt8(ascii: ">"))
    else { return nil }
    let inside = Substring(String(decoding: text[(start + 1)..<close], as: UTF8.self))
    guard ByteText.isAddress(inside) else { return nil }
    return (inside.lowercased(), close + 1)
  }

  /// Whether a line has an "@" (and, unless it is Gmail's "delivered to" sentence, no space
  /// outside a "<mailto:…>"): only such lines are read for an address.
  private static func mayHoldAddress(_ text: [UInt8], _ line: Range<Int>) -> Bool {
    var hasAt = false
    var hasSpace = false
    for byte in text[line] {
      if byte == UInt8(ascii: "@") { hasAt = true } else if byte == 0x20 || byte == 0x09 { hasSpace = true }
    }
    guard hasAt else { return false }
    return !hasSpace || line.count > 12 && (ByteText.find(deliveredTo, in: text, from: line.lowerBound, to: line.upperBound) != nil
      || ByteText.find(mailto, in: text, from: line.lowerBound, to: line.upperBound) != nil)
  }

  /// An address standing alone on a line: `x@example.com`, `<x@example.com>`,
  /// `<x@example.com>:`, `x@example.com<mailto:x@example.com>`; lowercased.
  private static func standaloneAddress(_ text: [UInt8], _ line: Range<Int>) -> String? {
    guard line.count <= 400 else { return nil }
    var range = line
    if let mailto = ByteText.find(mailto, in: text, from: range.lowerBound, to: range.upperBound) {
      range = range.lowerBound..<mailto
    }
    return standaloneAddress(Substring(String(decoding: text[range], as: UTF8.self)))
  }

  /// `x@example.com`, `<x@example.com>` or `<x@example.com>:` lowercased; nil for anything else.
  static func standaloneAddress(_ line: Substring) -> String? {
    var text = ByteText.trimmed(line)
    if text.hasSuffix(":") { text = ByteText.trimmed(text.dropLast()) }
    if text.hasPrefix("<") && text.hasSuffix(">") { text = text.dropFirst().dropLast() }
    guard ByteText.isAddress(text) else { return nil }
    return text.lowercased()
  }

  /// The address of Gmail's "Your message wasn't delivered to x@example.com because …".
  private static func deliveredToAddress(_ text: [UInt8], _ line: Range<Int>) -> String? {
    guard let start = ByteText.find(deliveredTo, in: text, from: line.lowerBound, to: line.upperBound) else { return nil }
    var end = start + deliveredTo.count
    while end < line.upperBound && !ByteText.isSpace(text[end]) { end += 1 }
    var word = Substring(String(decoding: text[(start + deliveredTo.count)..<end], as: UTF8.self))
    while let last = word.last, last == "." || last == "," || last == ":" { word = word.dropLast() }
    if word.hasPrefix("<") && word.hasSuffix(">") { word = word.dropFirst().dropLast() }
    return ByteText.isAddress(word) ? word.lowercased() : nil
  }

  /// Addresses of mail systems, not of recipients: MAILER-DAEMON@…, postmaster@….
  static func isMailSystem(_ address: String) -> Bool {
    let local = address.utf8.prefix { $0 != UInt8(ascii: "@") }
    return local.elementsEqual("mailer-daemon".utf8) || local.elementsEqual("postmaster".utf8)
      || local.elementsEqual("mail-daemon".utf8)
  }
}
