import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldWorkspace
import Hummingbird

extension DeskServer {
  /// A new release (editors): the form, then the draft `herald new` writes for the same
  /// title, date, lists and language (`ReleaseDraft.Request`, `Workspace.write`), never over
  /// a file that is there; then its editor.
  func addNewReleaseRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.newRelease.pattern)) { request, _ in
      let signedIn = try await self.require(.editor, request)
      let today = ReleaseDate(self.mailroom.clock.now, in: self.mailroom.configuration.compose.timeZone)
      let values = try await self.pageValues { try self.newReleaseValues(form: ["date": "\(today)"], checked: []) }
      return self.page("new-release", values, for: signedIn)
    }
    router.post(RouterPath(DeskRoute.newRelease.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      // A line break or control character in the title is refused (ReleaseDraft.Request
      // says so), not silently removed: the file name and the headline come from it.
      let raw = (form["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
      let title = raw.unicodeScalars.contains { $0.properties.generalCategory == .control } ? raw : self.field(form, "title")
      let date = self.field(form, "date")
      let chosen = form.fields.filter { $0.name == "list" }.map { self.clean($0.value) }.filter { !$0.isEmpty }
      let other = self.field(form, "other_lists")
      let typed = other.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
      var lists: [String] = []
      for name in chosen + typed where !lists.contains(name) { lists.append(name) }
      let language = self.field(form, "language")
      let draftRequest = ReleaseDraft.Request(title: title, date: date, lists: lists, language: language.isEmpty ? nil : language)
      var errors: [String: String] = [:]
      for (field, problem) in draftRequest.problems { errors[field.rawValue] = Self.sentence(problem) }
      if date.isEmpty { errors["date"] = Self.sentence("write the release date as YYYY-MM-DD, e.g. 2020-03-31") }
      let known = try await BlockingWork.run { Set(try self.mailroom.workspace.strings().tables.keys) }
      if !language.isEmpty, errors["language"] == nil, !known.contains(LanguageTag.primary(language)) {
        errors["language"] = Self.sentence("Herald has no words in “\(language)”; choose a language from the list")
      }
      let echo = ["title": title, "date": date, "other_lists": other, "language": language]
      if !errors.isEmpty {
        var values = try await self.pageValues { try self.newReleaseValues(form: echo, checked: Set(chosen)) }
        values["errors"] = errors
        return self.page("new-release", values, for: signedIn, status: .unprocessableContent)
      }
      let workspace = self.mailroom.workspace
      let settings = self.mailroom.configuration.compose
      let now = self.mailroom.clock.now
      let (written, name) = try await BlockingWork.run { () throws -> (Bool, String) in
        let draft = draftRequest.draft(today: now, settings: settings)
        return (try workspace.write(draft), draft.fileName)
      }
      guard written else {
        var values = try await self.pageValues { try self.newReleaseValues(form: echo, checked: Set(chosen)) }
        values["errors"] = ["title": Self.sentence("Releases/\(name) already exists; open it from the releases, or choose another title or date")]
        values["existing"] = DeskPage.release(file: name).path
        return self.page("new-release", values, for: signedIn, status: .conflict)
      }
      self.logger.info("release created in the desk", metadata: ["file": "Releases/\(name)", "user": "\(signedIn.user.email)"])
      return self.redirect(DeskPage.edit(file: name).path)
    }
  }

  /// The form's values: the store's lists as checkboxes, the languages Herald has words in.
  func newReleaseValues(form: [String: String], checked: Set<String>) throws -> [String: Any] {
    let lists = try mailroom.store.lists().map { list -> [String: Any] in
      ["name": list.name, "title": list.title == list.name ? "" : list.title, "checked": checked.contains(list.name)]
    }
    let chosen = form["language"] ?? ""
    let languages = try mailroom.workspace.strings().tables.keys.sorted().map { code -> [String: Any] in
      ["code": code, "name": LanguageTag.autonym(code), "selected": code == chosen]
    }
    return ["form": form, "lists": lists, "languages": languages, "action": DeskPage.newRelease.path]
  }

  /// A value without control or bidirectional formatting characters, trimmed.
  func clean(_ value: String) -> String {
    String(String.UnicodeScalarView(value.unicodeScalars.filter { !DeskServer.isInvisibleControl($0) }))
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
