import Foundation
import HeraldCore

extension Outbox {
  /// Messages of a campaign that wait for their time (a send with --at, or the part of an
  /// embargoed send that goes when the embargo lifts): never tried yet.
  package struct Scheduled: Sendable, Equatable {
    /// How many.
    package var count: Int
    /// When the first of them is due.
    package var first: Date

    /// `count` messages, the first due at `first`.
    package init(count: Int, first: Date) {
      self.count = count
      self.first = first
    }
  }

  /// The messages that wait in `deferred/` for a time still to come that was set when they
  /// were written (their creation time: a retried message was created in the past), by
  /// campaign. Reads only headers.
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func scheduled(now: Date = Date()) throws -> [CampaignID: Scheduled] {
    var scheduled: [CampaignID: Scheduled] = [:]
    for entry in try envelopes(in: [.deferred]) where entry.message.created > now && entry.message.attempts.isEmpty {
      let message = entry.message
      if var known = scheduled[message.campaign] {
        known.count += 1
        known.first = min(known.first, message.created)
        scheduled[message.campaign] = known
      } else {
        scheduled[message.campaign] = Scheduled(count: 1, first: message.created)
      }
    }
    return scheduled
  }
}
