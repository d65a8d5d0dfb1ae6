/// What a message Herald writes is. It travels in the message's Message-ID and in the
/// campaign id its Outbox file carries, so that what comes back — a reply, a bounce, a
/// complaint — is tied to the right thing: a release, or one of the one-off messages that
/// are not releases and must never be taken for one.
public enum MailKind: String, Sendable, Hashable, CaseIterable, Codable {
  /// A release sent to a list (a campaign, or a correction of one).
  case release
  /// The confirmation a double opt-in list sends to a new subscriber.
  case confirmation
  /// The press office's notice of a message written in the contact form.
  case contactNotice = "contact-notice"
  /// A press officer's answer to an inquiry.
  case inquiryReply = "inquiry-reply"
  /// A message written in the web contact form, kept as received mail.
  case contactMessage = "contact-message"
  /// A test copy of a release: what one subscriber would get, sent to the press office's
  /// own addresses, never recorded as a delivery (`herald send --test-to`).
  case testCopy = "test-copy"
  /// A notice to a desk user about an inquiry: given to them, or its deadline near.
  case inquiryNotice = "inquiry-notice"
}
