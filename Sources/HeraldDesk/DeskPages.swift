import Foundation
import HeraldWorkspace
import Mustache

/// The desk's templates: Templates/desk/ of the workspace, each file that is missing there
/// taken from the defaults compiled into Herald. Loaded and checked once, at start.
struct DeskPages: @unchecked Sendable {  // MustacheLibrary is immutable once built
  private let library: MustacheLibrary
  /// Templates/desk/desk.css.
  let stylesheet: [UInt8]
  /// Templates/desk/desk.js: the one script, which only keeps a page that is still changing
  /// up to date (the desk works without it).
  let script: [UInt8]
  /// The templates of the workspace that differ from Herald's defaults.
  let overridden: [String]

  /// The pages, by template name (the file name without .mustache).
  static let names = ["page", "sign-in", "sign-in-code", "two-step", "releases", "overview", "account", "users", "forbidden", "check", "preview"]
    + ["new-release", "edit", "files"]  // writing a release
    + ["send", "send-confirm", "campaign"]  // sending it
    + ["inquiries", "inquiry", "inquiry-entry", "inquiry-reply"]  // the shared inbox of inquiries
    + ["inbox", "received"]  // received mail
    + ["subscribers", "subscriber", "subscriber-new", "subscriber-forget", "subscriber-forgotten", "suppressions", "lists", "list"]
    + ["list-import-upload", "list-import-check", "list-import", "subscriber-edit"]  // importing a file into a list  // subscribers and lists
    + ["report", "reports"]  // reports
    + ["outbox", "audit"]  // the Outbox and the audit

  /// Loads the templates of `workspace`.
  /// - Throws: `DeskError` `.template` naming the file and line of a template that does not parse.
  init(workspace: Workspace) throws {
    let folder = workspace.templatesDirectory.appendingPathComponent("desk")
    var library = MustacheLibrary()
    var overridden: [String] = []
    func source(_ file: String) throws -> (text: String, path: String) {
      let url = folder.appendingPathComponent(file)
      let builtIn = WorkspaceDefaults.deskTemplates.first { $0.path == "Templates/desk/\(file)" }
      if let data = FileManager.default.contents(atPath: url.path) {
        guard let text = String(validating: data, as: UTF8.self) else {
          throw DeskError(.template, "\(url.path) is not valid UTF-8; save it as UTF-8")
        }
        if Array(data) != builtIn?.contents { overridden.append(file) }
        return (text, url.path)
      }
      guard let builtIn else { throw DeskError(.template, "no template \(file): Herald has none to fall back on") }
      return (String(decoding: builtIn.contents, as: UTF8.self), "Herald's default Templates/desk/\(file)")
    }
    for name in Self.names {
      let (text, path) = try source("\(name).mustache")
      do {
        library.register(try MustacheTemplate(string: text), named: name)
      } catch let error as MustacheTemplate.ParserError {
        throw DeskError(.template,
          "\(path):\(error.context.lineNumber): the template does not parse (\(error.error)) in “\(error.context.line.trimmingCharacters(in: .whitespaces))”; fix it, or delete the file to use Herald's default")
      }
    }
    self.library = library
    stylesheet = Array(try source("desk.css").text.utf8)
    script = Array(try source("desk.js").text.utf8)
    self.overridden = overridden
  }

  /// Renders the page `name` with `context` (every value HTML-escaped).
  func render(_ name: String, _ context: [String: Any]) -> String {
    library.render(context, withTemplate: name) ?? ""
  }
}
