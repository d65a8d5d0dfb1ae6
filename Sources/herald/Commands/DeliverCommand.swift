import ArgumentParser
import Foundation
import HeraldDelivery

struct DeliverCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliver",
    abstract: "Send what is due in the Outbox (cron-friendly): new messages, and deferred ones whose retry time has come.",
    discussion: """
      With --watch it keeps running: it sends new messages as they are queued (herald send \
      --queue-only), retries deferred ones when they are due, and waits out a relay that \
      fails. SIGINT or SIGTERM stop it cleanly: messages in flight finish and are recorded, \
      nothing stays claimed.
      """
  )

  @OptionGroup var options: WorkspaceOptions

  @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?

  @Flag(help: "Keep running: send new messages and retries as they come due, until SIGINT or SIGTERM.") var watch = false

  @Option(help: ArgumentHelp("With --watch, how often to look for new messages, in seconds.", valueName: "SECONDS"))
  var interval: Double = 10

  @Flag(help: "Print the report as JSON.") var json = false

  func validate() throws {
    guard interval > 0 && interval <= 3600 else { throw ValidationError("--interval must be from 0.1 to 3600 seconds") }
  }

  func run() throws {
    let workspace = options.value
    let configuration = try reportingErrors { try workspace.configuration() }
    let relay = try DeliveryRun.relay(smtp, workspace: workspace, configuration: configuration)
    let outbox = try reportingErrors { try Outbox(directory: workspace.outboxDirectory) }
    // Leftovers of a run that was killed go back to the queue: at least once, never lost.
    let recovered = try reportingErrors { try outbox.recover() }
    if recovered > 0 && !json { Terminal.warn("Returned \(recovered) message(s) left in active/ by an interrupted run to the queue.") }
    for warning in EnqueueMark.interrupted(outbox: outbox) { Terminal.warn(Terminal.paint("warning:", .yellow, on: STDERR_FILENO) + " " + warning) }
    let store = try reportingErrors { try options.store() }
    let session = DeliverySession(outbox: outbox, relay: relay, policy: DeliveryRun.policy(configuration), store: store)
    guard watch else {
      let due = try reportingErrors { try outbox.count(in: .queue) }
      let report = session.run(total: due)
      try DeliveryReportOutput.print(report, json: json)
      if report.paused != nil { throw ExitCode.failure }
      return
    }

    // --watch: run, then wait for the next retry or the next look for new messages.
    if !json { Terminal.say("Watching \(Terminal.display(workspace.outboxDirectory)) (every \(interval.formatted()) s); Ctrl-C stops.") }
    var total = Deliverer.Report()
    while !session.interrupted {
      // Between runs nothing of ours is in flight: what active/ holds was left by another
      // process that has ended (a killed herald send), and goes back to the queue.
      let returned = try reportingErrors { try outbox.recover() }
      if returned > 0 && !json { Terminal.warn("Returned \(returned) message(s) left in active/ by an interrupted run to the queue.") }
      let due = try reportingErrors { try outbox.count(in: .queue) }
      let report = session.run(total: due)
      total.sent += report.sent
      total.deferred += report.deferred
      total.failed += report.failed
      let done = report.sent + report.deferred + report.failed
      if done > 0 && !json {
        Terminal.say("\(Date().formatted(date: .omitted, time: .standard))  sent \(report.sent.formatted()), deferred \(report.deferred.formatted()), failed \(report.failed.formatted())")
      }
      var next = Date().addingTimeInterval(interval)
      if let paused = report.paused {
        // A failing relay: say why, and try again later instead of giving up.
        let pause = max(interval, 60)
        Terminal.warn(Terminal.paint("paused:", .yellow, on: STDERR_FILENO) + " \(paused); trying again in \(Int(pause)) s")
        next = Date().addingTimeInterval(pause)
      } else if let retry = try reportingErrors({ try outbox.nextDeferredAttempt() }), retry < next {
        next = max(retry, Date().addingTimeInterval(0.1))
      }
      session.wait(until: next)
    }
    total.paused = nil
    try DeliveryReportOutput.print(total, json: json)
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
