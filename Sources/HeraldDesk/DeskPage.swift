import Foundation
import HeraldCore

/// The desk's addresses, built in one place: pages link to them, handlers redirect to them,
/// and the router matches the same definition (`DeskRoute`), so an address that is built is
/// always one that is served.
///
/// A release is named by its file in Releases/ (`2026-12-06-report.md`, a translation
/// `2026-12-06-report.ru.md`): the file is what the desk writes and what git sees.
enum DeskPage: Sendable, Hashable {
  /// The releases: `/`.
  case releases
  /// The sign-in form: `/sign-in`.
  case signIn
  /// Sign-out (POST): `/sign-out`.
  case signOut
  /// The second step of signing in, the authenticator code: `/sign-in/code`.
  case signInCode
  /// The signed-in user's account: `/account`.
  case account
  /// Setting up two-step sign-in (an authenticator app): `/account/two-step`.
  case twoStep
  /// Turning it off (POST): `/account/two-step/off`.
  case twoStepOff
  /// The users, for administrators: `/users`.
  case users
  /// A new release from the skeleton: `/releases/new`.
  case newRelease
  /// A release's overview (state, and what can be done with it): `/releases/FILE`.
  case release(file: String)
  /// Its editor (front matter and Markdown): `/releases/FILE/edit`.
  case edit(file: String)
  /// Its photos and files (upload): `/releases/FILE/files`.
  case files(file: String)
  /// `herald check`'s diagnostics: `/releases/FILE/check`.
  case check(file: String)
  /// The email as a chosen subscriber would receive it: `/releases/FILE/preview[?as=EMAIL&list=NAME&language=LANG]`.
  case preview(file: String, recipient: String? = nil, list: String? = nil, language: String? = nil)
  /// The email's HTML alone, for the preview's sandboxed frame: `/releases/FILE/preview/message.html[?as=EMAIL&list=NAME&language=LANG]`.
  case previewMessage(file: String, recipient: String? = nil, list: String? = nil, language: String? = nil)
  /// The archive page as it will look, for the preview's sandboxed frame: `/releases/FILE/preview/page[?language=LANG]`.
  case previewPage(file: String, language: String? = nil)
  /// SpamAssassin's score of the message (POST): `/releases/FILE/check/spam`.
  case checkSpam(file: String)
  /// A photo or file of the release, for its preview (from Media/, published or not):
  /// `/releases/FILE/preview/files/DIGEST/NAME`.
  case previewFile(file: String, digest: String, name: String)
  /// The plan (who gets it, who is left out and why) and the send form: `/releases/FILE/send`.
  case send(file: String)
  /// The chosen send's confirmation (POST): `/releases/FILE/send`; its confirmed send (POST):
  /// `/releases/FILE/send/confirm`.
  case sendConfirm(file: String)
  /// A test copy to the signed-in user (POST): `/releases/FILE/send/test`.
  case testCopy(file: String)
  /// A campaign's progress, then its result: `/campaigns/ID`.
  case campaign(CampaignID)
  /// Removing a file of the release's folder (POST): `/releases/FILE/files/remove`.
  case removeFile(file: String)

  // Inquiries: the shared inbox of journalists' questions.
  /// The inquiries, filtered: `/inquiries[?status=S&release=FILE&assignee=mine|nobody|ID&q=TEXT]`.
  case inquiries(status: String? = nil, release: String? = nil, assignee: String? = nil, search: String? = nil)
  /// An inquiry and its whole thread: `/inquiries/ID`.
  case inquiry(Int64)
  /// Assigning it to a desk user (POST): `/inquiries/ID/assign`.
  case inquiryAssign(Int64)
  /// A note on it (POST): `/inquiries/ID/note`.
  case inquiryNote(Int64)
  /// Its status (POST): `/inquiries/ID/status`.
  case inquiryStatus(Int64)
  /// Its deadline and priority (POST): `/inquiries/ID/deadline`.
  case inquiryDeadline(Int64)
  /// A reply's preview (POST): `/inquiries/ID/reply`.
  case inquiryReply(Int64)
  /// The reply, sent (POST): `/inquiries/ID/reply/send`.
  case inquiryReplySend(Int64)

  // Received mail: every message the inbox read, by class.
  /// The messages read, newest first, a page at a time: `/inbox[?class=CLASS&before=ID]`
  /// (`before`: the id of the last message of the page before).
  case inbox(kind: String? = nil, before: Int64? = nil)
  /// One message read, shown safely: `/inbox/ID`.
  case received(Int64)
  /// Its HTML, sanitised, for a sandboxed frame: `/inbox/ID/message.html`.
  case receivedHTML(Int64)
  /// One of its attachments, as a download: `/inbox/ID/attachments/N/NAME`.
  case receivedAttachment(Int64, index: Int, name: String)
  /// Correcting its class (POST): `/inbox/ID/reclassify`.
  case reclassify(Int64)

  // Subscribers and lists.
  /// The subscribers, searched, a page at a time (newest first; `before`: the id the
  /// previous page ended before): `/subscribers[?q=TEXT&before=ID]`.
  case subscribers(search: String? = nil, before: Int64? = nil)
  /// Adding one: `/subscribers/new`.
  case newSubscriber
  /// A subscriber: memberships, consent, deliveries, what came back: `/subscribers/ID`.
  case subscriber(Int64)
  /// Editing their details: `/subscribers/ID/edit`.
  case editSubscriber(Int64)
  /// Unsubscribing them (POST): `/subscribers/ID/unsubscribe`.
  case unsubscribeSubscriber(Int64)
  /// Suppressing their address or domain (POST): `/subscribers/ID/suppress`.
  case suppressSubscriber(Int64)
  /// Forgetting them, after a confirmation (admins): `/subscribers/ID/forget`.
  case forgetSubscriber(Int64)
  /// The suppressed addresses and domains: `/suppressions`.
  case suppressions
  /// The lists: `/lists`.
  case lists
  /// A new list: `/lists/new`.
  case newList
  /// A list: its settings and members' figures: `/lists/NAME`.
  case list(String)
  /// Its members as CSV: `/lists/NAME/export.csv`.
  case listExport(String)
  /// Importing a CSV into it (upload, mapping, dry run): `/lists/NAME/import`.
  case listImport(String)
  /// An import's progress and result: `/lists/NAME/imports/ID`.
  case listImportRun(String, Int64)

  // Reports.
  /// Every release's figures: `/reports`.
  case reports
  /// A release's report with its charts: `/releases/FILE/report`.
  case releaseReport(file: String)
  /// The same as CSV: `/releases/FILE/report.csv`.
  case releaseReportCSV(file: String)
  /// A campaign's report: `/campaigns/ID/report`.
  case campaignReport(CampaignID)
  /// The same as CSV: `/campaigns/ID/report.csv`.
  case campaignReportCSV(CampaignID)

  // The Outbox and the audit.
  /// The Outbox by state and campaign, deferrals by reason: `/outbox[?state=S&campaign=ID]`.
  case outbox(state: String? = nil, campaign: String? = nil)
  /// Holding messages (POST): `/outbox/hold`.
  case outboxHold
  /// Letting held messages go (POST): `/outbox/release`.
  case outboxRelease
  /// Making deferred messages due now (POST): `/outbox/retry`.
  case outboxRetry
  /// Deleting finished messages (POST): `/outbox/purge`.
  case outboxPurge
  /// Who did what, for administrators: `/audit`.
  case audit
  /// The audit as CSV: `/audit.csv`.
  case auditExport

  /// The route the page is served at.
  var route: DeskRoute {
    switch self {
    case .releases: return .releases
    case .signIn: return .signIn
    case .signOut: return .signOut
    case .account: return .account
    case .signInCode: return .signInCode
    case .twoStep: return .twoStep
    case .twoStepOff: return .twoStepOff
    case .users: return .users
    case .newRelease: return .newRelease
    case .release: return .release
    case .edit: return .edit
    case .files: return .files
    case .check: return .check
    case .preview: return .preview
    case .previewMessage: return .previewMessage
    case .previewPage: return .previewPage
    case .checkSpam: return .checkSpam
    case .previewFile: return .previewFile
    case .send: return .send
    case .sendConfirm: return .sendConfirm
    case .testCopy: return .testCopy
    case .campaign: return .campaign
    case .removeFile: return .removeFile
    case .inquiries: return .inquiries
    case .inquiry: return .inquiry
    case .inquiryAssign: return .inquiryAssign
    case .inquiryNote: return .inquiryNote
    case .inquiryStatus: return .inquiryStatus
    case .inquiryDeadline: return .inquiryDeadline
    case .inquiryReply: return .inquiryReply
    case .inquiryReplySend: return .inquiryReplySend
    case .inbox: return .inbox
    case .received: return .received
    case .receivedHTML: return .receivedHTML
    case .receivedAttachment: return .receivedAttachment
    case .reclassify: return .reclassify
    case .subscribers: return .subscribers
    case .newSubscriber: return .newSubscriber
    case .subscriber: return .subscriber
    case .editSubscriber: return .editSubscriber
    case .unsubscribeSubscriber: return .unsubscribeSubscriber
    case .suppressSubscriber: return .suppressSubscriber
    case .forgetSubscriber: return .forgetSubscriber
    case .suppressions: return .suppressions
    case .lists: return .lists
    case .newList: return .newList
    case .list: return .list
    case .listExport: return .listExport
    case .listImport: return .listImport
    case .listImportRun: return .listImportRun
    case .reports: return .reports
    case .releaseReport: return .releaseReport
    case .releaseReportCSV: return .releaseReportCSV
    case .campaignReport: return .campaignReport
    case .campaignReportCSV: return .campaignReportCSV
    case .outbox: return .outbox
    case .outboxHold: return .outboxHold
    case .outboxRelease: return .outboxRelease
    case .outboxRetry: return .outboxRetry
    case .outboxPurge: return .outboxPurge
    case .audit: return .audit
    case .auditExport: return .auditExport
    }
  }

  /// Its path on the desk, parameters percent-encoded.
  var path: String {
    switch self {
    case .releases, .signIn, .signOut, .account, .users, .newRelease, .signInCode, .twoStep, .twoStepOff: return route.path()
    case .release(let file), .edit(let file), .files(let file), .check(let file), .send(let file), .checkSpam(let file),
      .removeFile(let file), .sendConfirm(let file), .testCopy(let file):
      return route.path(file)
    case .preview(let file, let recipient, let list, let language), .previewMessage(let file, let recipient, let list, let language):
      return route.path(file) + Self.query([("as", recipient), ("list", list), ("language", language)])
    case .previewPage(let file, let language):
      return route.path(file) + Self.query([("language", language)])
    case .previewFile(let file, let digest, let name): return route.path(file, digest, name)
    case .campaign(let id), .campaignReport(let id), .campaignReportCSV(let id): return route.path(id.description)
    case .releaseReport(let file), .releaseReportCSV(let file): return route.path(file)
    case .inquiries(let status, let release, let assignee, let search):
      return route.path() + Self.query([("status", status), ("release", release), ("assignee", assignee), ("q", search)])
    case .inquiry(let id), .inquiryAssign(let id), .inquiryNote(let id), .inquiryStatus(let id), .inquiryDeadline(let id),
      .inquiryReply(let id), .inquiryReplySend(let id), .received(let id), .receivedHTML(let id), .reclassify(let id),
      .subscriber(let id), .editSubscriber(let id), .unsubscribeSubscriber(let id), .suppressSubscriber(let id), .forgetSubscriber(let id):
      return route.path(String(id))
    case .inbox(let kind, let before): return route.path() + Self.query([("class", kind), ("before", before.map(String.init))])
    case .receivedAttachment(let id, let index, let name): return route.path(String(id), String(index), name)
    case .subscribers(let search, let before): return route.path() + Self.query([("q", search), ("before", before.map { String($0) })])
    case .newSubscriber, .suppressions, .lists, .newList, .reports, .outboxHold, .outboxRelease, .outboxRetry, .outboxPurge, .audit, .auditExport:
      return route.path()
    case .list(let name), .listExport(let name), .listImport(let name): return route.path(name)
    case .listImportRun(let name, let id): return route.path(name, String(id))
    case .outbox(let state, let campaign): return route.path() + Self.query([("state", state), ("campaign", campaign)])
    }
  }

  /// "?name=value&…" of the parameters that have a value, percent-encoded; "" when none has.
  private static func query(_ parameters: [(String, String?)]) -> String {
    let pairs = parameters.compactMap { name, value in value.map { "\(name)=" + PublicRoute.percentEncoded($0) } }
    return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
  }
}

/// A route of the desk: its path with `:file` and `:campaign` parameters, what the router matches.
struct DeskRoute: Sendable, Hashable, CustomStringConvertible {
  /// The route's segments; a parameter is written `:name`.
  let pattern: String

  private init(_ pattern: String) { self.pattern = pattern }

  static let releases = DeskRoute("/")
  static let signIn = DeskRoute("/sign-in")
  static let signOut = DeskRoute("/sign-out")
  static let account = DeskRoute("/account")
  static let signInCode = DeskRoute("/sign-in/code")
  static let twoStep = DeskRoute("/account/two-step")
  static let twoStepOff = DeskRoute("/account/two-step/off")
  static let users = DeskRoute("/users")
  static let newRelease = DeskRoute("/releases/new")
  static let release = DeskRoute("/releases/:file")
  static let edit = DeskRoute("/releases/:file/edit")
  static let files = DeskRoute("/releases/:file/files")
  static let check = DeskRoute("/releases/:file/check")
  static let preview = DeskRoute("/releases/:file/preview")
  static let previewMessage = DeskRoute("/releases/:file/preview/message.html")
  static let previewPage = DeskRoute("/releases/:file/preview/page")
  static let checkSpam = DeskRoute("/releases/:file/check/spam")
  static let previewFile = DeskRoute("/releases/:file/preview/files/:digest/:name")
  static let send = DeskRoute("/releases/:file/send")
  static let sendConfirm = DeskRoute("/releases/:file/send/confirm")
  static let testCopy = DeskRoute("/releases/:file/send/test")
  static let campaign = DeskRoute("/campaigns/:campaign")
  static let removeFile = DeskRoute("/releases/:file/files/remove")
  static let inquiries = DeskRoute("/inquiries")
  static let inquiry = DeskRoute("/inquiries/:inquiry")
  static let inquiryAssign = DeskRoute("/inquiries/:inquiry/assign")
  static let inquiryNote = DeskRoute("/inquiries/:inquiry/note")
  static let inquiryStatus = DeskRoute("/inquiries/:inquiry/status")
  static let inquiryDeadline = DeskRoute("/inquiries/:inquiry/deadline")
  static let inquiryReply = DeskRoute("/inquiries/:inquiry/reply")
  static let inquiryReplySend = DeskRoute("/inquiries/:inquiry/reply/send")
  static let inbox = DeskRoute("/inbox")
  static let received = DeskRoute("/inbox/:message")
  static let receivedHTML = DeskRoute("/inbox/:message/message.html")
  static let receivedAttachment = DeskRoute("/inbox/:message/attachments/:index/:name")
  static let reclassify = DeskRoute("/inbox/:message/reclassify")
  static let subscribers = DeskRoute("/subscribers")
  static let newSubscriber = DeskRoute("/subscribers/new")
  static let subscriber = DeskRoute("/subscribers/:subscriber")
  static let editSubscriber = DeskRoute("/subscribers/:subscriber/edit")
  static let unsubscribeSubscriber = DeskRoute("/subscribers/:subscriber/unsubscribe")
  static let suppressSubscriber = DeskRoute("/subscribers/:subscriber/suppress")
  static let forgetSubscriber = DeskRoute("/subscribers/:subscriber/forget")
  static let suppressions = DeskRoute("/suppressions")
  static let lists = DeskRoute("/lists")
  static let newList = DeskRoute("/lists/new")
  static let list = DeskRoute("/lists/:list")
  static let listExport = DeskRoute("/lists/:list/export.csv")
  static let listImport = DeskRoute("/lists/:list/import")
  static let listImportRun = DeskRoute("/lists/:list/imports/:import")
  static let reports = DeskRoute("/reports")
  static let releaseReport = DeskRoute("/releases/:file/report")
  static let releaseReportCSV = DeskRoute("/releases/:file/report.csv")
  static let campaignReport = DeskRoute("/campaigns/:campaign/report")
  static let campaignReportCSV = DeskRoute("/campaigns/:campaign/report.csv")
  static let outbox = DeskRoute("/outbox")
  static let outboxHold = DeskRoute("/outbox/hold")
  static let outboxRelease = DeskRoute("/outbox/release")
  static let outboxRetry = DeskRoute("/outbox/retry")
  static let outboxPurge = DeskRoute("/outbox/purge")
  static let audit = DeskRoute("/audit")
  static let auditExport = DeskRoute("/audit.csv")

  /// The route's path with its parameters filled in, in order, percent-encoded.
  func path(_ values: String...) -> String {
    var remaining = values[...]
    return pattern.split(separator: "/", omittingEmptySubsequences: true).reduce("") { path, segment in
      guard segment.hasPrefix(":"), let value = remaining.popFirst() else { return path + "/" + segment }
      return path + "/" + PublicRoute.percentEncoded(value)
    }.ifEmpty("/")
  }

  var description: String { pattern }
}

extension String {
  fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
