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
  @Flag(name: .customLong("dry-run"), help: "Show what would happen; send nothing.") var dryRun = false
  @Flag(name: .customLong("queue-only"), help: "Compose and enqueue, but leave delivery to herald deliver.") var queueOnly = false
  @Flag(help: "Do not ask for confirmation (for scripts).") var yes = false
  @Flag(help: "Send also to those who already received this release.") var again = false
  @Flag(help: "Print the report as JSON.") var json = false

  func run() throws {
    let loaded = try reportingErrors { try LoadedRelease(path: release, options: options) }
    let composed = loaded.composed
    let diagnostics = ReleaseChecker.diagnostics(for: composed)
    if diagnostics.contains(where: { $0.severity == .error }) {
      Terminal.report(diagnostics)
      throw ValidationError("the release has errors (above); nothing was sent")
    }
    if let embargo = composed.release.embargo, embargo > Date() {
      throw ValidationError("the release is under embargo until \(ISO8601DateFormatter().string(from: embargo)); nothing was sent")
    }
    let lists = list.isEmpty ? composed.release.lists : list
    guard !lists.isEmpty else { throw ValidationError("the release names no lists; pass --list NAME") }
    let relay = (dryRun || queueOnly) ? nil : try DeliveryRun.relay(smtp, configuration: composed.configuration)
    let store = try reportingErrors { try options.store() }
    let (members, suppressed) = try reportingErrors { try store.recipientCount(of: lists) }
    // Sending the same release again reaches only those who have not received it.
    let alreadySent = again ? [] : try reportingErrors { try store.subscribersAlreadySent(release: composed.release.slug) }
    var recipients = members
    if !alreadySent.isEmpty {
      recipients = 0
      try reportingErrors { try store.forEachRecipient(of: lists) { if !alreadySent.contains($0.subscriber.id) { recipients += 1 } } }
    }

    if !json {
      Terminal.say(Terminal.paint("Subject    ", .bold) + composed.release.subject)
      Terminal.say(Terminal.paint("Lists      ", .bold) + lists.joined(separator: ", "))
      let notes = [
        suppressed > 0 ? "\(suppressed.formatted()) suppressed left out" : nil,
        members - recipients > 0 ? "\((members - recipients).formatted()) already received it; --again to include them" : nil,
      ].compactMap { $0 }
      Terminal.say(Terminal.paint("Recipients ", .bold) + "\(recipients.formatted())" + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
      Terminal.say(Terminal.paint("Relay      ", .bold) + (relay?.url ?? (queueOnly ? "none: --queue-only" : "none: --dry-run")))
    }
    if dryRun {
      if json { try printJSON(["recipients": recipients, "suppressed": suppressed, "lists": lists, "sent": 0]) }
      return
    }
    guard recipients > 0 else {
      throw ValidationError(members > 0 ? "everyone on these lists already received this release; add --again to send it anyway" : "no one to send to: the lists have no subscribed members")
    }
    if !yes {
      guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("add --yes to send without a terminal to confirm on") }
      FileHandle.standardOutput.write(Data("Send to \(recipients.formatted()) recipients? [y/N] ".utf8))
      guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
        Terminal.say("Nothing was sent.")
        return
      }
    }

    // Compose and enqueue every message first: durable before any is sent.
    let outbox = try reportingErrors { try Outbox(directory: loaded.workspace.outboxDirectory) }
    let campaign = Campaign.name(release: composed.release.slug, at: Date())
    let sender = (composed.release.from ?? composed.configuration.from).address
    var batch: [OutboxMessage] = []
    var enqueued = 0
    let now = Date()
    try reportingErrors {
      try store.forEachRecipient(of: lists) { recipient in
        let subscriber = recipient.subscriber
        if alreadySent.contains(subscriber.id) { return }
        let person = Recipient(
          mailbox: Mailbox(name: subscriber.name, address: subscriber.email), organization: subscriber.organization,
          attributes: subscriber.attributes, subscriberID: String(subscriber.id))
        let message = composed.message(for: person, list: recipient.list, stamp: MessageStamp(date: now, unique: OutboxMessage.makeID(now: now).lowercased()))
        batch.append(OutboxMessage(
          campaign: campaign, sender: sender, recipient: subscriber.email, subscriber: String(subscriber.id), list: recipient.list,
          created: now, bytes: message.bytes))
        if batch.count == 1000 {
          try outbox.enqueue(batch)
          enqueued += batch.count
          batch.removeAll(keepingCapacity: true)
        }
      }
      try outbox.enqueue(batch)
      enqueued += batch.count
    }
    if !json { Terminal.say("Enqueued \(enqueued.formatted()) messages as campaign \(campaign).") }
    guard let relay else {
      if json { try printJSON(["campaign": campaign, "enqueued": enqueued]) }
      return
    }
    let report = DeliveryRun.run(outbox: outbox, relay: relay, total: enqueued, store: store)
    try DeliveryReportOutput.print(report, json: json)
    let written = try reportingErrors {
      try CampaignReport.write(
        campaign: campaign, subject: composed.release.subject, lists: lists, enqueued: enqueued, report: report,
        outbox: loaded.workspace.outboxDirectory)
    }
    if !json { Terminal.say("Report: \(Terminal.display(written))") }
    if report.paused != nil { throw ExitCode.failure }
  }
}
