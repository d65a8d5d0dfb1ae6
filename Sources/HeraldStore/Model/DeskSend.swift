import Foundation
import HeraldCore

/// A send started from the desk, as the store records it: what was asked for, by whom, and
/// how far it got. Recorded before anything is written to the Outbox, so that a desk that
/// stops while enqueueing resumes the send when it starts again.
package struct DeskSend: Sendable, Hashable {
  /// How far a send got.
  package enum State: String, Sendable, Hashable, CaseIterable {
    /// Recorded, not yet writing the Outbox.
    case queued
    /// Writing its messages to the Outbox.
    case enqueueing
    /// Every message is in the Outbox (delivery, or its time, follows).
    case enqueued
    /// It stopped for a reason a person must see (`error`).
    case failed

    /// Whether the send has not finished writing the Outbox (it is resumed when the desk starts).
    package var isUnfinished: Bool { self == .queued || self == .enqueueing }
  }

  /// The store's number for it.
  package var id: Int64
  /// The release's file name in Releases/.
  package var releaseFile: String
  /// What was asked for, as JSON (`DeskSendRequest` in the desk).
  package var request: String
  /// Who started it (nil once their account is removed).
  package var userID: DeskUserID?
  /// When it was started.
  package var createdAt: Date
  /// How far it got.
  package var state: State
  /// The campaign it writes, once planned.
  package var campaign: CampaignID?
  /// How many messages the plan counted.
  package var recipients: Int
  /// How many it wrote to the Outbox (when it ended).
  package var enqueued: Int
  /// When its messages go, for a scheduled send.
  package var sendAt: Date?
  /// Why it failed, for a person.
  package var error: String?
  /// When it ended (enqueued or failed).
  package var finishedAt: Date?

  /// A send to record (`SubscriberStore.addDeskSend` gives it its id).
  package init(
    id: Int64 = 0, releaseFile: String, request: String, userID: DeskUserID?, createdAt: Date, state: State = .queued,
    campaign: CampaignID? = nil, recipients: Int = 0, enqueued: Int = 0, sendAt: Date? = nil, error: String? = nil, finishedAt: Date? = nil
  ) {
    self.id = id
    self.releaseFile = releaseFile
    self.request = request
    self.userID = userID
    self.createdAt = createdAt
    self.state = state
    self.campaign = campaign
    self.recipients = recipients
    self.enqueued = enqueued
    self.sendAt = sendAt
    self.error = error
    self.finishedAt = finishedAt
  }
}
