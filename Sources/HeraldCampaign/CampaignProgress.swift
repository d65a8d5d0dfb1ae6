import Foundation
import HeraldCore
import HeraldDelivery
import HeraldMail

/// How far a campaign's delivery has got, read from the Outbox: how many messages wait,
/// went, were deferred or failed (with the relay's replies grouped by reason, as the
/// campaign report groups them: `CampaignReport.reasonLines`), and how many wait for
/// their time (a scheduled send, or the part of an embargoed one that goes at the lift).
package struct CampaignProgress: Sendable {
  /// The campaign.
  package var campaign: CampaignID
  /// Sent, deferred (tried, to be retried) and failed, with the reasons by outcome.
  package var report: Deliverer.Report
  /// Waiting to be sent now (in the queue, or being sent).
  package var waiting: Int
  /// Waiting for their time (never tried): how many, and when the first is due.
  package var scheduled: Outbox.Scheduled?
  /// Held back by `herald outbox hold`.
  package var held: Int

  /// Every message of the campaign in the Outbox.
  package var total: Int { report.sent + report.deferred + report.failed + waiting + (scheduled?.count ?? 0) + held }
  /// Whether nothing is left to try now or later: every message was sent or failed.
  package var isFinished: Bool { total > 0 && waiting == 0 && report.deferred == 0 && scheduled == nil && held == 0 }
  /// Messages that have had their answer: sent or failed.
  package var settled: Int { report.sent + report.failed }

  /// The reply's reason when it is an SMTP reply line (what is particular to one message
  /// taken out), else the text as it is (why no reply came: "the relay refused the connection").
  static func reason(_ reply: String) -> String {
    SMTPReply(reply)?.reason ?? reply
  }
}

extension Mailroom {
  /// How far `campaign` has got in the Outbox: the folders' listings, the header of each
  /// message the mailroom has not seen before (`Outbox.names(of:known:)`), and the whole
  /// file of those deferred or failed (their replies).
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  package func progress(of campaign: CampaignID, now: Date = Date()) throws -> CampaignProgress {
    var progress = CampaignProgress(campaign: campaign, report: Deliverer.Report(), waiting: 0, scheduled: nil, held: 0)
    let names = try outbox.names(of: campaign, known: messageCampaigns)
    progress.waiting = (names[.queue]?.count ?? 0) + (names[.active]?.count ?? 0)
    progress.held = names[.hold]?.count ?? 0
    progress.report.sent = names[.sent]?.count ?? 0
    for state in [Outbox.State.deferred, .failed] {
      for message in try outbox.messages(names[state] ?? [], in: state) {
        // Written for a time still to come and never tried: scheduled, not deferred.
        if state == .deferred && message.created > now && message.attempts.isEmpty {
          let known = progress.scheduled
          progress.scheduled = Outbox.Scheduled(count: (known?.count ?? 0) + 1, first: min(known?.first ?? message.created, message.created))
          continue
        }
        let outcome: DeliveryOutcome = state == .deferred ? .deferred : .failed
        if outcome == .deferred { progress.report.deferred += 1 } else { progress.report.failed += 1 }
        progress.report.reasons[outcome, default: [:]][CampaignProgress.reason(message.attempts.last?.reply ?? ""), default: 0] += 1
      }
    }
    return progress
  }
}
