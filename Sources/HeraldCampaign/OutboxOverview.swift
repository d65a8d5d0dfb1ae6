import Foundation
import HeraldCore
import HeraldDelivery
import HeraldMail

/// What the Outbox holds, for the desk's Outbox page: counts by state and by campaign,
/// scheduled messages apart, and the deferred ones grouped by the relay's reply.
///
/// Counts come from the folders' listings and the mailroom's memory of which campaign each
/// message belongs to (`Outbox.names(known:)`: a header is read once per message, ever);
/// only the deferred messages are read whole, for their replies.
package struct OutboxOverview: Sendable {
  /// A reason messages were deferred: the relay's reply with what is particular to one
  /// message taken out ("451 4.7.1 <…>: Greylisted"), how many, and the next retry among them.
  package struct Reason: Sendable, Hashable {
    package var reply: String
    package var count: Int
    package var nextRetry: Date?
  }

  /// The states a person reads: the Outbox's folders, with scheduled messages apart from
  /// deferred ones (they are in deferred/ until their time).
  package enum Column: String, Sendable, CaseIterable {
    case queued, active, deferred, scheduled, held, sent, failed
  }

  /// Messages per column.
  package var byState: [Column: Int] = [:]
  /// Messages per campaign, then per column (only those with some).
  package var byCampaign: [CampaignID: [Column: Int]] = [:]
  /// The deferred messages' reasons, most frequent first.
  package var deferredReasons: [Reason] = []

  /// The column of a message in `state` that is scheduled or not.
  static func column(_ state: Outbox.State, scheduled: Bool) -> Column {
    switch state {
    case .queue: return .queued
    case .active: return .active
    case .deferred: return scheduled ? .scheduled : .deferred
    case .hold: return .held
    case .sent: return .sent
    case .failed: return .failed
    }
  }

  /// A reply as the page groups it: an SMTP reply's reason (code, enhanced code, text with
  /// addresses and queue ids taken out), or the text as it is (no reply came).
  package static func reason(_ reply: String) -> String {
    SMTPReply(reply)?.reason ?? reply
  }
}

/// One message of the Outbox's list on the desk.
package struct OutboxListing: Sendable {
  package var id: String
  package var state: Outbox.State
  package var campaign: CampaignID
  package var recipient: String
  package var attempts: Int
  package var lastReply: String?
  package var nextAttempt: Date?
}

extension Mailroom {
  /// The Outbox's overview at `now` (`OutboxOverview`).
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  package func outboxOverview(now: Date = Date()) throws -> OutboxOverview {
    var overview = OutboxOverview()
    for column in OutboxOverview.Column.allCases { overview.byState[column] = 0 }
    let names = try outbox.names(known: messageCampaigns)
    var reasons: [String: OutboxOverview.Reason] = [:]
    for (state, listed) in names {
      if state == .deferred {
        let campaigns = Dictionary(listed.map { ($0.name, $0.campaign) }, uniquingKeysWith: { first, _ in first })
        for message in try outbox.messages(listed.map(\.name), in: .deferred) {
          let scheduled = message.created > now && message.attempts.isEmpty
          let column = OutboxOverview.column(.deferred, scheduled: scheduled)
          overview.byState[column, default: 0] += 1
          overview.byCampaign[campaigns[message.id] ?? message.campaign, default: [:]][column, default: 0] += 1
          guard !scheduled else { continue }
          let reply = OutboxOverview.reason(message.attempts.last?.reply ?? "")
          var reason = reasons[reply] ?? OutboxOverview.Reason(reply: reply, count: 0, nextRetry: nil)
          reason.count += 1
          reason.nextRetry = min(reason.nextRetry ?? message.nextAttempt, message.nextAttempt)
          reasons[reply] = reason
        }
        continue
      }
      let column = OutboxOverview.column(state, scheduled: false)
      overview.byState[column, default: 0] += listed.count
      for entry in listed { overview.byCampaign[entry.campaign, default: [:]][column, default: 0] += 1 }
    }
    overview.deferredReasons = reasons.values.sorted { ($0.count, $1.reply) > ($1.count, $0.reply) }
    return overview
  }

  /// A page of the Outbox's messages in `state` (every state when nil), of `campaign` (every
  /// one when nil), in the order of their ids (the order they were written), after the id
  /// `after`: at most `limit`, and whether there are more. Only the page's files are read.
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  package func outboxListing(
    state: Outbox.State?, campaign: CampaignID?, after: String?, limit: Int
  ) throws -> (messages: [OutboxListing], more: Bool) {
    let names = try outbox.names(known: messageCampaigns)
    var chosen: [(name: String, state: Outbox.State)] = []
    for (listedState, listed) in names where state == nil || state == listedState {
      for entry in listed where campaign == nil || entry.campaign == campaign {
        if let after, entry.name <= after { continue }
        chosen.append((entry.name, listedState))
      }
    }
    chosen.sort { $0.name < $1.name }
    let page = chosen.prefix(limit)
    var messages: [OutboxListing] = []
    for (name, listedState) in page {
      guard let message = try outbox.messages([name], in: listedState).first else { continue }  // moved meanwhile
      messages.append(
        OutboxListing(
          id: message.id, state: listedState, campaign: message.campaign, recipient: message.recipient, attempts: message.attempts.count,
          lastReply: message.attempts.last?.reply, nextAttempt: listedState == .deferred ? message.nextAttempt : nil))
    }
    return (messages, chosen.count > limit)
  }
}
