import HeraldMail

/// One recipient of a bounce report: the address a message did not reach, and why.
package struct BounceRecipient: Sendable, Hashable, Codable {
  /// The address, lowercased, without its type ("rfc822;").
  package var address: String
  /// What the reporting mail system did.
  package var action: DeliveryAction
  /// The enhanced status code (RFC 3463), from the report's `Status` or the diagnostic.
  package var status: EnhancedStatusCode?
  /// The remote server's words: "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown".
  package var diagnostic: String?
  /// The server that refused, when the report names it: "mx.example.com".
  package var remoteMTA: String?
  /// Whether the refusal is about the sender rather than the mailbox: a policy or reputation
  /// code (X.7.x), the sender's address (X.1.7, X.1.8), or words that say so (a block
  /// list, SPF, DKIM, DMARC, spam). The address itself may be fine.
  package var blamesSender: Bool
  /// Whether the failure is permanent, when the mail system says so apart from the status:
  /// Amazon SES's `bounceType` (Permanent, or Transient and Undetermined), Sendmail's
  /// "Deferred" until the queue gave up. Nil when only the action and status tell.
  package var declaredPermanent: Bool?

  /// Makes a recipient; `blamesSender` is worked out from the status and diagnostic unless given.
  package init(
    address: String, action: DeliveryAction, status: EnhancedStatusCode? = nil, diagnostic: String? = nil,
    remoteMTA: String? = nil, blamesSender: Bool? = nil, declaredPermanent: Bool? = nil
  ) {
    self.address = address
    self.action = action
    self.status = status
    self.diagnostic = diagnostic
    self.remoteMTA = remoteMTA
    self.blamesSender = blamesSender ?? Self.blamesSender(status: status, diagnostic: diagnostic)
    self.declaredPermanent = declaredPermanent
  }

  /// The mail system gave up for good: the action is `failed`, and it said the failure is
  /// permanent (`declaredPermanent`), or else the status, if any, is permanent (5.x.x).
  package var isPermanent: Bool {
    action == .failed && (declaredPermanent ?? status.map { $0.statusClass == .permanent } ?? true)
  }

  /// Words in a diagnostic that put the blame on the sending server or domain, lowercased.
  static let senderBlameWords = ByteText.patterns([
    "block list", "blocklist", "blacklist", "black list", "blocked using", "dnsbl", "spamhaus", "banned sending ip",
    "poor reputation", "bad reputation", "low reputation", "sender reputation", "ip reputation", "spf", "dkim", "dmarc",
    "rejected as spam", "as spam", "likely spam", "spam detected",
  ])

  /// Whether a status and diagnostic say the refusal is about the sender.
  static func blamesSender(status: EnhancedStatusCode?, diagnostic: String?) -> Bool {
    if let status, status.isPolicy || status.isAboutSenderAddress { return true }
    guard let diagnostic, !diagnostic.isEmpty else { return false }
    let lowered = ByteText.asciiLowercased(Array(diagnostic.utf8))
    return senderBlameWords.contains { ByteText.find($0, in: lowered) != nil }
  }
}
