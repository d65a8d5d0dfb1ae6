import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldInbox
import HeraldStore

extension InquiryStatus: ExpressibleByArgument {}

struct InquiriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inquiries",
    abstract: "The questions journalists sent back: list, read, assign, note, answer.",
    discussion: "An inquiry is new, open, waiting, answered or closed. A reply (--file REPLY.md) goes out through the Outbox, threaded to the question, and the inquiry becomes answered.",
    subcommands: [List.self, Show.self, Assign.self, Note.self, Status.self, Reply.self],
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
      let formatter = ISO8601DateFormatter()
      Terminal.table([["ID", "STATUS", "RECEIVED", "FROM", "SUBJECT", "RELEASE", "ASSIGNEE"]] + inquiries.map { inquiry in
        [
          "\(inquiry.id)", inquiry.status.rawValue, formatter.string(from: inquiry.createdAt),
          (inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress) + (inquiry.organization.map { ", \($0)" } ?? ""),
          inquiry.subject.shortened(to: 50), inquiry.release ?? "-", inquiry.assignee ?? "-",
        ]
      })
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
      let formatter = ISO8601DateFormatter()
      // Everything but the numbers and dates was written by others: printed safe.
      Terminal.say(Terminal.paint("Inquiry \(inquiry.id): \(Terminal.safe(inquiry.subject))", .bold))
      let from = inquiry.fromName.map { "\($0) <\(inquiry.fromAddress)>" } ?? inquiry.fromAddress
      Terminal.say("From      \(Terminal.safe(from + (inquiry.organization.map { ", \($0)" } ?? "")))")
      Terminal.say("Status    \(inquiry.status.rawValue)\(inquiry.assignee.map { ", assigned to \(Terminal.safe($0))" } ?? "")")
      if let release = inquiry.release { Terminal.say("Release   \(Terminal.safe(release))") }
      if let due = inquiry.dueAt { Terminal.say("Due       \(formatter.string(from: due))") }
      for entry in entries {
        Terminal.say()
        let who = Terminal.safe(entry.author ?? "-")
        switch entry.kind {
        case .message: Terminal.say(Terminal.paint("\(formatter.string(from: entry.at))  \(who) wrote:", .bold))
        case .reply: Terminal.say(Terminal.paint("\(formatter.string(from: entry.at))  \(who) replied:", .bold))
        case .note: Terminal.say(Terminal.paint("\(formatter.string(from: entry.at))  note by \(who):", .dim))
        case .status: Terminal.say(Terminal.paint("\(formatter.string(from: entry.at))  \(who) set the status to \(Terminal.safe(entry.text))", .dim)); continue
        case .assign: Terminal.say(Terminal.paint("\(formatter.string(from: entry.at))  \(who) assigned it to \(Terminal.safe(entry.text))", .dim)); continue
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

  struct Reply: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reply", abstract: "Answer an inquiry: REPLY.md (Markdown) is sent through the Outbox, threaded to the question.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The inquiry's number.") var id: Int64
    @Option(help: ArgumentHelp("The reply, in Markdown.", valueName: "REPLY.md")) var file: String
    @Option(help: ArgumentHelp("The relay for this run, overriding herald.yml.", valueName: "URL")) var smtp: String?
    @Flag(name: .customLong("queue-only"), help: "Write it to the Outbox; leave sending to herald deliver.") var queueOnly = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      guard let data = FileManager.default.contents(atPath: file), let markdown = String(validating: data, as: UTF8.self) else {
        throw CommandFailure("cannot read \(file) as UTF-8 text; write the reply in a Markdown file")
      }
      let mailroom = try options.mailroom()
      let inbox = try Inbox(mailroom: mailroom, logger: options.logger)
      // Sent at once when a relay is named (--smtp or herald.yml), unless --queue-only.
      let relay = queueOnly ? nil : try mailroom.configuredRelay(override: smtp)
      let session = relay.map { mailroom.deliverySession(relay: $0, onWarning: { Terminal.warning($0) }) }
      let sent = try inbox.reply(to: id, markdown: markdown, author: InquiriesCommand.author, session: session)
      if json {
        try JSONOutput.print(InquiryReplyJSON(inquiry: id, messageID: sent.messageID, to: sent.to, delivered: sent.delivered))
        return
      }
      Terminal.say("Reply to inquiry \(id) written to the Outbox for \(Terminal.safe(sent.to)) (Message-ID <\(sent.messageID)>).")
      switch sent.delivered {
      case .sent?: Terminal.say("Sent.")
      case .deferred?: Terminal.say("The relay deferred it; herald deliver retries it.")
      case .failed?: Terminal.warning("the relay refused it; see herald outbox list --state failed")
      case nil: Terminal.say(relay == nil && !queueOnly ? "No relay is configured: herald deliver --smtp URL sends it." : "herald deliver sends it.")
      }
    }
  }
}
