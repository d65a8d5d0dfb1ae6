import ArgumentParser
import Foundation
import HeraldCompose
import HeraldDelivery
import HeraldMail
import HeraldStore

struct SendCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "send",
    abstract: "Send a release to its lists: check, confirm, compose and enqueue every message, deliver.",
    discussion: """
      Every message is written to the Outbox before anything is sent, so none is lost: what \
      cannot go now is retried by herald deliver.
      """
  )

  @OptionGroup var options: WorkspaceOptions
  @Argument(help: ArgumentHelp("The release file.", valueName: "RELEASE.md")) var release: String
  @Option(name: .long, help: ArgumentHelp("A list to send to (repeat for several; default: the release's lists).", valueName: "NAME"))
  var list: [String] = []
  @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?
  @Option(help: ArgumentHelp(
    "Send at this time instead of now (a date and time with a zone, like 2026-12-01T09:00:00+01:00); herald deliver sends them then.",
    valueName: "TIME"))
  var at: String?
  @Flag(name: .customLong("dry-run"), help: "Show what would happen; send nothing.") var dryRun = false
  @Flag(name: .customLong("queue-only"), help: "Compose and enqueue, but leave delivery to herald deliver.") var queueOnly = false
  @Flag(help: "Do not ask for confirmation (for scripts).") var yes = false
  @Flag(help: "Send also to those who already received this release.") var again = false
  @Option(name: .customLong("correction-of"), help: ArgumentHelp(
    "Send this release as a correction to exactly those an earlier campaign reached (still subscribed, not suppressed).",
    valueName: "CAMPAIGN"))
  var correctionOf: String?
  @Flag(help: "Print the report as JSON.") var json = false

  func run() throws {
    let loaded = try reportingErrors { try LoadedRelease(path: release, options: options) }
    let composed = loaded.composed
    let diagnostics = ReleaseChecker.diagnostics(for: composed)
    if diagnostics.contains(where: { $0.severity == .error }) {
      Terminal.report(diagnostics)
      throw ValidationError("the release has errors (above); nothing was sent")
    }
    let sendAt = try at.map { text -> Date in
      guard let date = Release.parseInstant(text) else {
        throw ValidationError("--at “\(text)” is not a date and time with a zone; write it like 2026-12-01T09:00:00+01:00")
      }
      return date
    }
    if let embargo = composed.release.embargo, embargo > (sendAt ?? Date()) {
      throw ValidationError("the release is under embargo until \(ISO8601DateFormatter().string(from: embargo)); nothing was sent. Send it later, or schedule it with --at \(ISO8601DateFormatter().string(from: embargo)) or later")
    }
    let scheduled = sendAt.map { $0 > Date() } ?? false
    if correctionOf != nil && !list.isEmpty {
      throw ValidationError("--correction-of goes to that campaign's recipients; leave out --list")
    }
    let lists = list.isEmpty ? composed.release.lists : list
    let audience: SubscriberStore.Audience = correctionOf.map { .campaign($0) } ?? .lists(lists)
    if case .lists = audience, lists.isEmpty { throw ValidationError("the release names no lists; pass --list NAME") }
    let relay = (dryRun || queueOnly || scheduled) ? nil : try DeliveryRun.relay(smtp, workspace: loaded.workspace, configuration: composed.configuration)
    let store = try reportingErrors { try options.store() }
    // A correction is its own release in the delivery log, so a second correction of the
    // same campaign skips those who have it, as a second send of a release does.
    let releaseKey = correctionOf == nil ? composed.release.slug : "\(composed.release.slug)-correction"
    let outbox = try reportingErrors { try Outbox(directory: loaded.workspace.outboxDirectory) }
    if let original = correctionOf {
      // A correction goes to those the original reached; it must not overtake the original.
      let waiting = try reportingErrors { try outbox.counts() }.byCampaign[original].map { counts in
        [Outbox.State.queue, .active, .deferred, .hold].reduce(0) { $0 + (counts[$1] ?? 0) }
      } ?? 0
      if waiting > 0 {
        throw ValidationError("campaign \(original) still has \(waiting.formatted()) message(s) waiting in the Outbox; send the correction once they are delivered or failed (herald deliver, herald outbox)")
      }
    }
    let signer = try MessageSigning.signer(workspace: loaded.workspace, configuration: composed.configuration)
    // Messages of this release already in the Outbox count as received: those still
    // waiting, and those sent just before a crash whose row the delivery log (written in
    // batches) did not get.
    let inOutbox: Set<Int64> = again ? [] : try reportingErrors {
      Set(try outbox.envelopes(in: [.queue, .active, .deferred, .hold, .sent])
        .filter { Campaign.release(of: $0.message.campaign) == releaseKey }
        .compactMap { $0.message.subscriber.flatMap(Int64.init) })
    }
    let count = try reportingErrors { try store.recipientCount(audience, excludingReceived: again ? nil : releaseKey) }
    var inOutboxOnly = 0  // in the Outbox, not (yet) in the delivery log
    if !inOutbox.isEmpty {
      _ = try reportingErrors {
        try store.forEachRecipient(audience, excludingReceived: releaseKey) { if inOutbox.contains($0.subscriber.id) { inOutboxOnly += 1 } }
      }
    }
    let recipients = count.recipients - inOutboxOnly

    if !json {
      Terminal.say(Terminal.paint("Subject    ", .bold) + composed.release.subject)
      if let correctionOf {
        Terminal.say(Terminal.paint("Correction ", .bold) + "of campaign \(correctionOf): to those it reached who are still subscribed")
      } else {
        Terminal.say(Terminal.paint("Lists      ", .bold) + lists.joined(separator: ", "))
      }
      let notes = [
        count.suppressed > 0 ? "\(count.suppressed.formatted()) suppressed left out" : nil,
        count.alreadyReceived > 0 ? "\(count.alreadyReceived.formatted()) already received it; --again to include them" : nil,
        inOutboxOnly > 0 ? "\(inOutboxOnly.formatted()) have it in the Outbox already (waiting, or sent just before an interruption)" : nil,
      ].compactMap { $0 }
      Terminal.say(Terminal.paint("Recipients ", .bold) + "\(recipients.formatted())" + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
      Terminal.say(Terminal.paint("DKIM       ", .bold) + (signer.map { "\($0.selector)._domainkey.\($0.domain) (\($0.key.algorithm.rawValue))" } ?? "none: messages go out unsigned (herald dkim keygen makes a key)"))
      Terminal.say(Terminal.paint("Relay      ", .bold) + (relay?.url ?? (dryRun ? "none: --dry-run" : scheduled ? "herald deliver, at \(ISO8601DateFormatter().string(from: sendAt!))" : "none: --queue-only")))
    }
    if dryRun {
      if json { try printJSON(["recipients": recipients, "suppressed": count.suppressed, "already_received": count.alreadyReceived, "lists": lists, "sent": 0]) }
      return
    }
    guard recipients > 0 else {
      throw ValidationError(count.alreadyReceived + inOutboxOnly > 0 ? "everyone already received this release; add --again to send it anyway" : "no one to send to: \(correctionOf == nil ? "the lists have no subscribed members" : "no one the campaign reached is still subscribed")")
    }
    if !yes {
      guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("add --yes to send without a terminal to confirm on") }
      FileHandle.standardOutput.write(Data("Send to \(recipients.formatted()) recipients? [y/N] ".utf8))
      guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
        Terminal.say("Nothing was sent.")
        return
      }
    }

    // Compose and enqueue every message, each durable before it can be sent; delivery
    // starts with the first batch, on its own threads, and takes what is enqueued.
    let campaign = Campaign.name(release: releaseKey, at: Date())
    let sender = (composed.release.from ?? composed.configuration.from).address
    let session = relay.map { DeliverySession(outbox: outbox, relay: $0, policy: DeliveryRun.policy(composed.configuration), store: store) }
    let enqueueing = InterruptFlag()  // set when enqueueing has ended
    let delivery = session.map { session in
      Background { session.run(total: recipients, producing: { !enqueueing.isSet }) }
    }
    // A scheduled send is dated, and ages for the retry policy, from when it goes out.
    let now = sendAt.map { max($0, Date()) } ?? Date()
    try reportingErrors { try EnqueueMark.begin(campaign, release: release, recipients: recipients, outbox: outbox.directory) }
    let writer = CampaignWriter(composed: composed, campaign: campaign, sender: sender, signer: signer, outbox: outbox, date: now)
    let (enqueued, enqueueError) = writer.write(skipping: inOutbox) { body in
      try store.forEachRecipient(audience, excludingReceived: again ? nil : releaseKey, body)
    }
    enqueueing.set()
    if enqueueError == nil { EnqueueMark.end(campaign, release: release, outbox: outbox.directory) }
    let report = delivery?.wait()
    if let enqueueError {
      // What was enqueued is in the Outbox (and being sent); the rest was never written.
      Terminal.warn("error: only \(enqueued.formatted()) of \(recipients.formatted()) messages could be enqueued: \(enqueueError)")
      Terminal.warn("The \(enqueued.formatted()) enqueued are in the Outbox\(report == nil ? "" : " (sent or retried by herald deliver)"). Fix the problem and run herald send again: it reaches only those who have not received the release.")
      throw ExitCode.failure
    }
    if !json {
      Terminal.say("Enqueued \(enqueued.formatted()) messages as campaign \(campaign).")
      if scheduled {
        Terminal.say("They go out at \(ISO8601DateFormatter().string(from: now)) with the next herald deliver (from cron, or a herald deliver --watch that keeps running).")
      }
    }
    guard let report else {
      if json { try printJSON(["campaign": campaign, "enqueued": enqueued]) }
      return
    }
    try DeliveryReportOutput.print(report, json: json)
    let written = try reportingErrors {
      try CampaignReport.write(
        campaign: campaign, subject: composed.release.subject, lists: correctionOf == nil ? lists : ["correction of \(correctionOf!)"], enqueued: enqueued, report: report,
        outbox: loaded.workspace.outboxDirectory)
    }
    if !json { Terminal.say("Report: \(Terminal.display(written))") }
    if report.paused != nil { throw ExitCode.failure }
  }
}
