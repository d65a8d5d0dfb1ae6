import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import Hummingbird

extension DeskServer {
  /// The releases page: every release in Releases/ (an original with its translations), its
  /// date, languages, lists, embargo, and whether it was sent or published. Read-only here;
  /// read through the same calls as the command line (`Workspace.releaseFamily`, the store).
  func addReleaseRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.releases.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let releases = try await BlockingWork.run { try self.releaseEntries() }
      var values: [String: Any] = ["releases": releases]
      if signedIn.user.role.allows(.editor) { values["new_release"] = DeskPage.newRelease.path }
      return self.page("releases", values, for: signedIn)
    }
  }

  /// One entry per release file in Releases/ that is not a translation, newest file name first.
  /// Kept for `DeskCache.Lifetime.releases` while no file in Releases/ changes.
  func releaseEntries() throws -> [[String: String]] {
    let folder = mailroom.workspace.releasesDirectory
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { DeskReleaseFile.isPlainName($0) }
    let fingerprint = Self.workspaceFingerprint(mailroom.workspace) + ["\(mailroom.store.generation)"] + files
      + DeskCache.fingerprint(files.map { folder.appendingPathComponent($0) })
    return try cache.value("releases", fingerprint: fingerprint, lifetime: DeskCache.Lifetime.releases) {
      let names = files.filter { Release.fileLanguage($0) == nil }.sorted(by: >)
      let sent = try mailroom.store.sentReleases()
      let published = Set(try mailroom.store.publications().map(\.slug))
      let sends = try mailroom.store.deskSends()
      return names.map { releaseEntry($0, sent: sent, published: published, sends: sends) }
    }
  }

  /// The entry of one release file (by its name in Releases/), read from the store; kept
  /// like the list.
  func releaseEntry(_ name: String) throws -> [String: String] {
    try cache.value("release:" + name, fingerprint: fingerprint(ofRelease: name), lifetime: DeskCache.Lifetime.releases) {
      releaseEntry(
        name, sent: try mailroom.store.sentReleases(), published: Set(try mailroom.store.publications().map(\.slug)),
        sends: try mailroom.store.deskSends())
    }
  }

  /// The entry of one release file: title, date, languages, lists, embargo, state, its
  /// page's address; a file that cannot be read gives its problem instead.
  func releaseEntry(_ name: String, sent: [String: (count: Int, last: Date)], published: Set<String>, sends: [DeskSend] = []) -> [String: String] {
    let workspace = mailroom.workspace
    let path = workspace.releasesDirectory.appendingPathComponent(name).path
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let link = DeskPage.release(file: name).path
    do {
      let family = try workspace.releaseFamily(path)
      let release = family.first
      var states: [(String, String)] = []
      if let sending = sendState(of: name, sends: sends) { states.append(sending) }
      if sent[family.slug] != nil { states.append(("sent", strings["desk_state_sent"] ?? "Sent")) }
      if published.contains(family.slug) { states.append(("published", strings["desk_state_published"] ?? "Published")) }
      if states.isEmpty { states.append(("draft", strings["desk_state_draft"] ?? "Draft")) }
      var entry: [String: String] = [
        "file": "Releases/\(name)", "name": name, "link": link, "title": release.title, "date": release.date.longForm(in: release.language),
        "languages": family.languages.joined(separator: ", "), "lists": release.lists.joined(separator: ", "),
        "state": states[0].0, "state_name": states.map(\.1).joined(separator: ", "),
      ]
      if let embargo = release.embargo { entry["embargo"] = time.string(embargo) }
      return entry
    } catch let error as any HeraldError {
      return ["file": "Releases/\(name)", "name": name, "link": link, "title": name, "problem": error.summary]
    } catch {
      return ["file": "Releases/\(name)", "name": name, "link": link, "title": name, "problem": "\(error)"]
    }
  }
}
