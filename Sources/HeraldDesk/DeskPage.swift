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
    case .campaign(let id): return route.path(id.description)
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
