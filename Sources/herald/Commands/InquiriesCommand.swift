import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDesk
import HeraldInbox
import HeraldStore

extension InquiryStatus: ExpressibleByArgument {}
extension InquiryPriority: ExpressibleByArgument {}

struct InquiriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inquiries",
    abstract: "The questions journalists sent back: list, read, assign, note, answer.",
    discussion: "An inquiry is new, open, waiting, answered or closed. A reply (--file REPLY.md) goes out through the Outbox, threaded to the question, and the inquiry becomes answered.",
    subcommands: [List.self, Show.self, Assign.self, Note.self, Status.self, Due.self, Priority.self, Reply.self, Remind.self],
    defaultSubcommand: List.self,
    aliases: ["inquiry"])

  /// Who is doing this, for the thread: $HERALD_USER, else the login name.
  static var author: String {
    let environment = ProcessInfo.processInfo.environment
    return environment["HERALD_USER"] ?? environment["USER"] ?? "press office"
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Inquiries, newest first.")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: "Only this status.") var status: InquiryStatus?
    @Option(help: ArgumentHelp("Only those about this release (its slug, or its file).", valueName: "RELEASE")) var release: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let store = try options.store()
      let slug = release.map { Release.slug(naming: $0) }
      let inquiries = try store.inquiries(status: status, release: slug)
      if json {
        try JSONOutput.print(inquiries.map { InquiryJSON($0) })
        return
      }
      guard !inquiries.isEmpty else {
        Terminal.say(status == nil && slug == nil ? "No inquiries yet. Replies come in with herald inbox fetch or herald inbox import." : "No inquiries match.")
        return
      }
      // Fits an 80-column terminal: the organisation in a column of its own, the long
      // columns shortened; `show` has everything, `--json` too (UTC).
      let time = try options.localTime()
      // The deadline has a column of its own; the priority is in `show` and `--json`.
      Terminal.table([["ID", "STATUS", "RECEIVED", "DUE", "FROM", "ORGANISATION", "SUBJECT", "ASSIGNEE"]] + inquiries.map { inquiry in
        [
          "\(inquiry.id)", inquiry.status.rawValue, time.short(inquiry.createdAt), inquiry.dueAt.map { time.short($0) } ?? "-",
          inquiry.fromName ?? inquiry.fromAddress, inquiry.organization ?? "-", inquiry.subject, inquiry.assignee ?? "-",
        ]
      }, shrinking: [4: 8, 5: 12, 6: 8, 7: 6])
      Terminal.say("Received in \(time.zone()). The whole thread: herald inquiries show ID")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One inquiry and its whole thread.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let (inquiry, entries) = try options.store().inquiry(id)
      if json {
        try JSONOutput.print(InquiryJSON(inquiry, thread: entries))
        return
      }
      let time = try options.localTime()
      // Everything but the numbers and dates was written by others: printed safe.
      Terminal.say(Terminal.paint("Inquiry \(inquiry.id): \(Terminal.safe(inquiry.subject))", .bold))
      let from = inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress
      Terminal.say("From      \(Terminal.safe(from + (inquiry.organization.map { ", \($0)" } ?? "")))")
      Terminal.say("Status    \(inquiry.status.rawValue)\(inquiry.assignee.map { ", assigned to \(Terminal.safe($0))" } ?? "")")
      if let release = inquiry.release { Terminal.say("Release   \(Terminal.safe(release))") }
      Terminal.say("Received  \(time.string(inquiry.createdAt))")
      if let answered = inquiry.firstAnswerAt {
        Terminal.say("Answered  \(time.string(answered)), \(LocalTime.span(answered.timeIntervalSince(inquiry.createdAt))) after it came in")
      }
      if let due = inquiry.dueAt { Terminal.say("Due       \(time.string(due))") }
      if inquiry.priority != .normal { Terminal.say("Priority  \(inquiry.priority.rawValue)") }
      for entry in entries {
        Terminal.say()
        let who = Terminal.safe(entry.author ?? "-")
        switch entry.kind {
        case .message: Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) wrote:", .bold))
        case .reply: Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) replied:", .bold))
        case .note: Terminal.say(Terminal.paint("\(time.string(entry.at))  note by \(who):", .dim))
        case .status: Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) set the status to \(Terminal.safe(entry.text))", .dim)); continue
        case .assign: Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) assigned it to \(Terminal.safe(entry.text))", .dim)); continue
        case .deadline:
          let due = ISO8601DateFormatter().date(from: entry.text).map { time.string($0) } ?? "none"
          Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) set the deadline to \(due)", .dim)); continue
        case .priority: Terminal.say(Terminal.paint("\(time.string(entry.at))  \(who) set the priority to \(Terminal.safe(entry.text))", .dim)); continue
        }
        Terminal.say(Terminal.safe(entry.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        for attachment in entry.attachments { Terminal.say("  attachment: \(Terminal.safe(attachment))") }
      }
    }
  }

  struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Give an inquiry to someone.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Argument(help: "Who answers it.") var who: String

    func run() throws {
      let inquiry = try options.store().assignInquiry(id, to: who, by: InquiriesCommand.author)
      Terminal.say("Inquiry \(inquiry.id) is assigned to \(who) (\(inquiry.status.rawValue)).")
    }
  }

  struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note for colleagues to an inquiry.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Argument(help: "The note.") var text: String

    func validate() throws {
      guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the note is empty") }
    }

    func run() throws {
      _ = try options.store().noteInquiry(id, text, by: InquiriesCommand.author)
      Terminal.say("Noted on inquiry \(id).")
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Set an inquiry's status: new, open, waiting, answered or closed.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Argument(help: "new, open, waiting, answered or closed.") var status: InquiryStatus

    func run() throws {
      _ = try options.store().setInquiryStatus(id, status, by: InquiriesCommand.author)
      Terminal.say("Inquiry \(id) is \(status.rawValue).")
    }
  }

  struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "due", abstract: "Set when an inquiry must be answered by: 14:00 (today), 2026-12-08 14:00, or none.",
      discussion: "Times are in herald.yml's time_zone. The assignee, when a desk user, is reminded by email before it (desk.notify.reminders, 1h by default).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Argument(help: ArgumentHelp("14:00 (today), 2026-12-08 14:00, or none.", valueName: "WHEN")) var when: String

    func run() throws {
      let time = try options.localTime()
      let deadline: InquiryDeadline
      do {
        deadline = try InquiryDeadline(parsing: when, now: Date(), timeZone: time.timeZone)
      } catch let problem as InquiryDeadline.Problem {
        throw ValidationError(problem.description)
      }
      _ = try options.store().setInquiryDue(id, deadline.date, by: InquiriesCommand.author)
      Terminal.say(deadline.date.map { "Inquiry \(id) is due at \(time.string($0))." } ?? "Inquiry \(id) has no deadline.")
    }
  }

  struct Priority: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "priority", abstract: "Set how pressing an inquiry is: normal, high or urgent.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Argument(help: "normal, high or urgent.") var priority: InquiryPriority

    func run() throws {
      _ = try options.store().setInquiryPriority(id, priority, by: InquiriesCommand.author)
      Terminal.say("Inquiry \(id) is \(priority.rawValue).")
    }
  }

  struct Remind: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remind",
      abstract: "Write the reminders of deadlines that are near to the Outbox (for cron; herald serve does it every minute).",
      discussion: "An assignee who is a desk user gets one email per deadline, desk.notify.reminders before it (1h by default; off turns reminders off). herald deliver sends them.")
    @OptionGroup var options: WorkspaceOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let mailroom = try options.mailroom()
      let desk = mailroom.configuration.desk
      guard let lead = desk.reminderLead else {
        if json { try JSONOutput.print(InquiryRemindJSON(reminded: [])) } else { Terminal.say("Reminders are off (desk.notify.reminders in herald.yml).") }
        return
      }
      let reminders = InquiryReminders(
        mailroom: mailroom, lead: lead, link: { DeskServer.inquiryAddress($0, base: desk.address) }, logger: options.logger)
      let reminded = try reminders.run(now: mailroom.clock.now)
      if json {
        try JSONOutput.print(InquiryRemindJSON(reminded: reminded))
        return
      }
      Terminal.say(reminded.isEmpty ? "No reminders are due." : "Reminders written to the Outbox for inquiries \(reminded.map(String.init).joined(separator: ", ")); herald deliver sends them.")
    }
  }

  struct Reply: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reply",
      abstract: "Answer an inquiry: REPLY.md (Markdown) is shown, then sent through the relay, threaded to the question.",
      discussion: """
        The reply keeps its line breaks as written, and the question is quoted below it \
        (herald.yml's replies.quote_question, or --no-quote). On a terminal Herald asks before \
        it sends; --yes sends without asking, --dry-run only shows it. Like herald send, it \
        needs a relay (--smtp or herald.yml's relay:) unless --queue-only leaves it in the \
        Outbox for herald deliver.
        """)
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Option(help: ArgumentHelp("The reply, in Markdown.", valueName: "REPLY.md")) var file: String
    @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?
    @Flag(name: .customLong("queue-only"), help: "Write it to the Outbox; leave sending to herald deliver.") var queueOnly = false
    @Flag(name: .customLong("dry-run"), help: "Show the reply as it would be sent; send nothing.") var dryRun = false
    @Flag(help: "Send without asking (for scripts).") var yes = false
    @Flag(inversion: .prefixedNo, help: "Quote the question below the answer (default: herald.yml's replies.quote_question, on).") var quote: Bool?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
        throw CommandFailure("\(file): no such file; write the reply in a Markdown file and give its path with --file")
      }
      guard let data = FileManager.default.contents(atPath: file), let markdown = String(validating: data, as: UTF8.self) else {
        throw CommandFailure("cannot read \(file) as UTF-8 text; save the reply as UTF-8")
      }
      let mailroom = try options.mailroom()
      let inbox = try Inbox(mailroom: mailroom, logger: options.logger)
      // Like herald send: it goes now, through a relay, unless it is only to be queued.
      let relay = queueOnly || dryRun ? nil : try mailroom.relay(override: smtp)
      let draft = try inbox.draftReply(to: id, markdown: markdown, quotingQuestion: quote ?? mailroom.configuration.replies.quoteQuestion)
      if json && dryRun {
        try JSONOutput.print(InquiryReplyDraftJSON(draft))
        return
      }
      if !json { show(draft, relay: relay?.url) }
      if dryRun {
        Terminal.say("Nothing was sent (--dry-run).")
        return
      }
      if !yes {
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("there is no terminal to confirm the reply on: add --yes to send it; nothing was sent") }
        FileHandle.standardOutput.write(Data("Send this reply to \(Terminal.safe(draft.to.address))? [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
          Terminal.say("Nothing was sent.")
          return
        }
      }
      let session = relay.map { mailroom.deliverySession(relay: $0, onWarning: { Terminal.warning($0) }) }
      let sent = try inbox.send(draft, author: InquiriesCommand.author, session: session)
      if json {
        try JSONOutput.print(InquiryReplyJSON(inquiry: id, messageID: sent.messageID, to: sent.to, delivered: sent.delivered))
        return
      }
      Terminal.say("Reply to inquiry \(id) written to the Outbox for \(Terminal.safe(sent.to)) (Message-ID <\(sent.messageID)>).")
      switch sent.delivered {
      case .sent?: Terminal.say("Sent.")
      case .deferred?: Terminal.say("The relay deferred it; herald deliver retries it.")
      case .failed?: Terminal.warning("the relay refused it; see herald outbox list --state failed")
      case nil: Terminal.say("herald deliver sends it.")
      }
    }

    /// The reply as it will go: who to, the subject, the relay, and the text part.
    private func show(_ draft: Inbox.ReplyDraft, relay: String?) {
      Terminal.say("To        \(Terminal.safe(draft.to.name.map { "\($0) <\(draft.to.address)>" } ?? draft.to.address))")
      Terminal.say("Subject   \(Terminal.safe(draft.subject))")
      Terminal.say("Relay     \(relay ?? (dryRun ? "none: --dry-run" : "none: --queue-only (herald deliver sends it)"))")
      Terminal.say()
      Terminal.say(Terminal.safe(draft.composed.text.trimmingCharacters(in: .newlines)))
      Terminal.say()
    }
  }

}
