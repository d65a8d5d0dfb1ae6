import Foundation
import HeraldStore

/// How the audit names every state-changing route of the desk: the route's pattern → its
/// action. What the action was done to is the route's first path parameter, labelled by its
/// name (`:file` → "release FILE", `:subscriber` → "subscriber 42"): a subscriber by number,
/// never by address.
///
/// `DeskMiddleware` records every POST through this table, so a route added anywhere is
/// audited once it has a line here; `DeskAuditTests` lists the router's POST routes and
/// names each one without a line.
enum DeskAuditRoutes {
  /// The action of each POST route, by its pattern as `DeskRoute` writes it (":name").
  static let actions: [String: AuditAction] = [
    // Accounts and sessions (routes that `DeskRoute` does not name are written as registered).
    DeskRoute.signIn.pattern: .signIn,
    DeskRoute.signInCode.pattern: .signInCode,
    DeskRoute.signOut.pattern: .signOut,
    "/account/password": .passwordChange,
    DeskRoute.twoStep.pattern: .twoStepSetUp,
    DeskRoute.twoStepOff.pattern: .twoStepOff,
    "/users/add": .userAdd,
    "/users/role": .userRole,
    "/users/disable": .userDisable,
    // Releases and sends.
    DeskRoute.newRelease.pattern: .releaseNew,
    DeskRoute.edit.pattern: .releaseEdit,
    DeskRoute.files.pattern: .releaseFileUpload,
    DeskRoute.removeFile.pattern: .releaseFileRemove,
    DeskRoute.checkSpam.pattern: .spamCheck,
    DeskRoute.send.pattern: .sendPrepare,
    DeskRoute.sendConfirm.pattern: .send,
    DeskRoute.testCopy.pattern: .testCopy,
    // Inquiries (issue 18: the shared inbox).
    DeskRoute.inquiryAssign.pattern: .inquiryAssign,
    DeskRoute.inquiryNote.pattern: .inquiryNote,
    DeskRoute.inquiryStatus.pattern: .inquiryStatus,
    DeskRoute.inquiryDeadline.pattern: .inquiryDeadline,
    DeskRoute.inquiryReply.pattern: .inquiryReplyPreview,
    DeskRoute.inquiryReplySend.pattern: .inquiryReply,
    // Received mail.
    DeskRoute.reclassify.pattern: .inboxReclassify,
    // Subscribers and lists (their forms post to the page's own address).
    DeskRoute.newSubscriber.pattern: .subscriberAdd,
    DeskRoute.editSubscriber.pattern: .subscriberEdit,
    DeskRoute.unsubscribeSubscriber.pattern: .subscriberUnsubscribe,
    DeskRoute.suppressSubscriber.pattern: .subscriberSuppress,
    DeskRoute.forgetSubscriber.pattern: .subscriberForget,
    DeskRoute.suppressions.pattern: .suppressions,
    DeskRoute.newList.pattern: .listCreate,
    DeskRoute.list.pattern: .listUpdate,
    DeskRoute.listImport.pattern: .listImport,
    DeskRoute.listImportRun.pattern: .listImport,
    // The Outbox.
    DeskRoute.outboxHold.pattern: .outboxHold,
    DeskRoute.outboxRelease.pattern: .outboxRelease,
    DeskRoute.outboxRetry.pattern: .outboxRetry,
    DeskRoute.outboxPurge.pattern: .outboxPurge,
  ]

  /// How a path parameter's value is named in the audit.
  static let targetLabels: [String: String] = [
    "file": "release", "campaign": "campaign", "inquiry": "inquiry", "message": "received message", "subscriber": "subscriber",
    "list": "list", "import": "import",
  ]

  /// A route's pattern as `DeskRoute` writes it (":name") from the router's ("{name}").
  static func pattern(routerPath: String) -> String {
    routerPath.split(separator: "/", omittingEmptySubsequences: false).map { segment in
      segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
    }.joined(separator: "/")
  }

  /// The action of a POST to `pattern`, or nil when the route is not in the table.
  static func action(pattern: String) -> AuditAction? { actions[pattern] }

  /// What a request to `path` matched by `pattern` acted on: its first parameter, labelled
  /// ("release 2026-12-06-report.md"); "" when the route has none.
  static func target(pattern: String, path: String) -> String {
    let names = pattern.split(separator: "/")
    let values = path.split(separator: "/")
    guard names.count == values.count else { return "" }
    for (name, value) in zip(names, values) where name.hasPrefix(":") {
      let parameter = String(name.dropFirst())
      let decoded = String(value).removingPercentEncoding ?? String(value)
      return (targetLabels[parameter] ?? parameter) + " " + decoded
    }
    return ""
  }
}
