import HeraldCore

/// The class of a received message, why, and what was read from it.
public struct Classification: Sendable {
  /// The class.
  public var kind: InboundClass
  /// Why, in plain words: "an RFC 3464 delivery status notification", "Auto-Submitted:
  /// auto-replied", "a short reply asking to be removed (de)".
  public var reason: String
  /// The bounce report, for `.bounce`.
  public var bounce: BounceReport?
  /// The complaint, for `.complaint`.
  public var complaint: ComplaintReport?
  /// For `.unsubscribe` through the List-Unsubscribe mailto: the token after "unsubscribe "
  /// in the Subject (Herald writes `mailto:ADDRESS?subject=unsubscribe%20TOKEN`).
  public var unsubscribeToken: String?

  /// Makes a classification.
  public init(
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
