import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// Records a state-changing request (every POST) in the audit, once it is answered: the
  /// route's action (`DeskAuditRoutes`) and target, who was signed in, the client address,
  /// and the outcome by the answer — done (2xx, 3xx), refused (403, or a check refused it),
  /// failed (any other). A POST to a route the table does not know is recorded too, as
  /// "unknown" in the log: the coverage test keeps the table whole. A failure to write the
  /// audit is logged, never turned into the request's failure.
  func recordAudit(_ request: Request, context: DeskContext, status: HTTPResponse.Status) async {
    guard let routerPath = context.endpointPath, routerPath != "NotFound" else { return }
    let pattern = DeskAuditRoutes.pattern(routerPath: routerPath)
    guard let action = DeskAuditRoutes.action(pattern: pattern) else {
      logger.error("a POST route has no audit action; add it to DeskAuditRoutes", metadata: ["route": "\(pattern)"])
      return
    }
    let note = context.audit
    let outcome: AuditOutcome
    if note.refused || status == .forbidden {
      outcome = .refused
    } else if (200..<400).contains(status.code) {
      outcome = .done
    } else {
      outcome = .failed
    }
    let actor = note.user.map { AuditActor(kind: .desk, user: $0.id, name: $0.name) } ?? AuditActor(kind: .desk, name: "(not signed in)")
    var detail = note.detailText
    if outcome == .failed { detail = detail.isEmpty ? "HTTP \(status.code)" : "HTTP \(status.code); " + detail }
    let entry = AuditEntry(
      at: mailroom.clock.now, actor: actor, origin: client(request, context), action: action,
      target: note.target ?? DeskAuditRoutes.target(pattern: pattern, path: request.uri.path), outcome: outcome, detail: detail)
    do {
      try await BlockingWork.run { try self.mailroom.store.recordAudit(entry) }
    } catch {
      logger.error("the audit could not be written", metadata: ["action": "\(action.rawValue)", "error": "\(error)"])
    }
  }
}
