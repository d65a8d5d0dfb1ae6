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

  /// A reply that went out (`Mailroom.SentInquiryReply`).
  package typealias SentReply = Mailroom.SentInquiryReply
  /// A reply composed and not yet sent (`Mailroom.InquiryReplyDraft`).
  package typealias ReplyDraft = Mailroom.InquiryReplyDraft

  /// Composes the answer to an inquiry without sending it (`Mailroom.draftInquiryReply`,
  /// which the desk uses too).
  package func draftReply(to id: Int64, markdown: String, quotingQuestion: Bool = true, now: Date = Date()) throws -> ReplyDraft {
    do {
      return try mailroom.draftInquiryReply(to: id, markdown: markdown, quotingQuestion: quotingQuestion, now: now)
    } catch let error as CampaignError where error.code == .invalidRequest {
      throw InboxError(.invalidRequest, error.message)
    }
  }

  /// Sends a drafted reply (`Mailroom.sendInquiryReply`).
  package func send(_ draft: ReplyDraft, author: String, session: DeliverySession?) throws -> SentReply {
    try mailroom.sendInquiryReply(draft, author: author, session: session)
  }

  /// Answers an inquiry at once: `draftReply` then `send`.
  /// - Throws: what `draftReply` and `send` throw.
  package func reply(
    to id: Int64, markdown: String, author: String, session: DeliverySession?, quotingQuestion: Bool = true, now: Date = Date()
  ) throws -> SentReply {
    try send(draftReply(to: id, markdown: markdown, quotingQuestion: quotingQuestion, now: now), author: author, session: session)
  }
}
