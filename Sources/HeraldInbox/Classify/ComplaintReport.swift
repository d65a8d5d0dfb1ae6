/// What a feedback report (RFC 5965) says: which message a recipient marked as spam.
public struct ComplaintReport: Sendable, Codable {
  /// The kind of feedback, lowercased: "abuse", "fraud", "not-spam", "virus", "other";
  /// "unknown" when the report leaves it out.
  public var feedbackType: String
  /// The recipient who complained, lowercased: the report's `Original-Rcpt-To`, else the
  /// returned message's To. Providers often redact it; the Message-ID still names them.
  public var recipient: String?
  /// The Message-ID of the message complained about, without angle brackets.
  public var originalMessageID: String?
  /// The software that wrote the report.
  public var userAgent: String?

  /// Makes a report.
  public init(feedbackType: String, recipient: String? = nil, originalMessageID: String? = nil, userAgent: String? = nil) {
    self.feedbackType = feedbackType
    self.recipient = recipient
    self.originalMessageID = originalMessageID
    self.userAgent = userAgent
  }
}
