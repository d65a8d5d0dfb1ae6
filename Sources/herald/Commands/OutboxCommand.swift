import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery

struct OutboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outbox", abstract: "What the Outbox holds: messages by state and by campaign, and the next retry.",
    subcommands: [Summary.self, List.self, Show.self, Retry.self, Hold.self, Release.self, Purge.self],
    defaultSubcommand: Summary.self)

  /// Opens the workspace's Outbox.
  static func open(_ options: WorkspaceOptions) throws -> Outbox {
    try options.value.openOutbox(logger: options.logger)
  }

  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Counts by state and campaign, and the next retry.")
    @OptionGroup var options: WorkspaceOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let outbox = try OutboxCommand.open(options)
      let counts = try outbox.counts()
      let next = try outbox.nextDeferredAttempt()
      let scheduled = try outbox.scheduled()
      let states = Outbox.State.allCases
      for warning in EnqueueMark.interrupted(outbox: outbox) { Terminal.warning(warning) }
      if json {
        try JSONOutput.print(OutboxSummaryJSON(counts, nextRetry: next, scheduled: scheduled))
        return
      }
      guard counts.total > 0 else {
        Terminal.say("The Outbox is empty.")
        return
      }
      var rows = [["CAMPAIGN"] + states.map { $0.rawValue.uppercased() }]
      for (campaign, byState) in counts.byCampaign.sorted(by: { $0.key < $1.key }) {
        rows.append([campaign.rawValue] + states.map { "\(byState[$0] ?? 0)" })
      }
      rows.append(["total"] + states.map { "\(counts.byState[$0] ?? 0)" })
      Terminal.table(rows, rightAligned: Set(1...states.count))
      // Scheduled messages wait in deferred/ too: say which, and when they go, in the workspace's zone.
      let time = try options.localTime()
      for (campaign, waiting) in scheduled.sorted(by: { $0.key < $1.key }) {
        Terminal.say("Scheduled: \(waiting.count.formatted()) of \(campaign), from \(EmbargoTime.readable(waiting.first, in: time.timeZone)) (herald deliver sends them then)")
      }
      if let next { Terminal.say("Next retry: \(time.precise(next))") }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The messages, oldest first.")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: "Only this state.") var state: Outbox.State?
    @Option(help: "Only this campaign.") var campaign: CampaignID?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let outbox = try OutboxCommand.open(options)
      let entries = try outbox.list(state: state, campaign: campaign)
      if json {
        try JSONOutput.print(entries.map(OutboxEntryJSON.init))
        return
      }
      Terminal.table([["ID", "STATE", "CAMPAIGN", "RECIPIENT", "ATTEMPTS", "LAST REPLY"]] + entries.map {
        [$0.message.id, $0.state.rawValue, $0.message.campaign.rawValue, $0.message.recipient, "\($0.message.attempts.count)", $0.message.attempts.last?.reply ?? ""]
      })
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One message: envelope, every attempt with its reply, the message.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message id.") var id: String

    func run() throws {
      let outbox = try OutboxCommand.open(options)
      let entry = try outbox.message(id: id)
      let m = entry.message
      let time = try options.localTime()
      Terminal.say("Id         \(m.id)\nState      \(entry.state.rawValue)\nCampaign   \(m.campaign)\nFrom       <\(Terminal.safe(m.sender))>\nTo         <\(Terminal.safe(m.recipient))>")
      Terminal.say("Created    \(time.precise(m.created))\nNext try   \(time.precise(m.nextAttempt))")
      for attempt in m.attempts { Terminal.say("Attempt    \(time.precise(attempt.at))  \(attempt.outcome.rawValue)  \(Terminal.safe(attempt.reply))") }
      Terminal.say()
      // The message as spooled, its CRLF line ends as lines; anything else safe.
      Terminal.say(Terminal.safe(String(decoding: m.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")))
    }
  }

  struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Make deferred messages due now (one, or --all).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message id.") var id: String?
    @Flag(help: "Every deferred message.") var all = false
    func validate() throws { guard (id != nil) != all else { throw ValidationError("give a message id, or --all") } }
    func run() throws {
      let outbox = try OutboxCommand.open(options)
      if let id {
        try outbox.retry(id)
        Terminal.say("\(id) is due now; herald deliver sends it.")
      } else {
        let count = try outbox.retryAll()
        Terminal.say("\(count) deferred message(s) are due now; herald deliver sends them.")
      }
    }
  }

  struct Hold: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hold", abstract: "Keep messages from being sent (one, or --campaign C).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message id.") var id: String?
    @Option(help: "Every waiting message of this campaign.") var campaign: CampaignID?
    func validate() throws { guard (id != nil) != (campaign != nil) else { throw ValidationError("give a message id, or --campaign C") } }
    func run() throws {
      let outbox = try OutboxCommand.open(options)
      if let id {
        try outbox.hold(id)
        Terminal.say("Held \(id).")
      }
      if let campaign { Terminal.say("Held \(try outbox.hold(campaign: campaign)) message(s) of \(campaign).") }
    }
  }

  struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Let held messages go again (one, or --campaign C).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message id.") var id: String?
    @Option(help: "Every held message of this campaign.") var campaign: CampaignID?
    func validate() throws { guard (id != nil) != (campaign != nil) else { throw ValidationError("give a message id, or --campaign C") } }
    func run() throws {
      let outbox = try OutboxCommand.open(options)
      if let id {
        try outbox.release(id)
        Terminal.say("Released \(id).")
      }
      if let campaign { Terminal.say("Released \(try outbox.release(campaign: campaign)) message(s) of \(campaign).") }
    }
  }

  struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge", abstract: "Delete finished messages older than an age.")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: "sent or failed.") var state: Outbox.State
    @Option(name: .customLong("older-than"), help: ArgumentHelp("Age, like 30d, 12h or 90m (a bare number is days).", valueName: "AGE")) var olderThan: Age
    func validate() throws {
      guard [.sent, .failed].contains(state) else { throw ValidationError("purge removes only sent or failed messages, not \(state.rawValue)") }
    }
    func run() throws {
      let outbox = try OutboxCommand.open(options)
      let count = try outbox.purge(state: state, olderThan: Date().addingTimeInterval(-olderThan.seconds))
      Terminal.say("Deleted \(count) \(state.rawValue) message(s) older than \(olderThan.description).")
    }
  }
}
