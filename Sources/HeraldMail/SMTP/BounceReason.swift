/// Why a message did not arrive, in the words a report uses: the mailbox is gone, it is
/// full, the receiving system refused it for policy (a block list, spam rules, SPF, DKIM,
/// DMARC), or another reason. One classification for the relay's refusals (the delivery
/// log's replies) and for bounces that come back to the inbox alike.
public enum BounceReason: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// No such mailbox or domain, or a mailbox that takes no mail: X.1.x (not X.1.7/X.1.8), X.2.1.
  case mailboxGone = "mailbox-gone"
  /// The mailbox (or the mail system) is full: X.2.2, X.3.1, SMTP 452/552.
  case mailboxFull = "mailbox-full"
  /// Refused because of the sender or its content: X.7.x, X.1.7/X.1.8, block lists, spam.
  case policy
  /// Anything else: a network failure, the queue's lifetime ran out, a reason without a code.
  case other

  public var description: String { rawValue }

  /// The reason an enhanced status code and a reply (or diagnostic) give; the code wins
  /// when it says something, then the words, then the reply's basic code.
  /// - Parameters:
  ///   - status: The enhanced status code, when known apart from the text.
  ///   - text: The reply line or diagnostic: "550 5.1.1 <x@example.org>: user unknown".
  public static func classify(status: EnhancedStatusCode? = nil, text: String?) -> BounceReason {
    let words = (text ?? "").lowercased()
    if let code = status ?? firstStatusCode(in: words) {
      if code.isPolicy || code.isAboutSenderAddress { return .policy }
      if code.isAboutRecipientAddress || code.isMailboxDisabled { return .mailboxGone }
      if code.isMailboxFull || (code.subject == 3 && code.detail == 1) { return .mailboxFull }
    }
    if policyWords.contains(where: words.contains) { return .policy }
    if fullWords.contains(where: words.contains) { return .mailboxFull }
    if goneWords.contains(where: words.contains) { return .mailboxGone }
    if words.hasPrefix("552") || words.hasPrefix("452") { return .mailboxFull }
    return .other
  }

  /// The first "d.ddd.ddd" in `text` with a class of 2, 4 or 5, standing alone.
  static func firstStatusCode(in text: String) -> EnhancedStatusCode? {
    for token in text.split(whereSeparator: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) {
      let trimmed = token.hasSuffix(".") ? token.dropLast() : token[...]
      if let code = EnhancedStatusCode(trimmed) { return code }
    }
    return nil
  }

  static let policyWords = [
    "block list", "blocklist", "blacklist", "black list", "blocked", "dnsbl", "spamhaus", "reputation", "spf", "dkim", "dmarc",
    "spam", "policy", "not allowed to send",
  ]
  static let fullWords = ["mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage", "insufficient storage", "quota"]
  static let goneWords = [
    "user unknown", "unknown user", "no such user", "no such mailbox", "mailbox unavailable", "does not exist", "unknown recipient",
    "recipient address rejected", "mailbox not found", "account disabled", "no mailbox",
  ]
}
