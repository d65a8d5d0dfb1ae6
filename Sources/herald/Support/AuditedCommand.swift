import ArgumentParser
import Foundation
import HeraldStore
import HeraldWorkspace

/// A command that says what it does to the workspace, for the audit: `Herald.main` records
/// the commands that change something (who, from where, what, on what, and how it ended)
/// after they run, so no command's body has a call of its own. Every command conforms; the
/// ones that change nothing declare `.readOnly` (`herald audit --commands` lists them all,
/// and a test fails on one that does not conform).
protocol AuditedCommand: ParsableCommand {
  /// What the command does, as the audit records it.
  var audit: CommandAudit { get }
  /// The workspace whose store records it (nil: none to record in).
  var auditedWorkspace: Workspace? { get }
}

/// What a command does to the workspace, as the audit records it.
enum CommandAudit {
  /// It changes nothing: it is not recorded.
  case readOnly
  /// It does `action` to `target`, with a short detail.
  case records(AuditAction, target: CommandAuditTarget = .none, detail: String = "")
}

/// What a command acts on, as its arguments name it.
enum CommandAuditTarget {
  /// Nothing in particular.
  case none
  /// A text as the audit writes it ("release x.md", "list press-en", "inquiry 4").
  case text(String)
  /// A subscriber's address: recorded as their number (looked up before the command runs,
  /// so that forgetting them still names them), or as a hash when the store knows none.
  case address(String)
}

/// Commands that work on `--workspace` record in its store.
protocol WorkspaceCommand {
  var options: WorkspaceOptions { get }
}

extension AuditedCommand where Self: WorkspaceCommand {
  var auditedWorkspace: Workspace? { options.value }
}
