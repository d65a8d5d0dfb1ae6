import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore
import HeraldWorkspace
import Logging

/// Records a command that changes the workspace in its store's audit, where commands are
/// run (`Herald.main`): who ($HERALD_USER, else the login name), from where ("command line
/// on HOST (TTY)"), what, on what, and how it ended (done: exit 0; failed: anything else).
///
/// Nothing is recorded when the workspace has no store yet: the audit never makes one (a
/// mistyped --workspace is not made into a workspace, and `herald check` on a new workspace
/// still finds no store). So `herald init`, and a command run before any that opens the
/// store, are not recorded. A failure to write the audit is a warning: it does not undo, or
/// fail, what the command did.
struct CommandAuditRecorder {
  let action: AuditAction
  let workspace: Workspace
  let target: CommandAuditTarget
  let detail: String
  /// The subscriber's number, looked up before the command ran (forget removes it).
  private var subscriber: Int64?

  /// A recorder for `command`, or nil when it changes nothing.
  init?(_ command: any ParsableCommand) {
    guard let audited = command as? any AuditedCommand, case .records(let action, let target, let detail) = audited.audit,
      let workspace = audited.auditedWorkspace
    else { return nil }
    self.action = action
    self.workspace = workspace
    self.target = target
    self.detail = detail
    if case .address(let email) = target, hasStore { subscriber = Self.subscriberNumber(email, in: workspace) }
  }

  /// Whether the workspace has a store to record in.
  var hasStore: Bool { workspace.exists && FileManager.default.fileExists(atPath: workspace.databaseFile.path) }

  /// Records the command's outcome.
  func finish(_ outcome: AuditOutcome, problem: String? = nil) {
    guard hasStore else { return }
    do {
      let store = try workspace.openStore(logger: Logger(label: "herald.audit"))
      var targetText = ""
      switch target {
      case .none: break
      case .text(let text): targetText = text
      case .address(let email):
        // Added by the command: its number now; otherwise a hash, never the address.
        let number = subscriber ?? (try? store.subscriber(address: email))?.id.rawValue
        targetText = number.map(AuditTarget.subscriber) ?? AuditTarget.address(email)
      }
      var details = [detail, problem ?? ""].filter { !$0.isEmpty }.joined(separator: "; ")
      if details.count > 300 { details = String(details.prefix(300)) }
      try store.recordAudit(
        AuditEntry(
          at: Date(), actor: AuditActor(kind: .cli, name: Self.who()), origin: Self.origin(), action: action, target: targetText,
          outcome: outcome, detail: details))
    } catch {
      Terminal.warning("the audit could not record this command: \(error)")
    }
  }

  private static func subscriberNumber(_ email: String, in workspace: Workspace) -> Int64? {
    guard let store = try? workspace.openStore(logger: Logger(label: "herald.audit")) else { return nil }
    return (try? store.subscriber(address: email))?.id.rawValue
  }

  /// Who runs the command: $HERALD_USER (a shared account names the person), else the
  /// login name.
  static func who(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let named = environment["HERALD_USER"]?.trimmingCharacters(in: .whitespacesAndNewlines), !named.isEmpty { return named }
    if let login = getlogin() { return String(cString: login) }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(getuid())"
  }

  /// "command line on HOST (TTY)", or without the terminal when there is none (cron, CI).
  static func origin() -> String {
    let host = ProcessInfo.processInfo.hostName
    guard isatty(STDIN_FILENO) == 1, let tty = ttyname(STDIN_FILENO) else { return "command line on \(host)" }
    return "command line on \(host) (\(String(cString: tty)))"
  }
}
