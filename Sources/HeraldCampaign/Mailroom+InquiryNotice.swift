import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

extension Mailroom {
  /// What an inquiry notice is about.
  package enum InquiryNoticeReason: Sendable, Hashable {
    /// Someone gave the inquiry to the recipient (their name).
    case assigned(by: String)
    /// Its deadline is near (or past).
    case deadline(Date)
  }

  /// Writes a short notice about an inquiry to a desk user to the Outbox, from the
  /// workspace's sender: `herald serve`'s delivery, or `herald deliver`, sends it.
  /// - Parameters:
  ///   - link: The inquiry's address in the desk, when it has one to give.
  /// - Throws: `CampaignError` `.signing`, `DeliveryError` when the Outbox cannot take it;
  ///   `MailError` for an address that cannot be written.
  @discardableResult
  package func enqueueInquiryNotice(
    _ inquiry: Inquiry, reason: InquiryNoticeReason, to recipient: Mailbox, link: String?, at now: Date
  ) throws -> OutboxMessage {
    let compose = configuration.compose
    let time = LocalTime(timeZone: compose.timeZone)
    let from = inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress
    var lines: [String] = []
    let subject: String
    switch reason {
    case .assigned(let by):
      subject = "Inquiry \(inquiry.id) is yours: \(inquiry.subject)"
      lines.append("\(ComposedNotice.escape(by)) gave you inquiry \(inquiry.id).")
    case .deadline(let due):
      subject = "Inquiry \(inquiry.id) is due at \(time.string(due)): \(inquiry.subject)"
      lines.append("Inquiry \(inquiry.id) is to be answered before \(ComposedNotice.escape(time.string(due))).")
    }
    lines.append("")
    lines.append("- From: \(ComposedNotice.escape(from))")
    if let organization = inquiry.organization, !organization.isEmpty { lines.append("- Organisation: \(ComposedNotice.escape(organization))") }
    lines.append("- Subject: \(ComposedNotice.escape(inquiry.subject))")
    if let due = inquiry.dueAt { lines.append("- Due: \(ComposedNotice.escape(time.string(due)))") }
    lines.append("")
    lines.append(link.map { "Open it in the desk: <\($0)>" } ?? "Read it with `herald inquiries show \(inquiry.id)`.")
    let notice = ComposedNotice(
      markdown: lines.joined(separator: "\n"), kind: .inquiryNotice, from: compose.from, to: recipient, subject: subject, settings: compose,
      stamp: MessageStamp.now(at: now))
    return try enqueue(notice.message, kind: .inquiryNotice, subscriber: nil, at: now)
  }
}
