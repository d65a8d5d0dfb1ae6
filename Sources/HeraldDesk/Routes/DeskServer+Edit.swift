import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldWorkspace
import Hummingbird

extension DeskServer {
  /// A release's editor (editors): its front matter and Markdown as they are in the file,
  /// saved back to the file in Releases/ (durably, `Workspace.saveRelease`), unless the file
  /// changed since the editor loaded it; then re-read as `herald check` reads it, and its
  /// problems shown with their lines.
  func addEditRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.edit.pattern)) { request, context in
      let signedIn = try await self.require(.editor, request)
      let file = try self.releaseFile(context)
      let bytes = try await BlockingWork.run { try Data(contentsOf: file.url) }
      var values = try await self.pageValues { self.editorValues(file, source: ReleaseSource(text: String(decoding: bytes, as: UTF8.self))) }
      values["loaded"] = ReleaseSource.digest(bytes)
      if String(validating: bytes, as: UTF8.self) == nil {
        values["problem"] = "Releases/\(file.name) is not valid UTF-8: the characters that could not be read are shown as �. Saving writes the text as shown."
      }
      return self.page("edit", values, for: signedIn)
    }
    router.post(RouterPath(DeskRoute.edit.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context, limits: DeskLimits.releaseForm)
      let file = try self.releaseFile(context)
      // The texts as typed (the form's CRLFs are LFs already): not trimmed, not cleaned.
      let source = ReleaseSource(frontMatter: form["front_matter"] ?? "", markdown: form["markdown"] ?? "")
      let loaded = form["loaded"] ?? ""
      var errors: [String: String] = [:]
      for (field, part) in [("front_matter", source.frontMatter), ("markdown", source.markdown)] {
        if let (line, scalar) = ReleaseSource.firstForbiddenCharacter(in: part) {
          errors[field] = "Line \(line) holds the invisible control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(4)), which a release may not contain; delete it (retype the line if you cannot see it)."
        }
      }
      let text = source.text
      if text.utf8.count > Release.maximumFileSize {
        errors["markdown"] = "The release is \(ByteCount.formatted(text.utf8.count)); the most a release file may be is \(ByteCount.formatted(Release.maximumFileSize)). Link to long documents instead of pasting them in."
      }
      if !errors.isEmpty {
        var values = try await self.pageValues { self.editorValues(file, source: source) }
        values["errors"] = errors
        values["loaded"] = loaded
        return self.page("edit", values, for: signedIn, status: .unprocessableContent)
      }
      let workspace = self.mailroom.workspace
      let saving = try await BlockingWork.run { try workspace.saveRelease(file.url, text: text, loadedDigest: loaded) }
      switch saving {
      case .changedMeanwhile(let current):
        // Nothing written. The person's text stays in the form; the file as it is now is
        // shown under it. Saving again means replacing that version, knowingly.
        var values = try await self.pageValues { self.editorValues(file, source: source) }
        values["conflict"] = true
        values["current"] = current.map { String(decoding: $0, as: UTF8.self) } ?? ""
        values["loaded"] = current.map { ReleaseSource.digest($0) } ?? ""
        self.logger.notice("a desk save was refused: the file changed meanwhile", metadata: ["file": "Releases/\(file.name)", "user": "\(signedIn.user.email)"])
        return self.page("edit", values, for: signedIn, status: .conflict)
      case .saved(let digest):
        self.logger.info("release saved in the desk", metadata: ["file": "Releases/\(file.name)", "user": "\(signedIn.user.email)"])
        var values = try await self.pageValues(thread: "herald-desk-check") { () -> [String: Any] in
          var values = self.editorValues(file, source: source)
          let diagnostics = self.checkDiagnostics(file)
          values["checked"] = true
          values["diagnostics"] = diagnostics.map { self.diagnosticValues($0, file: file, source: source) }
          values["has_errors"] = diagnostics.contains { $0.severity == .error }
          return values
        }
        values["loaded"] = digest
        values["saved"] = (self.strings["desk_edit_saved"] ?? "Saved to {file}.").replacingOccurrences(of: "{file}", with: "Releases/\(file.name)")
        return self.page("edit", values, for: signedIn)
      }
    }
  }

  /// The editor's values for `source`: the texts, the title, the links, the other languages.
  func editorValues(_ file: DeskReleaseFile, source: ReleaseSource) -> [String: Any] {
    let title = (try? Release(text: source.text, file: file.url.path).title) ?? file.name
    let slug = Release.slug(naming: file.name)
    let others = ReleaseFamily.files(slug: slug, in: file.url.deletingLastPathComponent().path)
      .map { ($0 as NSString).lastPathComponent }
      .filter { $0 != file.name && DeskReleaseFile.isPlainName($0) }
      .map { name -> [String: String] in
        ["name": name, "language": Release.fileLanguage(name) ?? mailroom.configuration.web.language, "link": DeskPage.edit(file: name).path]
      }
    return [
      "title": title, "file": "Releases/\(file.name)", "front_matter": source.frontMatter, "markdown": source.markdown,
      "others": others, "has_others": !others.isEmpty,
      "links": ["release": DeskPage.release(file: file.name).path, "edit": DeskPage.edit(file: file.name).path, "files": DeskPage.files(file: file.name).path],
    ]
  }

  /// The release's problems as `herald check` finds them in the release and its translations:
  /// reading (front matter, Markdown), composing (templates, photos and files), the checks
  /// of each translation and where they disagree, and the embargo.
  func checkDiagnostics(_ file: DeskReleaseFile) -> [Diagnostic] {
    // The same check as the check page and `herald check` (one implementation).
    do {
      return try mailroom.check(file.url.path).diagnostics
    } catch let error as any DiagnosedError where !error.diagnostics.isEmpty {
      return error.diagnostics
    } catch let error as any HeraldError {
      return [Diagnostic(.error, file: file.url.path, line: nil, error.summary)]
    } catch {
      return [Diagnostic(.error, file: file.url.path, line: nil, "\(error)")]
    }
  }

  /// A problem for the page: how serious, where (front matter line and field, or text line;
  /// another file of the release by its name), and what to do.
  func diagnosticValues(_ diagnostic: Diagnostic, file: DeskReleaseFile, source: ReleaseSource) -> [String: String] {
    let severity = diagnostic.severity.rawValue
    var values = ["severity": severity, "severity_name": strings["desk_severity_\(severity)"] ?? severity, "message": Self.sentence(diagnostic.message)]
    let sameFile = (diagnostic.file as NSString).lastPathComponent == file.name
    var place: String?
    if let line = diagnostic.line, sameFile {
      switch source.place(ofFileLine: line) {
      case .frontMatter(let yamlLine, let key)?:
        place = (strings["desk_edit_front_matter_line"] ?? "Front matter, line {line}").replacingOccurrences(of: "{line}", with: "\(yamlLine)")
          + (key.map { " (\($0))" } ?? "")
      case .markdown(let textLine)?:
        place = (strings["desk_edit_markdown_line"] ?? "Text, line {line}").replacingOccurrences(of: "{line}", with: "\(textLine)")
      case nil:
        place = "Releases/\(file.name):\(line)"
      }
    } else if !sameFile {
      let name = (diagnostic.file as NSString).lastPathComponent
      place = diagnostic.line.map { "\(name):\($0)" } ?? name
    }
    if let place { values["place"] = place }
    return values
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
