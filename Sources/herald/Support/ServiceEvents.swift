import Foundation
import HeraldCampaign
import HeraldCore
import HeraldInbox

/// What a delivery service tells the terminal: runs that did something, pauses of a failing
/// relay, an Outbox that cannot be read.
enum DeliveryEvents {
  static func report(_ event: DeliverySession.WatchEvent) {
    report(event, json: false)
  }

  static func report(_ event: DeliverySession.WatchEvent, json: Bool) {
    switch event {
    case .recovered(let count):
      if !json { Terminal.warn("Returned \(count) message(s) left in active/ by an interrupted run to the queue.") }
    case .ran(let report):
      let done = report.sent + report.deferred + report.failed
      guard done > 0 && !json else { return }
      Terminal.say("\(Date().formatted(date: .omitted, time: .standard))  sent \(report.sent.formatted()), deferred \(report.deferred.formatted()), failed \(report.failed.formatted())")
      for (outcome, title) in [(DeliveryOutcome.deferred, "deferred"), (.failed, "failed")] {
        for line in CampaignReport.reasonLines(report, outcome, limit: 3) { Terminal.say("    \(title): \(Terminal.safe(line))") }
      }
    case .paused(let why, let retryAt):
      // A failing relay: say why, and try again later instead of giving up.
      Terminal.warn(Terminal.paint("paused:", .yellow, on: STDERR_FILENO) + " \(Terminal.safe(why)); trying again in \(Int(retryAt.timeIntervalSinceNow.rounded())) s")
    case .failed(let error, let retryIn):
      Terminal.warning("the Outbox could not be read: \(error); trying again in \(retryIn.components.seconds) s")
    }
  }
}

/// What the inbox's fetch service tells the terminal.
enum InboxEvents {
  static func report(json: Bool) -> @Sendable (InboxFetchService.Event) -> Void {
    { event in
      switch event {
      case .read(let outcome): InboxCommand.report(outcome, json: json)
      case .notKept(let failure): InboxCommand.failure(failure)
      case .fetched(let summary): if summary.total > 0 { InboxCommand.summary(summary, json: json) }
      case .failed(let error, let retryIn):
        // The mailbox is down, or the store busy: say so and try again later.
        Terminal.warning("\(error.message); trying again in \(TimeSpan.describe(Double(retryIn.components.seconds)))")
      }
    }
  }
}
