import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

/// Answering an inquiry: `herald inquiries reply` and the desk compose and send with these.
extension Mailroom {
  /// A reply that went out.
  package struct SentInquiryReply: Sendable {
    /// Its Message-ID, without angle brackets.
    package var messageID: String
    /// Who it went to.
    package var to: String
    /// What the relay said, when it was delivered at once; nil when it waits in the Outbox.
    package var delivered: DeliveryOutcome?
  }

  /// A reply composed and not yet sent: what `herald inquiries reply` shows before it asks.
  package struct InquiryReplyDraft: Sendable {
    /// The inquiry answered.
    package var inquiry: Inquiry
    /// The message, with its Message-ID and text part.
    package var composed: ComposedReply
    /// Who it goes to.
    package var to: Mailbox
    /// Its subject ("Re: …").
    package var subject: String
    /// When it was composed (its Date header).
    package var at: Date
  }

  /// Composes the answer to an inquiry without sending it: the Markdown as written (its
  /// line breaks kept), threaded to the last message of the inquiry (In-Reply-To,
  /// References), with that message quoted below it when `quotingQuestion`.
  /// - Throws: `CampaignError` `.invalidRequest` for an empty reply or an inquiry with nothing
  ///   to answer; `StoreError` `.notFound` for an unknown inquiry.
  package func draftInquiryReply(to id: Int64, markdown: String, quotingQuestion: Bool = true, now: Date = Date()) throws -> InquiryReplyDraft {
    guard !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw CampaignError(.invalidRequest, "the reply is empty; write it in the Markdown file")
    }
    let (inquiry, entries) = try store.inquiry(id)
    guard let question = entries.last(where: { $0.kind == .message }) else {
      throw CampaignError(.invalidRequest, "inquiry \(id) has no message to answer")
    }
    let settings = configuration.compose
    let to = Mailbox(name: inquiry.fromName, address: inquiry.fromAddress)
    let quoted = quotingQuestion
      ? ComposedReply.Question(author: inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress, at: question.at, text: question.text)
      : nil
    let composed = ComposedReply(
      markdown: markdown, from: settings.replyTo ?? settings.from, to: to, subject: inquiry.subject, inReplyTo: question.messageID,
      references: parentThread(of: question) + entries.compactMap(\.messageID), settings: settings, stamp: MessageStamp.now(at: now), quoting: quoted)
    let subject = ComposedReply.isReply(inquiry.subject) ? inquiry.subject : "Re: " + inquiry.subject
    return InquiryReplyDraft(inquiry: inquiry, composed: composed, to: to, subject: subject, at: now)
  }

  /// The thread the journalist's message itself answered, oldest first (RFC 5322 §3.6.4: the
  /// parent's References, else its In-Reply-To): their answer to a release keeps the
  /// release's own message at the head of our reply's References, so that mail clients
  /// thread all three. Read from the message the inbox kept; empty when it is not there.
  func parentThread(of question: InquiryEntry) -> [String] {
    guard let inbound = question.inbound, let record = try? store.inbound(id: inbound) else { return [] }
    let path = record.rawFile
    guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."),
      let data = FileManager.default.contents(atPath: workspace.root.appendingPathComponent(path).path)
    else { return [] }
    // Only the header is read: the body can be megabytes.
    let header = ReceivedMessage(parsingHeaderOf: [UInt8](data.prefix(256 * 1024)))
    return header.references.isEmpty ? header.inReplyTo : header.references
  }

  /// Sends a drafted reply: signed and written to the Outbox, delivered at once with
  /// `session`; it joins the thread and the inquiry becomes answered.
  package func sendInquiryReply(_ draft: InquiryReplyDraft, author: String, session: DeliverySession?) throws -> SentInquiryReply {
    let message = try enqueue(draft.composed.message, kind: .inquiryReply, subscriber: draft.inquiry.subscriber, at: draft.at)
    try store.recordInquiryReply(draft.inquiry.id, messageID: draft.composed.messageID, text: draft.composed.text, by: author, at: draft.at)
    var delivered: DeliveryOutcome?
    if let session {
      let outcome = Shared<DeliveryOutcome?>(nil)
      _ = session.run(onResult: { result in if result.message.id == message.id { outcome.withLock { $0 = result.outcome } } })
      delivered = outcome.value
    }
    return SentInquiryReply(messageID: draft.composed.messageID, to: draft.inquiry.fromAddress, delivered: delivered)
  }

}
