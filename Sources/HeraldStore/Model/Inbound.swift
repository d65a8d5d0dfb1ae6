import Foundation
import HeraldCore

/// A message the inbox read, as the store keeps it (its bytes are a file in Inbox/).
package struct InboundRecord: Sendable, Hashable, Codable {
  package var id: Int64
  /// Its Message-ID, without angle brackets.
  package var messageID: String?
  /// SHA-256 of its bytes, hex: how a message without a Message-ID is recognised again.
  package var digest: String
  /// When it was sent (its Date), else when it was read.
  package var receivedAt: Date
  /// When Herald read it.
  package var importedAt: Date
  /// Where it was read from: a file, or a mailbox and UID.
  package var origin: String
  package var fromAddress: String?
  package var fromName: String?
  package var subject: String?
  package var kind: InboundClass
  /// Why it is of that class, in plain words.
  package var reason: String
  /// The release it answers or is about, when known.
  package var release: String?
  /// The subscriber it is from or about, when known.
  package var subscriber: SubscriberID?
  /// Its bytes, relative to the workspace (Inbox/messages/…).
  package var rawFile: String
  /// The classification's particulars as JSON (a bounce's recipients, a complaint's report).
  package var details: String?

  package init(
    id: Int64 = 0, messageID: String?, digest: String, receivedAt: Date, importedAt: Date = Date(), origin: String,
    fromAddress: String?, fromName: String?, subject: String?, kind: InboundClass, reason: String, release: String?,
    subscriber: SubscriberID?, rawFile: String, details: String?
  ) {
    self.id = id
    self.messageID = messageID
    self.digest = digest
    self.receivedAt = receivedAt
    self.importedAt = importedAt
    self.origin = origin
    self.fromAddress = fromAddress
    self.fromName = fromName
    self.subject = subject
    self.kind = kind
    self.reason = reason
    self.release = release
    self.subscriber = subscriber
    self.rawFile = rawFile
    self.details = details
  }
}

/// One thing reading a message changed, kept so that a reclassification can undo it.
package struct InboundAction: Sendable, Hashable, Codable {
  /// What was done.
  package enum Kind: String, Sendable, Hashable, Codable {
    /// A membership became bounced (`previousStatus` is what it was).
    case bounced
    /// A membership became complained.
    case complained
    /// A membership became unsubscribed.
    case unsubscribed
    /// An address was suppressed (and was not before).
    case suppressed
    /// A temporary failure was counted for a campaign.
    case softBounce = "soft-bounce"
    /// A refusal that blames the sender was recorded (nothing changed for the subscriber).
    case senderProblem = "sender-problem"
    /// An inquiry was opened, or the message added to one (`detail` is its id).
    case inquiry
  }

  package var id: Int64
  package var kind: Kind
  package var subscriber: SubscriberID?
  package var address: String?
  package var list: String?
  /// The membership's status before, for bounced, complained and unsubscribed.
  package var previousStatus: MembershipStatus?
  /// Particulars: the campaign of a soft bounce, the inquiry's id, the reply that blamed the sender.
  package var detail: String
  package var at: Date
  /// When a reclassification undid it.
  package var undoneAt: Date?

  package init(
    id: Int64 = 0, kind: Kind, subscriber: SubscriberID?, address: String?, list: String? = nil, previousStatus: MembershipStatus? = nil,
    detail: String = "", at: Date = Date(), undoneAt: Date? = nil
  ) {
    self.id = id
    self.kind = kind
    self.subscriber = subscriber
    self.address = address
    self.list = list
    self.previousStatus = previousStatus
    self.detail = detail
    self.at = at
    self.undoneAt = undoneAt
  }
}

/// Where an inquiry stands.
package enum InquiryStatus: String, Sendable, Hashable, Codable, CaseIterable {
  /// Just arrived; nobody has looked.
  case new
  /// Someone is on it.
  case open
  /// Waiting for the journalist, or for someone in the house.
  case waiting
  /// A reply went out.
  case answered
  /// Done.
  case closed
}

/// A journalist's question and its thread.
package struct Inquiry: Sendable, Hashable, Codable {
  package var id: Int64
  package var subscriber: SubscriberID?
  package var fromAddress: String
  package var fromName: String?
  package var organization: String?
  package var subject: String
  /// The release it is about, when known.
  package var release: String?
  package var status: InquiryStatus
  /// The assignee's name as the thread shows it (a desk user's, or a name given with
  /// `herald inquiries assign`).
  package var assignee: String?
  /// The desk user it is assigned to, when the assignee is one.
  package var assigneeID: DeskUserID? = nil
  package var dueAt: Date?
  /// How pressing it is, beside its deadline.
  package var priority: InquiryPriority = .normal
  /// The deadline a reminder was sent for (a new deadline arms the reminder again).
  package var remindedFor: Date? = nil
  package var createdAt: Date
  package var updatedAt: Date
  /// When the first reply went out.
  package var firstAnswerAt: Date?
}

/// One entry of an inquiry's thread.
package struct InquiryEntry: Sendable, Hashable, Codable {
  /// What it is.
  package enum Kind: String, Sendable, Hashable, Codable {
    /// A message from the journalist.
    case message
    /// A reply sent from Herald.
    case reply
    /// A note for colleagues.
    case note
    /// The status changed.
    case status
    /// Someone was assigned.
    case assign
    /// The deadline changed (its text: the new one in ISO 8601, or "none").
    case deadline
    /// The priority changed (its text: the new one).
    case priority
  }

  package var id: Int64
  package var kind: Kind
  /// The received message, for `.message`.
  package var inbound: Int64?
  /// Its Message-ID (received, or of the reply sent), without angle brackets.
  package var messageID: String?
  package var author: String?
  package var text: String
  /// The attachments' files, relative to the workspace.
  package var attachments: [String]
  package var at: Date

  package init(
    id: Int64 = 0, kind: Kind, inbound: Int64? = nil, messageID: String? = nil, author: String? = nil, text: String,
    attachments: [String] = [], at: Date = Date()
  ) {
    self.id = id
    self.kind = kind
    self.inbound = inbound
    self.messageID = messageID
    self.author = author
    self.text = text
    self.attachments = attachments
    self.at = at
  }
}
