import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import Hummingbird

/// A release file in Releases/ that a desk address names.
struct DeskReleaseFile: Sendable {
  /// Its name in Releases/: `2026-12-06-report.md`, a translation `2026-12-06-report.ru.md`.
  let name: String
  /// Where it is.
  let url: URL

  /// Whether `name` can name a release file: a plain `.md` name, no folder, nothing hidden.
  static func isPlainName(_ name: String) -> Bool {
    name.hasSuffix(".md") && name.count > 3 && name.count <= 200 && !name.hasPrefix(".") && !name.contains("/")
      && !name.contains("\\") && !name.unicodeScalars.contains { DeskServer.isInvisibleControl($0) }
  }
}

extension DeskServer {
  /// The release file the route's `:file` names; a name that is not a plain `.md` name, or
  /// a file that is not in Releases/, is the 404 page.
  func releaseFile(_ context: DeskContext) throws -> DeskReleaseFile {
    guard let name = context.parameters.get("file"), DeskReleaseFile.isPlainName(name) else {
      throw DeskRefusal(message(.notFound, "There is no such release in Releases/."))
    }
    let url = mailroom.workspace.releasesDirectory.appendingPathComponent(name)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
      throw DeskRefusal(message(.notFound, "There is no release \(name) in Releases/."))
    }
    return DeskReleaseFile(name: name, url: url)
  }

  /// A release's overview: what it is, its state, and the ways on (edit, check, preview,
  /// send), each shown to the roles that may use it.
  func addReleaseOverviewRoute(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.release.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let entry = try await BlockingWork.run { try self.releaseEntry(file.name) }
      let role = signedIn.user.role
      let links: [String: String] = [
        "edit": DeskPage.edit(file: file.name).path, "files": DeskPage.files(file: file.name).path,
        "check": DeskPage.check(file: file.name).path, "preview": DeskPage.preview(file: file.name).path,
        "send": DeskPage.send(file: file.name).path, "report": DeskPage.releaseReport(file: file.name).path,
      ]
      return self.page(
        "overview", ["release": entry, "links": links, "can_edit": role.allows(.editor), "can_send": role.allows(.sender)], for: signedIn)
    }
  }
}
