import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery

/// The end-of-run summary, for people or as JSON: counts, and why messages were deferred
/// or failed, grouped by reason.
enum DeliveryReportOutput {
  /// Prints a run's report: lines for people, or a JSON object.
  /// - Parameters:
  ///   - campaign: a send's campaign, and `enqueued` how many messages it wrote (`herald
  ///     send`); both nil for `herald deliver`.
  static func print(
    _ report: Deliverer.Report, json: Bool, campaign: CampaignID? = nil, enqueued: Int? = nil, archive: ArchiveJSON? = nil, embargo: EmbargoJSON? = nil
  ) throws {
    if json {
      try JSONOutput.print(DeliveryReportJSON(report, campaign: campaign, enqueued: enqueued, archive: archive, embargo: embargo))
      return
    }
    Terminal.say("Sent \(report.sent.formatted()), deferred \(report.deferred.formatted()) (retried later by herald deliver), failed \(report.failed.formatted()).")
    for (outcome, title) in [(DeliveryOutcome.deferred, "Deferred"), (.failed, "Failed")] {
      let lines = CampaignReport.reasonLines(report, outcome)
      guard !lines.isEmpty else { continue }
      Terminal.say("\(title), by reason:")
      for line in lines { Terminal.say("  \(Terminal.safe(line))") }  // a relay's replies
    }
    if let paused = report.paused { Terminal.warn(Terminal.paint("paused:", .yellow, on: STDERR_FILENO) + " " + Terminal.safe(paused)) }
  }
}
