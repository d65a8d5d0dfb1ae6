import Foundation
import HeraldStore
import HeraldWorkspace

// What every command does, for the audit, in one place: a new command must be added here
// (`herald audit --commands` names one that is not, and its test fails).

extension InitCommand: AuditedCommand {
  var audit: CommandAudit { .records(.workspaceInit, target: .text("workspace")) }
  // The workspace it makes or completes: recorded when it has a store already (running
  // init again on a workspace in use); a new one has none, and the audit makes none.
  var auditedWorkspace: Workspace? { Workspace(root: URL(fileURLWithPath: directory, isDirectory: true)) }
}

extension NewCommand: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.releaseNew, detail: title) }
}
extension CheckCommand: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension PreviewCommand: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension ReportCommand: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension SinkCommand: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
// serve is a process, not an action: what its desk changes is recorded per request, with
// the desk user who asked.
extension ServeCommand: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension AuditCommand.List: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension AuditCommand.Prune: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.auditPrune, detail: "before \(before)") }
}

extension SendCommand: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { dryRun ? .readOnly : .records(.send, target: .text(AuditTarget.release(release))) }
}
extension DeliverCommand: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.deliver, detail: watch ? "--watch" : "") }
}
extension PublishCommand: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.publish, target: .text(AuditTarget.release(release)), detail: withdraw ? "withdrawn" : "") }
}

extension ListsCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension ListsCommand.Export: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension ListsCommand.Create: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.listCreate, target: .text("list \(name)")) } }
extension ListsCommand.Update: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.listUpdate, target: .text("list \(name)")) } }
extension ListsCommand.Delete: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.listDelete, target: .text("list \(name)")) } }
extension ListsCommand.Import: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.listImport, target: .text("list \(name)")) } }

extension SubscribersCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension SubscribersCommand.Add: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.subscriberAdd, target: .address(email), detail: "list \(list)") }
}
extension SubscribersCommand.Unsubscribe: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.subscriberUnsubscribe, target: .address(email), detail: list.map { "list \($0)" } ?? "every list") }
}
extension SubscribersCommand.Suppress: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.subscriberSuppress, target: target.hasPrefix("@") ? .text("domain \(target.dropFirst())") : .address(target)) }
}
extension SubscribersCommand.Unsuppress: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.subscriberUnsuppress, target: target.hasPrefix("@") ? .text("domain \(target.dropFirst())") : .address(target)) }
}
extension SubscribersCommand.Forget: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.subscriberForget, target: .address(email)) }
}

extension UsersCommand.List: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension UsersCommand.Add: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.userAdd, target: .text("user \(email.lowercased())"), detail: role) }
}
extension UsersCommand.Passwd: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.userPassword, target: .text("user \(email.lowercased())")) } }
extension UsersCommand.Role: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.userRole, target: .text("user \(email.lowercased())"), detail: "role \(role)") }
}
extension UsersCommand.Disable: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.userDisable, target: .text("user \(email.lowercased())")) } }
extension UsersCommand.ResetTwoStep: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.userResetTwoStep, target: .text("user \(email.lowercased())")) }
}

extension InquiriesCommand.List: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension InquiriesCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension InquiriesCommand.Assign: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.inquiryAssign, target: .text("inquiry \(id)"), detail: "assigned to \(who)") }
}
extension InquiriesCommand.Note: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.inquiryNote, target: .text("inquiry \(id)")) } }
extension InquiriesCommand.Status: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.inquiryStatus, target: .text("inquiry \(id)"), detail: "status \(status.rawValue)") }
}
extension InquiriesCommand.Reply: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.inquiryReply, target: .text("inquiry \(id)")) } }
extension InquiriesCommand.Due: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.inquiryDeadline, target: .text("inquiry \(id)"), detail: "due \(when)") }
}
extension InquiriesCommand.Priority: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.inquiryPriority, target: .text("inquiry \(id)"), detail: "priority \(priority.rawValue)") }
}
extension InquiriesCommand.Remind: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.inquiryRemind) } }

extension InboxCommand.List: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension InboxCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension InboxCommand.Import: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.inboxImport, detail: "\(paths.count) path(s)") } }
extension InboxCommand.Fetch: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.inboxFetch, detail: watch ? "--watch" : "") } }
extension InboxCommand.Reclassify: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.inboxReclassify, target: .text("received message \(id)"), detail: "class \(kind.rawValue)") }
}

extension OutboxCommand.Summary: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension OutboxCommand.List: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension OutboxCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
extension OutboxCommand.Retry: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.outboxRetry, target: .text(id.map { "message \($0)" } ?? "every deferred message")) } }
extension OutboxCommand.Hold: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.outboxHold, target: .text(id.map { "message \($0)" } ?? campaign.map { "campaign \($0.rawValue)" } ?? "")) }
}
extension OutboxCommand.Release: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.outboxRelease, target: .text(id.map { "message \($0)" } ?? campaign.map { "campaign \($0.rawValue)" } ?? "")) }
}
extension OutboxCommand.Purge: AuditedCommand, WorkspaceCommand {
  var audit: CommandAudit { .records(.outboxPurge, target: .text("\(state.rawValue) messages"), detail: "older than \(olderThan.description)") }
}

extension DKIMCommand.Keygen: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .records(.dkimKeygen, target: .text("DKIM key \(selector)")) } }
extension DKIMCommand.Show: AuditedCommand, WorkspaceCommand { var audit: CommandAudit { .readOnly } }
