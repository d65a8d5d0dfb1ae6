import HeraldMail

/// Sorts a received message into one class: bounce, complaint, auto-reply, unsubscribe,
/// inquiry, or unreadable.
///
/// The rules run in order, so that what machines send is never taken for a person's words:
/// 1. unreadable: no header at all, or no From, Date and Message-ID;
/// 2. bounce or complaint: an Amazon SES notification mailed by SNS (JSON), an RFC 3464/6533
///    delivery status report, or a mail system's notice in words (Exim, qmail, Sendmail,
///    Postfix, Yahoo, Gmail, Microsoft);
/// 3. complaint: an RFC 5965 feedback report;
/// 4. unsubscribe: mail to the List-Unsubscribe address;
/// 5. auto-reply: RFC 3834's Auto-Submitted, the vendors' own fields, read receipts,
///    out-of-office subjects (`Precedence: bulk` or `list` alone is not automatic);
/// 6. unsubscribe: a short reply that asks to be taken off the list;
/// 7. inquiry: anything else from someone (without a From it is unreadable).
///
/// It works on the parsed structure and looks at the first few kB of text only: it runs
/// for every message of an inbox.
package enum Classifier {
  /// Classifies one message.
  /// - Parameters:
  ///   - message: The parsed message.
  ///   - context: The workspace's unsubscribe and own addresses, and its languages.
  package static func classify(_ message: ReceivedMessage, context: ClassifierContext) -> Classification {
    let header = message.header
    guard !header.fields.isEmpty else {
      return Classification(kind: .unreadable, reason: "it has no header, so it is not mail")
    }
    let fields = HeaderSummary(header)
    let from = message.from.first
    let fromAddress = from?.address.lowercased()
    if fromAddress == nil && !fields.hasDate && !fields.hasMessageID {
      return Classification(kind: .unreadable, reason: "it has no From, Date or Message-ID: too little to answer or match")
    }
    let parts = MessageParts(message)
    let subject = message.subject ?? ""
    let loweredSubject = ByteText.lowercased(subject.utf8.prefix(256))

    if let notification = amazonSESNotification(parts) {
      return notification
    }
    if let bounce = bounce(
      fields, parts: parts, fromAddress: fromAddress, fromName: from?.name, subject: loweredSubject, context: context)
    {
      return bounce
    }
    if let complaint = complaint(parts) {
      return complaint
    }
    if let unsubscribe = unsubscribeByAddress(message, fields: fields, subject: subject, context: context) {
      return unsubscribe
    }
    if let reason = autoReplyReason(fields, parts: parts, subject: loweredSubject) {
      return Classification(kind: .autoReply, reason: reason)
    }
    if let unsubscribe = unsubscribeByWords(parts, subject: subject, loweredSubject: loweredSubject, context: context) {
      return unsubscribe
    }
    guard fromAddress != nil else {
      return Classification(kind: .unreadable, reason: "it has no From address: there is nobody to answer")
    }
    if isReplyToRelease(fields, context: context) {
      return Classification(kind: .inquiry, reason: "a reply from a person to one of our messages")
    }
    return Classification(kind: .inquiry, reason: "a message from a person")
  }

  /// Whether In-Reply-To or References names a message we sent (an id at one of our domains).
  private static func isReplyToRelease(_ fields: HeaderSummary, context: ClassifierContext) -> Bool {
    let patterns = context.ownIDSuffixes
    guard !patterns.isEmpty else { return false }
    for field in [fields.inReplyTo, fields.references] {
      guard let value = field else { continue }
      let bytes = Array(value.utf8)
      if patterns.contains(where: { ByteText.find($0, in: bytes, ignoringCase: true) != nil }) { return true }
    }
    return false
  }
}
