/// What an audited action did: one vocabulary for the desk, the command line and Herald's
/// services, so that "held messages" reads the same whoever did it and wherever.
///
/// The raw value is what the store keeps and the filters take ("outbox.hold"); it never
/// changes once released (old entries are read with it).
package enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable {
  // Accounts and sessions.
  case signIn = "desk.sign-in"
  case signInCode = "desk.sign-in-code"
  case signOut = "desk.sign-out"
  case passwordChange = "account.password"
  case twoStepSetUp = "account.two-step"
  case twoStepOff = "account.two-step-off"
  case userAdd = "users.add"
  case userPassword = "users.passwd"
  case userRole = "users.role"
  case userDisable = "users.disable"
  case userResetTwoStep = "users.reset-two-step"

  // Releases and campaigns.
  case releaseNew = "release.new"
  case releaseEdit = "release.edit"
  case releaseFileUpload = "release.file-upload"
  case releaseFileRemove = "release.file-remove"
  case spamCheck = "release.spam-check"
  case sendPrepare = "release.send-prepare"
  case send = "release.send"
  case testCopy = "release.test-copy"
  case publish = "release.publish"
  case deliver = "outbox.deliver"

  // Inquiries and received mail.
  case inquiryAssign = "inquiry.assign"
  case inquiryNote = "inquiry.note"
  case inquiryStatus = "inquiry.status"
  case inquiryDeadline = "inquiry.deadline"
  case inquiryPriority = "inquiry.priority"
  case inquiryReplyPreview = "inquiry.reply-preview"
  case inquiryReply = "inquiry.reply"
  case inquiryRemind = "inquiry.remind"
  case inboxImport = "inbox.import"
  case inboxFetch = "inbox.fetch"
  case inboxReclassify = "inbox.reclassify"

  // Subscribers and lists.
  case subscriberAdd = "subscriber.add"
  case subscriberEdit = "subscriber.edit"
  case subscriberUnsubscribe = "subscriber.unsubscribe"
  case subscriberSuppress = "subscriber.suppress"
  case subscriberUnsuppress = "subscriber.unsuppress"
  case subscriberForget = "subscriber.forget"
  case suppressions = "subscriber.suppressions"
  case listCreate = "list.create"
  case listUpdate = "list.update"
  case listDelete = "list.delete"
  case listImport = "list.import"

  // The Outbox.
  case outboxHold = "outbox.hold"
  case outboxRelease = "outbox.release"
  case outboxRetry = "outbox.retry"
  case outboxPurge = "outbox.purge"

  // The workspace.
  case workspaceInit = "workspace.init"
  case dkimKeygen = "dkim.keygen"
  case auditPrune = "audit.prune"
}
