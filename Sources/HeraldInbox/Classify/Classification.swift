import HeraldCore

/// The class of a received message, why, and what was read from it.
package struct Classification: Sendable {
  /// The class.
  package var kind: InboundClass
  /// Why, in plain words: "an RFC 3464 delivery status notification", "Auto-Submitted:
  /// auto-replied", "a short reply asking to be removed (de)".
  package var reason: String
  /// The bounce report, for `.bounce`.
  package var bounce: BounceReport?
  /// The complaint, for `.complaint`.
  package var complaint: ComplaintReport?
  /// For `.unsubscribe` through the List-Unsubscribe mailto: the token after "unsubscribe "
  /// in the Subject (Herald writes `mailto:ADDRESS?subject=unsubscribe%20TOKEN`).
  package var unsubscribeToken: String?

  /// Makes a classification.
  package init(
    kind: InboundClass, reason: String, bounce: BounceReport? = nil, complaint: ComplaintReport? = nil,
    unsubscribeToken: String? = nil
  ) {
    self.kind = kind
    self.reason = reason
    self.bounce = bounce
    self.complaint = complaint
    self.unsubscribeToken = unsubscribeToken
  }
}
