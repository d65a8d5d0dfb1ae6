import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore

struct SubscribersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subscribers",
    abstract: "Add, show, unsubscribe, suppress and forget subscribers.",
    subcommands: [Add.self, Show.self, Unsubscribe.self, Suppress.self, Unsuppress.self, Forget.self],
    aliases: ["subscriber"]
  )

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an address to a list (or update its details).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The email address.") var email: String
    @Option(help: "The list to add it to.") var list: String
    @Option(help: "The person's name.") var name: String?
    @Option(help: "Their organisation.") var organization: String?
    @Option(help: "Their language, like de.") var language: String?
    @Flag(help: "They must still confirm (double opt-in).") var pending = false
    @Flag(help: "Let an address that unsubscribed or bounced back in (only with their fresh consent).") var resubscribe = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      // Names go into header fields: a line break, a NUL or a bidirectional control is cleaned here, and said.
      func cleaned(_ value: String?, _ option: String) -> String? {
        guard let value else { return nil }
        let result = SubscriberText.cleaned(value)
        if let found = result.found { Terminal.warning("\(option) had \(found)") }
        return result.text.isEmpty ? nil : result.text
      }
      let (subscriber, change) = try options.store().addSubscriber(
        email: email, name: cleaned(name, "--name"), organization: cleaned(organization, "--organization"),
        language: cleaned(language, "--language"), list: list, status: pending ? .pending : .subscribed,
        source: .commandLine("herald subscribers add"), resubscribe: resubscribe)
      if json {
        try JSONOutput.print(SubscriberAddedJSON(email: subscriber.email, id: subscriber.id, list: list, change: change.rawValue))
      } else {
        let what = change == .added ? "Added" : change == .updated ? "Updated" : "Already there:"
        Terminal.say("\(what) \(Terminal.safe(subscriber.email)) on \(Terminal.safe(list))\(pending ? " (pending confirmation)" : "").")
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A subscriber's lists, statuses and consent history.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The email address.") var email: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let store = try options.store()
      // The same record as the desk's subscriber page (one implementation).
      let record = try store.record(email: email)
      let (profile, deliveries) = (record.profile, record.deliveries)
      if json {
        try JSONOutput.print(SubscriberProfileJSON(record))
        return
      }
      let s = profile.subscriber
      let time = try options.localTime()
      // Names, attributes, evidence (a browser's User-Agent) and a relay's replies were
      // written by others: printed safe.
      Terminal.say(Terminal.paint(Terminal.safe(s.name.map { "\($0) <\(s.email)>" } ?? s.email), .bold))
      if let organization = s.organization { Terminal.say("Organization  \(Terminal.safe(organization))") }
      if let language = s.language { Terminal.say("Language      \(Terminal.safe(language))") }
      for (key, value) in s.attributes.sorted(by: { $0.key < $1.key }) {
        Terminal.say("\(Terminal.safe(key.padding(toLength: 13, withPad: " ", startingAt: 0))) \(Terminal.safe(value))")
      }
      Terminal.say("Since         \(time.precise(s.createdAt))")
      if let suppressed = profile.suppressed { Terminal.say(Terminal.paint("Suppressed    \(Terminal.safe(suppressed)): never sent to", .red)) }
      Terminal.say()
      Terminal.table([["LIST", "STATUS", "SINCE", "EVIDENCE"]] + profile.memberships.map {
        [$0.list, $0.status.rawValue, time.precise($0.changedAt), $0.source.description]
      })
      Terminal.say()
      Terminal.say(Terminal.paint("History", .bold))
      for event in profile.history {
        // A request that changed no state says so: the status is the one it left as it was.
        let what = event.kind == .request ? "requested (stayed \(event.status.rawValue) until confirmed)" : event.status.rawValue
        Terminal.say("  \(time.precise(event.at))  \(event.list ?? "-")  \(what)  \(Terminal.safe(event.source.description))")
      }
      if !deliveries.isEmpty {
        Terminal.say()
        Terminal.say(Terminal.paint("Deliveries", .bold))
        for delivery in deliveries {
          Terminal.say("  \(time.precise(delivery.at))  \(delivery.release)  \(delivery.outcome)  \(Terminal.safe(delivery.reply))")
        }
      }
      if !record.returned.isEmpty {
        Terminal.say()
        Terminal.say(Terminal.paint("Bounces and complaints", .bold))
        for item in record.returned {
          Terminal.say("  \(time.precise(item.receivedAt))  \(item.kind)  message \(item.id)  \(Terminal.safe(item.reason))")
        }
      }
      if !record.inquiries.isEmpty {
        Terminal.say()
        Terminal.say(Terminal.paint("Inquiries", .bold))
        for inquiry in record.inquiries {
          Terminal.say("  \(time.precise(inquiry.createdAt))  #\(inquiry.id)  \(inquiry.status.rawValue)  \(Terminal.safe(inquiry.subject))")
        }
      }
    }
  }

  struct Unsubscribe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unsubscribe", abstract: "Unsubscribe an address from a list, or from all.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The email address.") var email: String
    @Option(help: "The list.") var list: String?
    @Flag(help: "Every list the address is on.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      guard (list != nil) != all else { throw ValidationError("say which list: --list NAME, or --all") }
    }

    func run() throws {
      let lists = try options.store().unsubscribe(email: email, list: list, source: .commandLine("herald subscribers unsubscribe"))
      if json { try JSONOutput.print(UnsubscribedJSON(email: email, unsubscribedFrom: lists)); return }
      Terminal.say(Terminal.safe(lists.isEmpty ? "\(email) was already unsubscribed." : "Unsubscribed \(email) from \(lists.joined(separator: ", "))."))
    }
  }

  struct Suppress: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "suppress", abstract: "Never send to an address, or to a whole domain (@example.com).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: ArgumentHelp("The address, or @domain.", valueName: "EMAIL|@DOMAIN")) var target: String
    @Option(help: "Why, for whoever looks later.") var reason: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let suppression = try options.store().suppress(target, reason: reason)
      if json { try JSONOutput.print(SuppressionJSON(kind: suppression.kind.rawValue, value: suppression.value, reason: suppression.reason)); return }
      Terminal.say(Terminal.safe("Suppressed \(suppression.kind == .domain ? "every address at " : "")\(suppression.value): \(suppression.reason)."))
    }
  }

  struct Unsuppress: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "unsuppress", abstract: "Lift the suppression of an address or a domain (@example.com).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: ArgumentHelp("The address, or @domain.", valueName: "EMAIL|@DOMAIN")) var target: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let removed = try options.store().unsuppress(target)
      if json { try JSONOutput.print(UnsuppressedJSON(unsuppressed: target, removed: removed)); return }
      Terminal.say("\(target) is no longer suppressed; it can be added to lists again.")
    }
  }

  struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "forget",
      abstract: "Erase a subscriber's personal data; keep only a hash so the address is not imported again.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The email address.") var email: String
    @Flag(help: "Confirm: this cannot be undone.") var yes = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      guard yes else { throw ValidationError("forgetting \(email) erases their data for good; add --yes to do it") }
    }

    func run() throws {
      try options.store().forget(email: email)
      if json { try JSONOutput.print(ForgottenJSON(forgotten: email)); return }
      Terminal.say("Forgot \(email): their data is erased; a hash is kept so they are not imported again.")
    }
  }
}
