/// What a complaint says: which message a recipient marked as spam. It comes as a feedback
/// report (RFC 5965) or as an Amazon SES complaint notification.
package struct ComplaintReport: Sendable, Codable {
  /// The kind of feedback, lowercased: "abuse", "fraud", "not-spam", "virus", "other";
  /// "unknown" when the report leaves it out.
  package var feedbackType: String
  /// The recipient who complained, lowercased: the report's `Original-Rcpt-To`, else the
  /// returned message's To; the first of `recipients`. Providers often redact it; the
  /// Message-ID still names them.
  package var recipient: String?
  /// Every recipient who complained, lowercased (Amazon SES may name several); empty when
  /// the report names none.
  package var recipients: [String]
  /// The Message-ID of the message complained about, without angle brackets.
  package var originalMessageID: String?
  /// The software that wrote the report.
  package var userAgent: String?

  /// Makes a report about one recipient.
  package init(feedbackType: String, recipient: String? = nil, originalMessageID: String? = nil, userAgent: String? = nil) {
    self.init(feedbackType: feedbackType, recipients: recipient.map { [$0] } ?? [], originalMessageID: originalMessageID, userAgent: userAgent)
  }

  /// Makes a report about any number of recipients.
  package init(feedbackType: String, recipients: [String], originalMessageID: String? = nil, userAgent: String? = nil) {
    self.feedbackType = feedbackType
    self.recipient = recipients.first
    self.recipients = recipients
    self.originalMessageID = originalMessageID
    self.userAgent = userAgent
  }

  private enum CodingKeys: String, CodingKey {
    case feedbackType, recipient, recipients, originalMessageID, userAgent
  }

  /// Reads a report, also one stored before `recipients` was (its `recipient` alone).
  package init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    feedbackType = try container.decode(String.self, forKey: .feedbackType)
    recipient = try container.decodeIfPresent(String.self, forKey: .recipient)
    recipients = try container.decodeIfPresent([String].self, forKey: .recipients) ?? recipient.map { [$0] } ?? []
    originalMessageID = try container.decodeIfPresent(String.self, forKey: .originalMessageID)
    userAgent = try container.decodeIfPresent(String.self, forKey: .userAgent)
  }
}
