import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldInbox
import HeraldStore
import ServiceLifecycle

extension InboundClass: ExpressibleByArgument {}
extension MboxReader.Format: ExpressibleByArgument {}

struct InboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inbox",
    abstract: "What comes back: replies, bounces, complaints, auto-replies, unsubscribes. Read them, list them, correct them.",
    discussion: """
      Each message is read once (by Message-ID, or its bytes), kept in Inbox/, classified, tied \
      to the release it answers, and acted on: a bounce marks the address bounced (and \
      suppresses a mailbox that is gone), a complaint suppresses, an emailed unsubscribe \
      unsubscribes, a question becomes an inquiry (herald inquiries).
      """,
    subcommands: [List.self, Import.self, Fetch.self, Show.self, Reclassify.self],
    defaultSubcommand: List.self)

  /// Prints what reading one message did: a line for people, or a JSON object per line.
  static func report(_ outcome: Inbox.Outcome, json: Bool) {
    let record = outcome.record
    if json {
      // One line per message, as it is read.
      try? JSONOutput.printLine(InboxOutcomeJSON(outcome))
      return
    }
    // The sender, the subject and a bounce's diagnostics were written by others: printed safe.
    let who = Terminal.safe(record.fromAddress ?? "(no sender)")
    let subject = record.subject.map { "“\(Terminal.safe($0.shortened(to: 60)))”" } ?? "(no subject)"
    if outcome.duplicate {
      Terminal.say("  seen before     \(who)  \(subject)")
      return
    }
    var line = "  " + record.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0) + " \(who)  \(subject)"
    if let release = record.release { line += "  [\(release)]" }
    if let inquiry = outcome.inquiry { line += "  → inquiry \(inquiry)" }
    Terminal.say(line)
    for recipient in outcome.recipients {
      Terminal.say(Terminal.safe("      \(recipient.address) \(recipient.status ?? "") \(recipient.action): \(recipient.resultDescription)"))
    }
  }

  static func summary(_ summary: Inbox.Summary, json: Bool) {
    guard !json else { return }
    let parts = InboundClass.allCases.compactMap { kind in summary.read[kind].map { "\($0) \(kind.rawValue)" } }
    Terminal.say("Read \(summary.total.formatted()) new message\(summary.total == 1 ? "" : "s")" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
      + (summary.duplicates > 0 ? "; \(summary.duplicates.formatted()) seen before" : "")
      + (summary.failed > 0 ? "; \(summary.failed.formatted()) could not be read or kept (see the warnings; importing again tries them again)" : "") + ".")
  }

  /// Says that a message could not be read or kept (on standard error: standard output
  /// stays one JSON object per message read).
  static func failure(_ failure: Inbox.Failure) {
    Terminal.warning("\(failure.origin) was not read: \(failure.error)")  // warning prints it safe
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Messages read, newest first.")
    @OptionGroup var options: WorkspaceOptions
    @Option(name: .customLong("class"), help: "Only this class: bounce, complaint, auto-reply, unsubscribe, inquiry, unreadable.") var kind: InboundClass?
    @Option(help: "At most this many.") var limit = 50
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let store = try options.store()
      let records = try store.inboundMessages(kind: kind, limit: limit)
      if json {
        try JSONOutput.print(records.map(InboundListItemJSON.init))
        return
      }
      guard !records.isEmpty else {
        Terminal.say("Nothing read yet: herald inbox fetch (with an inbox: section in herald.yml) or herald inbox import PATH.")
        return
      }
      let time = try options.localTime()
      Terminal.table([["ID", "CLASS", "RECEIVED \(time.zone())", "FROM", "SUBJECT", "RELEASE"]] + records.map {
        ["\($0.id)", $0.kind.rawValue, time.short($0.importedAt), $0.fromAddress ?? "-", $0.subject ?? "", $0.release ?? "-"]
      }, shrinking: [3: 16, 4: 16, 5: 12])
      let counts = try store.inboundCounts()
      Terminal.say()
      Terminal.say(InboundClass.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", "))
    }
  }

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import", abstract: "Read .eml files, folders of them, Maildirs (new/ and cur/) and mbox files.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: ArgumentHelp("The files and folders, read in this order.", valueName: "PATH")) var paths: [String]
    @Option(help: "How an mbox quotes “From ” lines: mboxrd (the default) or mboxo.") var format: MboxReader.Format = .mboxrd
    @Flag(help: "Print one JSON object per message read.") var json = false

    func run() throws {
      let source = try MailSource.detect(paths: paths, mboxFormat: format)
      let inbox = try Inbox(mailroom: try options.mailroom(), logger: options.logger)
      let summary = try inbox.importMessages(from: source, onMessage: { InboxCommand.report($0, json: json) }, onFailure: InboxCommand.failure)
      InboxCommand.summary(summary, json: json)
      if summary.failed > 0 { throw ExitCode.failure }
    }
  }

  struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fetch", abstract: "Read the new mail of the IMAP mailbox herald.yml's inbox: names (nothing is marked as read unless inbox.after says so).")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The mailbox for this run, overriding herald.yml (imaps://host/INBOX).", valueName: "URL")) var imap: String?
    @Flag(help: "Keep reading every --interval, until SIGINT or SIGTERM.") var watch = false
    @Option(help: ArgumentHelp("With --watch, how often to look, in seconds (default: inbox.interval, 5 minutes).", valueName: "SECONDS")) var interval: Double?
    @Flag(help: "Print one JSON object per message read.") var json = false

    func validate() throws {
      if let interval, !(1...86_400).contains(interval) { throw ValidationError("--interval must be from 1 to 86400 seconds") }
    }

    func run() async throws {
      let mailroom = try options.mailroom()
      let mailbox = try mailroom.mailbox(override: imap)
      let settings = mailroom.configuration.inbox
      let inbox = try Inbox(mailroom: mailroom, logger: options.logger)
      let after = settings?.after ?? .keep
      guard watch else {
        let summary = try await BlockingWork.runOnThread(named: "herald-imap") { [json] in
          try inbox.fetch(mailbox, after: after, onMessage: { InboxCommand.report($0, json: json) }, onFailure: InboxCommand.failure)
        }
        InboxCommand.summary(summary, json: json)
        if summary.failed > 0 { throw ExitCode.failure }
        return
      }
      let every = interval ?? settings?.interval ?? 300
      if !json { Terminal.say("Watching \(Inbox.redacted(mailbox.url)) (every \(TimeSpan.describe(every))); Ctrl-C stops.") }
      let service = InboxFetchService(
        inbox: inbox, mailbox: mailbox, after: after, interval: .milliseconds(Int64(every * 1000)), onEvent: InboxEvents.report(json: json))
      try await ServiceProcess.run([service], logger: options.logger)
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One message read: its class, why, what it changed, and its text.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message's number (herald inbox).") var id: Int64
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let store = try options.store()
      let record = try store.inbound(id: id)
      let actions = try store.inboundActions(id)
      if json {
        try JSONOutput.print(InboundMessageJSON(record, actions: actions))
        return
      }
      // What the message said of itself was written by others: printed safe.
      Terminal.say(Terminal.paint("Message \(record.id): \(record.kind.rawValue)", .bold) + " (\(Terminal.safe(record.reason)))")
      Terminal.say("From      \(Terminal.safe(record.fromName.map { "\($0) <\(record.fromAddress ?? "")>" } ?? record.fromAddress ?? "-"))")
      Terminal.say("Subject   \(Terminal.safe(record.subject ?? "-"))")
      let time = try options.localTime()
      Terminal.say("Received  \(time.string(record.importedAt))" + (record.receivedAt == record.importedAt ? "" : " (its Date: says \(time.string(record.receivedAt)))"))
      if let release = record.release { Terminal.say("Release   \(Terminal.safe(release))") }
      Terminal.say("File      \(Terminal.safe(record.rawFile))")
      for action in actions {
        let what = "\(action.address ?? "")\(action.list.map { " on \($0)" } ?? "")\(action.detail.isEmpty ? "" : ": \(action.detail)")"
        Terminal.say("Changed   \(action.kind.rawValue) \(Terminal.safe(what))\(action.undoneAt == nil ? "" : " (undone)")")
      }
    }
  }

  struct Reclassify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reclassify", abstract: "Correct a message's class: what it changed is undone, what the new class does is done.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The message's number (herald inbox).") var id: Int64
    @Argument(help: "bounce, complaint, auto-reply, unsubscribe, inquiry or unreadable.") var kind: InboundClass
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let inbox = try Inbox(mailroom: try options.mailroom(), logger: options.logger)
      let outcome = try inbox.reclassify(id, as: kind, by: InquiriesCommand.author)
      if json {
        InboxCommand.report(outcome, json: true)
        return
      }
      Terminal.say("Message \(id) is now \(kind.rawValue); what it did before is undone.")
      InboxCommand.report(outcome, json: false)
    }
  }
}
