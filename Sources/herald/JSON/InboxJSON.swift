import Foundation
import HeraldCore
import HeraldInbox
import HeraldStore

// What herald inbox and herald inquiries print with --json.

/// What reading one message did: one line per message of `herald inbox import/fetch
/// --json`, and `herald inbox reclassify --json`.
struct InboxOutcomeJSON: Encodable {
  var id: Int64
  @Nullable var messageID: String?
  @Nullable var from: String?
  @Nullable var subject: String?
  var kind: InboundClass
  var reason: String
  @Nullable var release: String?
  /// It was read before: nothing was done again.
  var duplicate: Bool
  var origin: String
  /// A bounce's failed recipients; left out for other classes.
  var recipients: [BouncedRecipientJSON]?
  /// The inquiry it opened or joined; left out when none.
  var inquiry: Int64?

  enum CodingKeys: String, CodingKey {
    case id, from, subject, reason, release, duplicate, origin, recipients, inquiry
    case messageID = "message_id"
    case kind = "class"
  }

  init(_ outcome: Inbox.Outcome) {
    let record = outcome.record
    id = record.id
    messageID = record.messageID
    from = record.fromAddress
    subject = record.subject
    kind = record.kind
    reason = record.reason
    release = record.release
    duplicate = outcome.duplicate
    origin = outcome.origin
    recipients = record.kind == .bounce ? outcome.recipients.map(BouncedRecipientJSON.init) : nil
    inquiry = outcome.inquiry
  }
}

/// A failed recipient of a bounce, and what came of it.
struct BouncedRecipientJSON: Encodable {
  var address: String
  /// The enhanced status code, "5.1.1".
  @Nullable var status: String?
  var action: String
  var permanent: Bool
  /// What was done: "bounced-and-suppressed", "soft-bounce" … (`BounceAction`).
  var result: BounceAction
  /// With a soft bounce: how many in a row, and the limit.
  var softBounces: Int?
  var softBounceLimit: Int?

  init(_ recipient: Inbox.BouncedRecipient) {
    address = recipient.address
    status = recipient.status
    action = recipient.action
    permanent = recipient.permanent
    result = recipient.result
    softBounces = recipient.softBounces
    softBounceLimit = recipient.softBounceLimit
  }

  enum CodingKeys: String, CodingKey {
    case address, status, action, permanent, result
    case softBounces = "soft_bounces"
    case softBounceLimit = "soft_bounce_limit"
  }
}

/// A message read, as `herald inbox list --json` lists it.
struct InboundListItemJSON: Encodable {
  var id: Int64
  var kind: InboundClass
  var reason: String
  @Nullable var from: String?
  @Nullable var subject: String?
  @Nullable var release: String?
  var received: Date
  @Nullable var messageID: String?

  enum CodingKeys: String, CodingKey {
    case id, reason, from, subject, release, received
    case kind = "class"
    case messageID = "message_id"
  }

  init(_ record: InboundRecord) {
    id = record.id
    kind = record.kind
    reason = record.reason
    from = record.fromAddress
    subject = record.subject
    release = record.release
    received = record.receivedAt
    messageID = record.messageID
  }
}

/// One message read, with what it changed (`herald inbox show --json`).
struct InboundMessageJSON: Encodable {
  var id: Int64
  var kind: InboundClass
  var reason: String
  /// Its bytes, relative to the workspace.
  var file: String
  var origin: String
  @Nullable var from: String?
  @Nullable var subject: String?
  @Nullable var release: String?
  /// The classification's particulars as the store keeps them (a bounce's recipients, a
  /// complaint's report), their keys in snake_case like every other.
  @Nullable var details: JSONValue?
  var actions: [Action]

  enum CodingKeys: String, CodingKey {
    case id, reason, file, origin, from, subject, release, details, actions
    case kind = "class"
  }

  /// A change it made, and whether a reclassification undid it.
  struct Action: Encodable {
    var kind: InboundAction.Kind
    @Nullable var address: String?
    @Nullable var list: String?
    var detail: String
    var undone: Bool

    init(_ action: InboundAction) {
      kind = action.kind
      address = action.address
      list = action.list
      detail = action.detail
      undone = action.undoneAt != nil
    }
  }

  init(_ record: InboundRecord, actions: [InboundAction]) {
    id = record.id
    kind = record.kind
    reason = record.reason
    file = record.rawFile
    origin = record.origin
    from = record.fromAddress
    subject = record.subject
    release = record.release
    details = record.details.flatMap { JSONValue(text: $0)?.snakeCased }
    self.actions = actions.map(Action.init)
  }
}

/// An inquiry (`herald inquiries --json`), with its thread (`herald inquiries show --json`).
struct InquiryJSON: Encodable {
  var id: Int64
  var status: InquiryStatus
  var from: String
  @Nullable var name: String?
  @Nullable var organization: String?
  var subject: String
  @Nullable var release: String?
  @Nullable var assignee: String?
  var priority: InquiryPriority
  @Nullable var due: Date?
  var created: Date
  @Nullable var firstAnswer: Date?
  @Nullable var subscriber: SubscriberID?
  /// The thread, oldest first; left out of lists.
  var thread: [Entry]?

  enum CodingKeys: String, CodingKey {
    case id, status, from, name, organization, subject, release, assignee, priority, due, created, subscriber, thread
    case firstAnswer = "first_answer"
  }

  /// One entry of the thread.
  struct Entry: Encodable {
    var kind: InquiryEntry.Kind
    @Nullable var author: String?
    var text: String
    var at: Date
    @Nullable var messageID: String?
    /// Files relative to the workspace.
    var attachments: [String]

    enum CodingKeys: String, CodingKey {
      case kind, author, text, at, attachments
      case messageID = "message_id"
    }

    init(_ entry: InquiryEntry) {
      kind = entry.kind
      author = entry.author
      text = entry.text
      at = entry.at
      messageID = entry.messageID
      attachments = entry.attachments
    }
  }

  init(_ inquiry: Inquiry, thread: [InquiryEntry]? = nil) {
    id = inquiry.id
    status = inquiry.status
    from = inquiry.fromAddress
    name = inquiry.fromName
    organization = inquiry.organization
    subject = inquiry.subject
    release = inquiry.release
    assignee = inquiry.assignee
    priority = inquiry.priority
    due = inquiry.dueAt
    created = inquiry.createdAt
    firstAnswer = inquiry.firstAnswerAt
    subscriber = inquiry.subscriber
    self.thread = thread?.map(Entry.init)
  }
}

/// `herald inquiries remind --json`: the inquiries whose reminder was written.
struct InquiryRemindJSON: Encodable {
  var reminded: [Int64]
}

/// `herald inquiries reply --json`: the reply written, and whether it went out at once.
/// `herald inquiries reply --dry-run --json`: the reply as it would be sent.
struct InquiryReplyDraftJSON: Encodable {
  var inquiry: Int64
  var to: String
  var subject: String
  var messageID: String
  /// The text part, as the journalist would read it.
  var text: String

  enum CodingKeys: String, CodingKey {
    case inquiry, to, subject, text
    case messageID = "message_id"
  }

  init(_ draft: Inbox.ReplyDraft) {
    inquiry = draft.inquiry.id
    to = draft.to.address
    subject = draft.subject
    messageID = draft.composed.messageID
    text = draft.composed.text
  }
}

struct InquiryReplyJSON: Encodable {
  var inquiry: Int64
  var messageID: String
  var to: String
  /// "sent", "deferred" or "failed"; null when it waits in the Outbox.
  @Nullable var delivered: DeliveryOutcome?

  enum CodingKeys: String, CodingKey {
    case inquiry, to, delivered
    case messageID = "message_id"
  }
}
