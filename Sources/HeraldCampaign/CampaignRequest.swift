import Foundation
import HeraldCore
import HeraldStore

/// What a person asks for when sending a release: which release, to whom, when.
package struct CampaignRequest: Sendable {
  /// The release file, as given (inside the workspace when it is not found as given).
  package var release: String
  /// The lists to send to; empty for the release's own `lists:`.
  package var lists: [String] = []
  /// Send as a correction to exactly those this campaign reached (still subscribed, not
  /// suppressed), through the same lists; nil for an ordinary send.
  package var correctionOf: CampaignID?
  /// Send at this time instead of now; `herald deliver` sends the messages then.
  package var sendAt: Date?
  /// Send also to those who already received the release.
  package var again = false
  /// Send only to the members of the lists who meet every condition (`--where`); empty for all.
  package var conditions: [SubscriberCondition] = []
  /// Carry on writing this campaign of the release, which was stopped part-way (a desk or
  /// a send killed while enqueueing): the plan keeps its name, and leaves out whoever has
  /// a message of it in the Outbox already, even when sending `again`. Nil for a new send.
  package var resume: CampaignID?

  /// A request to send `release` to its own lists, now.
  package init(release: String) {
    self.release = release
  }
}
