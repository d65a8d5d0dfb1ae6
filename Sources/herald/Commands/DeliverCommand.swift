import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import ServiceLifecycle

struct DeliverCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliver",
    abstract: "Send what is due in the Outbox (cron-friendly): new messages, and deferred ones whose retry time has come.",
    discussion: """
      With --watch it keeps running: it sends new messages as they are queued (herald send \
      --queue-only), retries deferred ones when they are due, and waits out a relay that \
      fails. SIGINT or SIGTERM stop it cleanly: messages in flight finish and are recorded, \
      nothing stays claimed (after --grace seconds, 20 by default, transfers still in flight end \
      and their messages go back to the queue).
      """
  )

  @OptionGroup var options: WorkspaceOptions

  @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?

  @Flag(help: "Keep running: send new messages and retries as they come due, until SIGINT or SIGTERM.") var watch = false

  @Option(help: ArgumentHelp("With --watch, how often to look for new messages, in seconds.", valueName: "SECONDS"))
  var interval: Double = 10

  @Option(help: ArgumentHelp("With --watch, after SIGTERM or SIGINT, how long SMTP transactions in flight may take to finish, in seconds; what is still sending then goes back to the queue.", valueName: "SECONDS"))
  var grace: Double = 20

  @Flag(help: "Print the report as JSON.") var json = false

  func validate() throws {
    guard interval >= 0.1 && interval <= 3600 else { throw ValidationError("--interval must be from 0.1 to 3600 seconds") }
    guard grace >= 0 && grace <= 3600 else { throw ValidationError("--grace must be from 0 to 3600 seconds") }
  }

  func run() async throws {
    let mailroom = try options.mailroom()
    let relay = try mailroom.relay(override: smtp)
    // Leftovers of a run that was killed go back to the queue: at least once, never lost.
    let start = try mailroom.startDelivery()
    if start.recovered > 0 && !json { Terminal.warn("Returned \(start.recovered) message(s) left in active/ by an interrupted run to the queue.") }
    for warning in start.interruptedSends { Terminal.warning(warning) }
    let session = mailroom.deliverySession(relay: relay, onWarning: { Terminal.warning($0) })

    guard watch else {
      let interrupts = Terminal.onInterrupt {
        Terminal.warn("\nStopping: messages in flight finish; the rest stays in the Outbox for herald deliver.")
        session.stop()
      }
      defer { interrupts.forEach { $0.cancel() } }
      // The count (a listing of queue/) only for a progress line someone sees.
      let progress = Terminal.colours(STDERR_FILENO) && !json ? ProgressLine(total: try mailroom.queuedCount(), start: Date()) : nil
      let report = try await BlockingWork.runOnThread(named: "herald-deliver") { session.run(onResult: { progress?.record($0.outcome) }) }
      progress?.clear()
      try DeliveryReportOutput.print(report, json: json)
      if report.paused != nil { throw ExitCode.failure }
      return
    }

    if !json { Terminal.say("Watching \(Terminal.display(mailroom.workspace.outboxDirectory)) (every \(interval.formatted()) s); Ctrl-C stops.") }
    let total = Shared(Deliverer.Report())
    let service = DeliveryService(session: session, interval: .milliseconds(Int64(interval * 1000))) { [json] event in
      if case .ran(let report) = event { total.withLock { $0.add(report) } }
      DeliveryEvents.report(event, json: json)
    }
    try await ServiceProcess.run([service], gracePeriod: .milliseconds(Int64(grace * 1000)), logger: options.logger)
    var summed = total.value
    summed.paused = nil
    try DeliveryReportOutput.print(summed, json: json)
  }
}
