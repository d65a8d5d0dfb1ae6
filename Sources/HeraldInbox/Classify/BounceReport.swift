/// What a bounce says: who did not get a message, what happened, and which message it was.
package struct BounceReport: Sendable, Codable {
  /// The shape it came in: "RFC 3464", "RFC 6533", or the mail system's own ("Exim", "qmail",
  /// "Sendmail", "Gmail", "Yahoo", "Microsoft", "Amazon SES"); "text" for an unknown notice.
  package var format: String
  /// Every recipient the report names, in its order.
  package var recipients: [BounceRecipient]
  /// The Message-ID of the message that bounced, without angle brackets (as
  /// `ReceivedMessage.messageID`), when the report returns it: a returned message or its
  /// headers, Gmail's `X-Original-Message-ID`, or a quoted "Message-ID:" line.
  package var originalMessageID: String?
  /// The mail system that wrote the report: "mail.example.org".
  package var reportingMTA: String?

  /// Makes a report.
  package init(format: String, recipients: [BounceRecipient], originalMessageID: String? = nil, reportingMTA: String? = nil) {
    self.format = format
    self.recipients = recipients
    self.originalMessageID = originalMessageID
    self.reportingMTA = reportingMTA
  }
}
