import HeraldMail

extension Classifier {
  /// A complaint, if the message is an RFC 5965 feedback report: its type and user agent,
  /// the recipient (Original-Rcpt-To, else the returned message's To) and the Message-ID.
  static func complaint(_ parts: MessageParts) -> Classification? {
    guard let reportPart = parts.feedbackReport else { return nil }
    let fields = ReportFields(reportPart.body)
    let feedbackType = fields.first("feedback-type").map { $0.prefix { $0 != " " && $0 != ";" }.lowercased() } ?? "unknown"
    let returned = parts.returned?.message
    let recipient =
      fields.first("original-rcpt-to").flatMap(ReportFields.address)
      ?? returned?.to.first.map { $0.address.lowercased() }
    let report = ComplaintReport(
      feedbackType: feedbackType, recipient: recipient, originalMessageID: originalMessageID(parts, fields: nil),
      userAgent: fields.first("user-agent"))
    return Classification(kind: .complaint, reason: "an RFC 5965 feedback report (\(feedbackType))", complaint: report)
  }
}
