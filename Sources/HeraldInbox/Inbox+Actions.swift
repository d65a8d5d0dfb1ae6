import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

extension Inbox {
  /// Gives a message another class by hand, when the classifier was wrong: what reading it
  /// did is undone (a bounce's statuses and suppressions, an inquiry), and what the new
  /// class does is done, in one transaction.
  /// - Parameter command: how it was asked for, kept as the evidence of the membership
  ///   changes it makes ("desk: inbox reclassify 12 inquiry (Ana Ruiz)"); by default
  ///   `herald inbox reclassify`'s.
  /// - Throws: `StoreError` `.notFound` for an unknown id; `InboxError` when the message's
  ///   file is gone.
  package func reclassify(_ id: Int64, as kind: InboundClass, by author: String, command: String? = nil) throws -> Outcome {
    let record = try mailroom.store.inbound(id: id)
    let url = mailroom.workspace.root.appendingPathComponent(record.rawFile)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw InboxError(.source, "\(record.rawFile), the message's file, is gone; it cannot be read again")
    }
    let message = ReceivedMessage(parsing: [UInt8](data))
    var classification = Classifier.classify(message, context: context)
    classification.kind = kind
    classification.reason = "set by hand by \(author) (the classifier said \(record.kind.rawValue): \(record.reason))"
    var recipients: [BouncedRecipient] = []
    var inquiry: Int64?
    var actions: [InboundAction] = []
    let updated = try mailroom.store.reclassifyInbound(
      id, as: kind, reason: classification.reason, details: record.details, source: .commandLine(command ?? "herald inbox reclassify \(id) \(kind.rawValue) (\(author))")
    ) { changes in
      (recipients, inquiry) = try apply(classification, message: message, record: record, digest: record.digest, changes: &changes)
      actions = changes.actions
    }
    return Outcome(record: updated, duplicate: false, recipients: recipients, inquiry: inquiry, actions: actions, origin: record.origin)
  }

  /// A reply that went out.
  package struct SentReply: Sendable {
    /// Its Message-ID, without angle brackets.
    package var messageID: String
    /// Who it went to.
    package var to: String
    /// What the relay said, when it was delivered at once; nil when it waits in the Outbox.
    package var delivered: DeliveryOutcome?
  }

  /// A reply composed and not yet sent: what `herald inquiries reply` shows before it asks.
  package struct ReplyDraft: Sendable {
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
  /// - Throws: `InboxError` `.invalidRequest` for an empty reply or an inquiry with nothing
  ///   to answer; `StoreError` `.notFound` for an unknown inquiry.
  package func draftReply(to id: Int64, markdown: String, quotingQuestion: Bool = true, now: Date = Date()) throws -> ReplyDraft {
    guard !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw InboxError(.invalidRequest, "the reply is empty; write it in the Markdown file")
    }
    let (inquiry, entries) = try mailroom.store.inquiry(id)
    guard let question = entries.last(where: { $0.kind == .message }) else {
      throw InboxError(.invalidRequest, "inquiry \(id) has no message to answer")
    }
    let settings = mailroom.configuration.compose
    let to = Mailbox(name: inquiry.fromName, address: inquiry.fromAddress)
    let quoted = quotingQuestion
      ? ComposedReply.Question(author: inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress, at: question.at, text: question.text)
      : nil
    let composed = ComposedReply(
      markdown: markdown, from: settings.replyTo ?? settings.from, to: to, subject: inquiry.subject, inReplyTo: question.messageID,
      references: entries.compactMap(\.messageID), settings: settings, stamp: MessageStamp.now(at: now), quoting: quoted)
    let subject = ComposedReply.isReply(inquiry.subject) ? inquiry.subject : "Re: " + inquiry.subject
    return ReplyDraft(inquiry: inquiry, composed: composed, to: to, subject: subject, at: now)
  }

  /// Sends a drafted reply: signed and written to the Outbox, delivered at once with
  /// `session`; it joins the thread and the inquiry becomes answered.
  package func send(_ draft: ReplyDraft, author: String, session: DeliverySession?) throws -> SentReply {
    let message = try mailroom.enqueue(draft.composed.message, kind: .inquiryReply, subscriber: draft.inquiry.subscriber, at: draft.at)
    try mailroom.store.recordInquiryReply(draft.inquiry.id, messageID: draft.composed.messageID, text: draft.composed.text, by: author, at: draft.at)
    var delivered: DeliveryOutcome?
    if let session {
      let outcome = Shared<DeliveryOutcome?>(nil)
      _ = session.run(onResult: { result in if result.message.id == message.id { outcome.withLock { $0 = result.outcome } } })
      delivered = outcome.value
    }
    return SentReply(messageID: draft.composed.messageID, to: draft.inquiry.fromAddress, delivered: delivered)
  }

  /// Answers an inquiry at once: `draftReply` then `send`.
  /// - Throws: what `draftReply` and `send` throw.
  package func reply(
    to id: Int64, markdown: String, author: String, session: DeliverySession?, quotingQuestion: Bool = true, now: Date = Date()
  ) throws -> SentReply {
    try send(draftReply(to: id, markdown: markdown, quotingQuestion: quotingQuestion, now: now), author: author, session: session)
  }
}
