import HeraldMail

/// A bounce written for people, without an RFC 3464 report: Exim's "Mail delivery failed",
/// qmail's QSBMF, Sendmail's transcript, Yahoo's "Failure Notice", a Gmail or Exchange notice
/// whose report part was lost. The recipients are read from the lines of the notice: an
/// address standing alone on its line (`<x@example.com>:`, `  x@example.com`), and after it
/// the remote server's reply ("550 5.1.1 …", "(reason: 550 …)", "Remote Server returned '550 …'").
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
    "warning only", "will be retried", "still trying", "will continue trying", "will keep trying", "has been delayed",
    "not yet been delivered", "delivery is delayed", "delivery delayed",
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
    var notes: [String: [Range<Int>]] = [:]
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
      if Self.mayHoldAddress(text, line),
        let address = Self.standaloneAddress(text, line) ?? Self.deliveredToAddress(text, line),
        !excluded.contains(address), !Self.isMailSystem(address)
      {
        current = address
        if notes[address] == nil {
          order.append(address)
          notes[address] = []
        }
        continue
      }
      if let current, notes[current]!.count < 16 { notes[current]!.append(line) }
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

  /// The recipient with the first reply found in the lines after its address.
  private static func recipient(_ address: String, text: [UInt8], notes: [Range<Int>], isWarning: Bool) -> BounceRecipient {
    var diagnostic: String?
    var code: Int?
    for range in notes {
      let line = Substring(String(decoding: text[range], as: UTF8.self))
      if let start = ByteText.replyCodeStart(in: line) {
        code = ByteText.replyCode(in: line, at: start)
        diagnostic = Self.diagnostic(line, from: start)
        break
      }
    }
    let status = diagnostic.flatMap { ByteText.enhancedCode(in: $0) }
    let action: DeliveryAction
    switch (status?.statusClass, code) {
    case (.transient?, _): action = .delayed
    case (.permanent?, _): action = .failed
    case (_, let code?) where code / 100 == 4: action = .delayed
    case (_, let code?) where code / 100 == 5: action = .failed
    default: action = isWarning ? .delayed : .failed
    }
    return BounceRecipient(address: address, action: action, status: status, diagnostic: diagnostic)
  }

  /// The reply in `line` from its code on, without what wraps it: the quotes of
  /// "Remote Server returned '550 …'", the parenthesis of "(reason: 550 …)", Exchange's "##".
  private static func diagnostic(_ line: Substring, from start: Substring.Index) -> String {
    var reply = line[start...]
    if start > line.startIndex, line[line.index(before: start)] == "'", let close = reply.firstIndex(of: "'") {
      reply = reply[..<close]
    }
    // Sendmail's "(reason: 550 …)".
    if line.hasPrefix("("), reply.hasSuffix(")") { reply = reply.dropLast() }
    reply = ByteText.trimmed(reply)
    while reply.hasSuffix("#") { reply = ByteText.trimmed(reply.dropLast()) }
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
