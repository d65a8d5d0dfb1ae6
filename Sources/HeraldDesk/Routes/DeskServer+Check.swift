import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import Hummingbird

extension DeskServer {
  /// A release's check: `herald check`'s diagnostics (the same `ReleaseCheck`), errors first,
  /// grouped by file (each translation, herald.yml, the store), each with its line, the
  /// line's text and a link to the editor there. Editors may also have SpamAssassin score
  /// the message (POST, as `herald check --spam`).
  func addCheckRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.check.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      // Checking and rendering are blocking work (files, the store, composing).
      return try await BlockingWork.run {
        var values = try self.checkValues(file)
        values["can_score"] = signedIn.user.role.allows(.editor)
        return self.page("check", values, for: signedIn)
      }
    }
    router.post(RouterPath(DeskRoute.checkSpam.pattern)) { request, context in
      let (signedIn, _) = try await self.requireForm(.editor, request, context)
      let file = try self.releaseFile(context)
      return try await BlockingWork.run {
        var values = try self.checkValues(file)
        values["can_score"] = true
        values["spam"] = try self.spamValues(file, recipient: signedIn.user.email)
        return self.page("check", values, for: signedIn)
      }
    }
  }

  /// The check page's values: the release, its diagnostics grouped and ordered, the counts.
  func checkValues(_ file: DeskReleaseFile) throws -> [String: Any] {
    let check = try mailroom.check(file.url.path)
    let diagnostics = check.all.map { relative($0) }
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    // One group per file in the order met, the groups with errors first; in each, errors
    // before warnings before notes, otherwise in the order found.
    var order: [String] = []
    var byFile: [String: [Diagnostic]] = [:]
    for diagnostic in diagnostics {
      if byFile[diagnostic.file] == nil { order.append(diagnostic.file) }
      byFile[diagnostic.file, default: []].append(diagnostic)
    }
    let rank: [Diagnostic.Severity: Int] = [.error: 0, .warning: 1, .note: 2]
    func worst(_ name: String) -> Int { byFile[name]!.map { rank[$0.severity]! }.min()! }
    let groups: [[String: Any]] = order.enumerated()
      .sorted { (worst($0.element), $0.offset) < (worst($1.element), $1.offset) }
      .map { _, name in
        let lines = releaseLines(name)
        let items = byFile[name]!.enumerated()
          .sorted { (rank[$0.element.severity]!, $0.offset) < (rank[$1.element.severity]!, $1.offset) }
          .map { diagnosticValues($0.element, lines: lines) }
        return ["file": name, "diagnostics": items]
      }
    let values: [String: Any] = [
      "release": try releaseEntry(file.name), "groups": groups, "clean": diagnostics.isEmpty, "has_errors": errors > 0,
      "errors": errors, "warnings": warnings,
      "links": ["release": DeskPage.release(file: file.name).path, "spam": DeskPage.checkSpam(file: file.name).path,
        "preview": DeskPage.preview(file: file.name).path],
    ]
    return values
  }

  /// One diagnostic's values: severity, line, the line's text (for a release file), the
  /// message, and the editor's address at the line.
  private func diagnosticValues(_ diagnostic: Diagnostic, lines: [Substring]?) -> [String: Any] {
    var values: [String: Any] = [
      "severity": diagnostic.severity.rawValue, "severity_name": strings["desk_severity_\(diagnostic.severity.rawValue)"] ?? diagnostic.severity.rawValue,
      "message": diagnostic.message,
    ]
    if let line = diagnostic.line {
      values["line"] = line
      if let lines, line >= 1, line <= lines.count {
        let text = String(lines[line - 1]).trimmingCharacters(in: .whitespaces)
        if !text.isEmpty { values["text"] = String(text.prefix(200)) }
      }
      if let name = releaseName(diagnostic.file) { values["edit"] = DeskPage.edit(file: name).path + "#line-\(line)" }
    }
    return values
  }

  /// A diagnostic with release files named as `herald check Releases/FILE` names them when
  /// run in the workspace's folder (`Releases/FILE`), in its file and its message: the desk
  /// checks a release by its full path, which says nothing more to a reader.
  func relative(_ diagnostic: Diagnostic) -> Diagnostic {
    var diagnostic = diagnostic
    let folder = mailroom.workspace.releasesDirectory.path + "/"
    if diagnostic.file.hasPrefix(folder) { diagnostic.file = "Releases/" + diagnostic.file.dropFirst(folder.count) }
    // Release files named in the message too (other paths stay whole, as the command prints them).
    if let files = try? NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: folder) + #"([^\s/“”"]+\.md)"#) {
      diagnostic.message = files.stringByReplacingMatches(
        in: diagnostic.message, range: NSRange(diagnostic.message.startIndex..., in: diagnostic.message), withTemplate: "Releases/$1")
    }
    return diagnostic
  }

  /// The name in Releases/ of a diagnostic's file, when it is a release file there.
  private func releaseName(_ file: String) -> String? {
    guard file.hasPrefix("Releases/") else { return nil }
    let name = String(file.dropFirst("Releases/".count))
    return DeskReleaseFile.isPlainName(name) ? name : nil
  }

  /// The lines of a release file in Releases/, to show the line a diagnostic is about.
  private func releaseLines(_ file: String) -> [Substring]? {
    guard let name = releaseName(file),
      let data = FileManager.default.contents(atPath: mailroom.workspace.releasesDirectory.appendingPathComponent(name).path)
    else { return nil }
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
  }

  /// SpamAssassin's verdict on the message as `recipient` (the signed-in user) would get it,
  /// signed as sent: the score, the threshold, the rules, as `herald check --spam`.
  func spamValues(_ file: DeskReleaseFile, recipient: String) throws -> [String: Any] {
    do {
      let preview = try mailroom.preview(file.url.path, to: try Mailbox(parsing: recipient))
      let verdict = try SpamCheck().check(preview.bytes, threshold: mailroom.configuration.spamThreshold)
      return [
        "score": String(format: "%.1f", verdict.score), "threshold": String(format: "%.1f", verdict.threshold), "fails": verdict.fails,
        "to": preview.recipient.mailbox.description,
        "rules": verdict.rules.map { ["points": String(format: "%.1f", $0.points), "name": $0.name, "description": $0.description] },
      ]
    } catch let error as any HeraldError {
      return ["problem": error.message]
    }
  }
}
