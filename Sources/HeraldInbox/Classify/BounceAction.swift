/// What the inbox did for one failed recipient of a bounce. Its raw value is what
/// `herald inbox import --json` writes as `result`; `description` says it to people.
package enum BounceAction: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// A permanent failure of a mailbox that is gone (5.1.x, 5.2.1): bounced, and suppressed.
  case bouncedAndSuppressed = "bounced-and-suppressed"
  /// A permanent failure that is not of the mailbox (a full mailbox, say): bounced.
  case bounced
  /// A temporary failure, counted; `BouncedRecipient.softBounces` says how many in a row.
  case softBounce = "soft-bounce"
  /// A temporary failure that reached the soft-bounce limit: bounced.
  case bouncedAfterSoftBounces = "bounced-after-soft-bounces"
  /// Refused because of the sender (policy, reputation: 5.7.x): nothing changes for the subscriber.
  case senderProblem = "sender-problem"
  /// Not a failure (delayed, relayed, delivered): nothing changes.
  case notAFailure = "not-a-failure"
  /// The address is no subscriber's: nothing to change.
  case notASubscriber = "not-a-subscriber"
  /// A temporary failure of no campaign sent to the subscriber: nothing changes.
  case noKnownCampaign = "no-known-campaign"

  /// Whether the subscriber's status changed.
  package var changesStatus: Bool {
    self == .bouncedAndSuppressed || self == .bounced || self == .bouncedAfterSoftBounces
  }

  package var description: String {
    switch self {
    case .bouncedAndSuppressed: return "bounced and suppressed"
    case .bounced: return "bounced"
    case .softBounce: return "soft bounce"
    case .bouncedAfterSoftBounces: return "bounced after soft bounces"
    case .senderProblem: return "refused because of the sender, not the address: nothing changes for the subscriber"
    case .notAFailure: return "not a failure: nothing changes"
    case .notASubscriber: return "not a subscriber: nothing to change"
    case .noKnownCampaign: return "temporary failure of no known campaign: nothing changes"
    }
  }
}
