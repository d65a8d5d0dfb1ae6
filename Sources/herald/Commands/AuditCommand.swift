import ArgumentParser
import Foundation
import HeraldCompose
import HeraldCore
import HeraldStore

/// `herald audit`: who did what, from the desk and the command line, newest first — the same
/// query as the desk's audit page (`SubscriberStore.auditEntries`).
struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Who did what, when, from where: the audit of the desk and the command line, newest first.",
    discussion: """
      Every command that changes the workspace, and every form sent in the desk, is recorded with \
      who did it ($HERALD_USER, else the login name, for the command line), from where, on what, \
      and how it ended. The record cannot be changed; "herald audit prune" drops old entries.
      """,
    subcommands: [List.self, Prune.self], defaultSubcommand: List.self)

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The entries, newest first (the default).")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("Only what this person did (a desk user's name, a login name).", valueName: "NAME")) var actor: String?
    @Option(help: ArgumentHelp("Only this action, like outbox.hold (see --actions).", valueName: "ACTION")) var action: AuditAction?
    @Option(help: ArgumentHelp("Only what was done to this, like \"release x.md\" or \"subscriber 42\".", valueName: "TARGET"))
    var target: String?
    @Option(help: ArgumentHelp("Only since this day (2026-12-01, UTC), time (2026-12-01T09:00:00+01:00) or age (7d, 12h).", valueName: "WHEN"))
    var since: AuditSince?
    @Option(help: "At most this many.") var limit = 100
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "List the actions that can be filtered on.") var actions = false
    @Flag(help: .hidden) var commands = false

    func run() throws {
      if actions {
        for action in AuditAction.allCases { Terminal.say(action.rawValue) }
        return
      }
      if commands {
        // Every command and whether it is audited: its test fails on a state-changing
        // command that does not say.
        for (path, command) in AuditCommand.leaves(Herald.self, path: "herald") {
          Terminal.say("\(path)\t\(command is any AuditedCommand.Type ? "declared" : "UNDECLARED")")
        }
        return
      }
      guard limit > 0 else { throw ValidationError("--limit takes a positive number") }
      let filter = AuditFilter(actor: actor, action: action, target: target, since: since?.date(now: Date()))
      let entries = try options.store().auditEntries(filter, limit: limit)
      if json {
        try JSONOutput.print(entries.map(AuditEntryJSON.init))
        return
      }
      guard !entries.isEmpty else {
        Terminal.say("No entries.")
        return
      }
      let time = try options.localTime()
      // Names, targets and details came from people and forms: printed safe.
      Terminal.table([["WHEN", "WHO", "FROM", "WHAT", "ON", "OUTCOME", "DETAIL"]] + entries.map {
        [time.precise($0.at), Terminal.safe($0.actor.name), Terminal.safe($0.origin), $0.action.rawValue, Terminal.safe($0.target),
         $0.outcome.rawValue, Terminal.safe($0.detail)]
      })
    }
  }

  struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "prune", abstract: "Drop the entries older than a day: the one way the audit shrinks (the pruning is recorded).")
    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("Drop entries before this day (2026-01-01, UTC) or time.", valueName: "DAY")) var before: AuditSince

    func run() throws {
      let dropped = try options.store().pruneAudit(before: before.date(now: Date()))
      Terminal.say("Dropped \(dropped.formatted()) audit \(dropped == 1 ? "entry" : "entries") before \(before).")
    }
  }

  /// Every command that runs (a leaf, or a parent with a default), with its words.
  static func leaves(_ command: any ParsableCommand.Type, path: String) -> [(String, any ParsableCommand.Type)] {
    let configuration = command.configuration
    let children = configuration.subcommands.flatMap { leaves($0, path: path + " " + ($0.configuration.commandName ?? "\($0)")) }
    return children.isEmpty ? [(path, command)] : children
  }
}

/// A point in time for `--since` and `--before`: a day (UTC), a time with its zone, or an age.
struct AuditSince: ExpressibleByArgument, CustomStringConvertible {
  private enum Value {
    case date(Date)
    case age(TimeInterval)
  }

  private let value: Value
  let description: String

  init?(argument: String) {
    description = argument
    if let age = Age(argument: argument), argument.last.map({ !$0.isNumber }) == true {
      value = .age(age.seconds)
    } else if let date = Release.parseInstant(argument) {
      value = .date(date)
    } else if let match = argument.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/),
      let date = DateComponents(
        calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: Int(match.1), month: Int(match.2),
        day: Int(match.3)
      ).date
    {
      value = .date(date)
    } else {
      return nil
    }
  }

  /// The time it means at `now`.
  func date(now: Date) -> Date {
    switch value {
    case .date(let date): return date
    case .age(let seconds): return now - seconds
    }
  }
}

extension AuditAction: ExpressibleByArgument {}

/// An audit entry as `herald audit --json` prints it.
struct AuditEntryJSON: Encodable {
  var id: Int64
  var at: Date
  var actorKind: String
  @Nullable var actorUser: Int64?
  var actor: String
  var origin: String
  var action: String
  var target: String
  var outcome: String
  var detail: String

  init(_ entry: AuditEntry) {
    id = entry.id
    at = entry.at
    actorKind = entry.actor.kind.rawValue
    actorUser = entry.actor.user?.rawValue
    actor = entry.actor.name
    origin = entry.origin
    action = entry.action.rawValue
    target = entry.target
    outcome = entry.outcome.rawValue
    detail = entry.detail
  }

  enum CodingKeys: String, CodingKey {
    case id, at, actor, origin, action, target, outcome, detail
    case actorKind = "actor_kind"
    case actorUser = "actor_user"
  }
}
