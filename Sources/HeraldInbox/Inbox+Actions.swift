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
  /// - Throws: `StoreError` `.notFound` for an unknown id; `InboxError` when the message's
  ///   file is gone.
  package func reclassify(_ id: Int64, as kind: InboundClass, by author: String) throws -> Outcome {
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
      id, as: kind, reason: classification.reason, details: record.details, source: .commandLine("herald inbox reclassify \(id) \(kind.rawValue) (\(author))")
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

  /// Answers an inquiry: the Markdown is composed like a release (text and HTML), threaded
  /// to the last message of the inquiry (In-Reply-To, References), signed and written to
  /// the Outbox, and delivered at once with `session`; the reply joins the thread and the
  /// inquiry becomes answered.
  /// - Throws: `InboxError` `.invalidRequest` for an inquiry with nothing to answer;
  ///   `StoreError` `.notFound` for an unknown inquiry.
  package func reply(to id: Int64, markdown: String, author: String, session: DeliverySession?, now: Date = Date()) throws -> SentReply {
    guard !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw InboxError(.invalidRequest, "the reply is empty; write it in the Markdown file")
    }
    let (inquiry, entries) = try mailroom.store.inquiry(id)
    guard entries.contains(where: { $0.kind == .message }) else {
      throw InboxError(.invalidRequest, "inquiry \(id) has no message to answer")
    }
    let settings = mailroom.configuration.compose
    let to = Mailbox(name: inquiry.fromName, address: inquiry.fromAddress)
    let thread = entries.compactMap(\.messageID)
    let stamp = MessageStamp.now(at: now)
    let composed = ComposedReply(
      markdown: markdown, from: settings.replyTo ?? settings.from, to: to, subject: inquiry.subject,
      inReplyTo: entries.last(where: { $0.kind == .message })?.messageID, references: thread, settings: settings, stamp: stamp)
    let message = try mailroom.enqueue(composed.message, kind: .inquiryReply, subscriber: inquiry.subscriber, at: now)
    try mailroom.store.recordInquiryReply(id, messageID: composed.messageID, text: composed.text, by: author, at: now)
    var delivered: DeliveryOutcome?
    if let session {
      let outcome = Shared<DeliveryOutcome?>(nil)
      _ = session.run(onResult: { result in if result.message.id == message.id { outcome.withLock { $0 = result.outcome } } })
      delivered = outcome.value
    }
    return SentReply(messageID: composed.messageID, to: inquiry.fromAddress, delivered: delivered)
  }
}
