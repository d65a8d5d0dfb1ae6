import ArgumentParser
import Foundation
import HeraldDelivery

struct DeliverCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliver",
    abstract: "Send what is due in the Outbox (cron-friendly): new messages, and deferred ones whose retry time has come."
  )

  @OptionGroup var options: WorkspaceOptions

  @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?

  @Flag(help: "Print the report as JSON.") var json = false

  func run() throws {
    let workspace = options.value
    let configuration = try reportingErrors { try workspace.configuration() }
    let relay = try DeliveryRun.relay(smtp, configuration: configuration)
    let outbox = try reportingErrors { try Outbox(directory: workspace.outboxDirectory) }
    // Leftovers of a run that was killed go back to the queue: at least once, never lost.
    let recovered = try reportingErrors { try outbox.recover() }
    if recovered > 0 && !json { Terminal.warn("Returned \(recovered) message(s) left in active/ by an interrupted run to the queue.") }
    let due = try reportingErrors { try outbox.counts().byState[.queue] ?? 0 }
    let store = try reportingErrors { try options.store() }
    let report = DeliveryRun.run(outbox: outbox, relay: relay, total: due, store: store)
    try DeliveryReportOutput.print(report, json: json)
    if report.paused != nil { throw ExitCode.failure }
  }
}

/// The end-of-run summary, for people or as JSON.
enum DeliveryReportOutput {
  static func print(_ report: Deliverer.Report, json: Bool) throws {
    if json {
      try printJSON(["sent": report.sent, "deferred": report.deferred, "failed": report.failed, "paused": report.paused.map { $0 as Any } ?? NSNull()])
      return
    }
    Terminal.say("Sent \(report.sent.formatted()), deferred \(report.deferred.formatted()) (retried later by herald deliver), failed \(report.failed.formatted()).")
    if let paused = report.paused { Terminal.warn(Terminal.paint("paused:", .yellow, on: STDERR_FILENO) + " " + paused) }
  }
}
