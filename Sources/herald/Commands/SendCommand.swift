import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

struct SendCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "send",
    abstract: "Send a release to its lists: check, confirm, compose and enqueue every message, deliver.",
    discussion: """
      Every message is written to the Outbox before anything is sent, so none is lost: what \
      cannot go now is retried by herald deliver.
      """
  )

  @OptionGroup var options: WorkspaceOptions
  @Argument(help: ArgumentHelp("The release file (any of its translations), or its slug.", valueName: "RELEASE.md")) var release: String
  @Option(name: .long, help: ArgumentHelp("A list to send to (repeat for several; default: the release's lists).", valueName: "NAME"))
  var list: [String] = []
  @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?
  @Option(help: ArgumentHelp(
    "Send at this time instead of now (a date and time with a zone, like 2026-12-01T09:00:00+01:00); herald deliver sends them then.",
    valueName: "TIME"))
  var at: Instant?
  @Flag(name: .customLong("dry-run"), help: "Show what would happen; send nothing.") var dryRun = false
  @Flag(name: .customLong("queue-only"), help: "Compose and enqueue, but leave delivery to herald deliver.") var queueOnly = false
  @Flag(help: "Do not ask for confirmation (for scripts).") var yes = false
  @Flag(help: "Send also to those who already received this release.") var again = false
  @Option(name: .customLong("correction-of"), help: ArgumentHelp(
    "Send this release as a correction to exactly those an earlier campaign reached (still subscribed, not suppressed).",
    valueName: "CAMPAIGN"))
  var correctionOf: CampaignID?
  @Option(name: .customLong("where"), help: ArgumentHelp(
    "Send only to members whose field equals (=), contains (~) or differs from (!=) a value, without case (repeat: all must hold).",
    valueName: "FIELD=VALUE"), transform: { try SendCommand.condition($0) })
  var conditions: [SubscriberCondition] = []
  @Flag(help: "Print the report as JSON.") var json = false
  @Option(name: .customLong("test-to"), help: ArgumentHelp(
    "Send only a test copy, marked [TEST], to these addresses (comma-separated): exactly what one subscriber would get. Recorded as no delivery.",
    valueName: "ADDRESS[,ADDRESS]"))
  var testTo: String?
  @Option(name: .customLong("as"), help: ArgumentHelp("With --test-to: the subscriber whose message it is (default: the first recipient).", valueName: "EMAIL"))
  var testAs: String?
  @Flag(name: .customLong("list-recipients"), help: "With --dry-run: list who would get it.") var listRecipients = false

  static func condition(_ text: String) throws -> SubscriberCondition {
    do {
      return try SubscriberCondition(parsing: text)
    } catch let error as StoreError {
      throw ValidationError(error.message)
    }
  }

  func validate() throws {
    if correctionOf != nil && !list.isEmpty {
      throw ValidationError("--correction-of goes to that campaign's recipients; leave out --list")
    }
    if correctionOf != nil && !conditions.isEmpty {
      throw ValidationError("--correction-of goes to exactly those that campaign reached, who met its conditions; leave out --where")
    }
    if dryRun && queueOnly { throw ValidationError("--dry-run sends nothing; leave out --queue-only") }
    if listRecipients && !dryRun { throw ValidationError("--list-recipients lists who a --dry-run would send to; add --dry-run") }
    try validateTestCopy()
  }

  func run() async throws {
    if testTo != nil { return try await sendTestCopy() }
    let mailroom = try options.mailroom()
    var request = CampaignRequest(release: release)
    request.lists = list
    request.correctionOf = correctionOf
    request.sendAt = at?.date
    request.again = again
    request.conditions = conditions
    let plan: CampaignPlan
    do {
      plan = try mailroom.plan(request)
    } catch let error as CampaignError where error.code == .releaseHasErrors {
      Terminal.report(error.diagnostics)
      throw CampaignError(.releaseHasErrors, "the release has errors (above); nothing was sent")
    }
    // The relay is checked before asking, so that a missing one is found before anything is written.
    let relay = dryRun || queueOnly ? nil : try mailroom.relay(for: plan, override: smtp)
    if !json { printSummary(plan, relay: relay) }
    if dryRun {
      if json {
        var recipients: [RecipientJSON] = []
        try mailroom.forEachRecipient(of: plan) { recipients.append(RecipientJSON($0)) }
        try JSONOutput.print(SendPlanJSON(plan, recipientList: recipients))
      } else if listRecipients {
        try printRecipients(of: plan, mailroom: mailroom)
      }
      return
    }
    if let reason = plan.nothingToSend { throw CampaignError(.nothingToSend, reason) }
    if !yes {
      guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("there is no terminal to confirm the send on: add --yes to send; nothing was sent") }
      FileHandle.standardOutput.write(Data("Send to \(plan.recipients.formatted()) recipients? [y/N] ".utf8))
      guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
        Terminal.say("Nothing was sent.")
        return
      }
    }

    let progress = Terminal.colours(STDERR_FILENO) && !json ? ProgressLine(total: plan.recipients, start: Date()) : nil
    let session = relay.map { mailroom.deliverySession(relay: $0, onWarning: { Terminal.warning($0) }) }
    let interrupts = session.map { session in
      Terminal.onInterrupt {
        Terminal.warn("\nStopping: messages in flight finish; the rest stays in the Outbox for herald deliver.")
        session.stop()
      }
    }
    defer { interrupts?.forEach { $0.cancel() } }
    let result = try await mailroom.send(plan, session: session, onResult: { progress?.record($0.outcome) })
    progress?.clear()

    if !json {
      Terminal.say("Enqueued \(result.enqueued.formatted()) messages as campaign \(result.campaign).")
      if let embargo = plan.embargo {
        Terminal.say(Self.embargoLine(embargo, plan: plan))
      } else if plan.scheduled {
        Terminal.say("They go out at \(ISO8601DateFormatter().string(from: plan.date)) with the next herald deliver (from cron, or a herald deliver --watch that keeps running).")
      }
    }
    let archive = ArchiveJSON(result, site: mailroom.site)
    if !json, let published = result.published {
      Terminal.say("Published to the archive at \(archive.url ?? "")"
        + (published.visibleFrom > Date() ? " (from \(ISO8601DateFormatter().string(from: published.visibleFrom)))" : "")
        + ": \(result.publishing.explanation).")
    } else if !json, !result.publishing.publishes {
      Terminal.say("Not published to the archive: \(result.publishing.explanation).")
    }
    if let problem = result.publishProblem { Terminal.warning("the release was sent but not published to the web archive: \(problem); run herald publish") }
    guard let report = result.delivery else {
      if json {
        try JSONOutput.print(
          EnqueuedJSON(campaign: result.campaign, enqueued: result.enqueued, archive: archive, embargo: plan.embargo.map(EmbargoJSON.init)))
      }
      return
    }
    try DeliveryReportOutput.print(
      report, json: json, campaign: result.campaign, enqueued: result.enqueued, archive: archive, embargo: plan.embargo.map(EmbargoJSON.init))
    if !json, let file = result.reportFile { Terminal.say("Report: \(Terminal.display(file))") }
    if report.paused != nil { throw ExitCode.failure }
  }

  /// What an embargoed send did: who got a marked copy, and who waits for the lift.
  static func embargoLine(_ embargo: EmbargoedSend, plan: CampaignPlan) -> String {
    let zone = plan.composed.settings.timeZone
    let copies = embargo.copies == 0 ? "No embargoed copies (no list it goes to takes them)"
      : "\(embargo.copies.formatted()) embargoed copies (marked “\(plan.composed.settings.embargoPrefix) …”) "
        + (plan.date > Date() ? "go at \(EmbargoTime.readable(plan.date, in: zone))" : "go now")
        + " to \(embargo.copyLists.joined(separator: ", "))"
    let rest = embargo.atLift == 0 ? "no one waits for the lift"
      : "\(embargo.atLift.formatted()) are scheduled for the lift, \(embargo.time.readable(in: zone)), and wait in the Outbox until herald deliver sends them then"
    return copies + "; " + rest + "."
  }

  private func printSummary(_ plan: CampaignPlan, relay: RelayConfiguration?) {
    func row(_ label: String, _ value: String) {
      Terminal.say(Terminal.paint(label.padding(toLength: 11, withPad: " ", startingAt: 0), .bold) + Terminal.safe(value))
    }
    row("Subject", plan.composed.release.subject)
    if plan.family.family.isTranslated {
      // Each reader gets their language: theirs, else their list's, else the first.
      row("Languages", plan.family.family.languages.map { "\(LanguageTag.autonym($0)) (\($0))" }.joined(separator: ", ") + ": each reader in theirs, else the first")
    }
    if let original = plan.correctionOf {
      row("Correction", "of campaign \(original): to those it reached who are still subscribed")
    } else {
      row("Lists", plan.lists.joined(separator: ", "))
    }
    if !plan.conditions.isEmpty { row("Where", SubscriberCondition.sentence(plan.conditions)) }
    let notes = [
      plan.suppressed > 0 ? "\(plan.suppressed.formatted()) suppressed left out" : nil,
      plan.alreadyReceived > 0 ? "\(plan.alreadyReceived.formatted()) already received it; --again to include them" : nil,
      plan.inOutbox > 0 ? "\(plan.inOutbox.formatted()) have it in the Outbox already (waiting, or sent just before an interruption)" : nil,
    ].compactMap { $0 }
    row("Recipients", "\(plan.recipients.formatted())" + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
    // Each list, with who it leaves out and why (the desk's plan shows the same figures).
    for figures in plan.listFigures {
      let left = [
        figures.unsubscribed > 0 ? "\(figures.unsubscribed.formatted()) unsubscribed" : nil,
        figures.bounced > 0 ? "\(figures.bounced.formatted()) bounced" : nil,
        figures.pending > 0 ? "\(figures.pending.formatted()) not confirmed" : nil,
        figures.suppressedAddress > 0 ? "\(figures.suppressedAddress.formatted()) address suppressed" : nil,
        figures.suppressedDomain > 0 ? "\(figures.suppressedDomain.formatted()) domain suppressed" : nil,
      ].compactMap { $0 }
      row("  " + figures.list, "\(figures.reachable.formatted()) of \(figures.subscribed.formatted()) subscribed"
        + (left.isEmpty ? "" : "; left out: " + left.joined(separator: ", ")))
    }
    if let embargo = plan.embargo {
      let zone = plan.composed.settings.timeZone
      row("Embargo", "until \(embargo.time.readable(in: zone)): \(embargo.copies.formatted()) embargoed copies now"
        + (embargo.copyLists.isEmpty ? " (no list takes embargoed copies: lists update NAME --embargoed-copies)" : " (\(embargo.copyLists.joined(separator: ", ")))")
        + ", \(embargo.atLift.formatted()) at the lift" + (embargo.liftLists.isEmpty ? "" : " (\(embargo.liftLists.joined(separator: ", ")))"))
    }
    row("DKIM", plan.signers.isEmpty
      ? "none: messages go out unsigned (herald dkim keygen makes a key)"
      : plan.signers.map { "\(DKIMRecord(signer: $0).name) (\($0.key.algorithm.rawValue))" }.joined(separator: ", "))
    let relayText = relay?.url ?? (dryRun ? "none: --dry-run" : plan.scheduled ? "herald deliver, at \(ISO8601DateFormatter().string(from: plan.embargo?.lift ?? plan.date))" : "none: --queue-only")
    row("Relay", relayText)
    row("Archive", (plan.publishing.publishes ? "published when sent: " : "not published: ") + plan.publishing.explanation)
    for warning in plan.sendingWarnings { Terminal.warning(warning) }
  }
}
