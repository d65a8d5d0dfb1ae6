import Foundation
import HeraldWorkspace
import Mustache

/// The web server's templates: Templates/web/ of the workspace, each file that is missing
/// there taken from the defaults compiled into Herald (a workspace made before the web
/// server has none). Loaded and checked once, when the server starts.
struct WebPages: @unchecked Sendable {  // MustacheLibrary is immutable once built
  private let library: MustacheLibrary
  /// Templates/web/style.css.
  let stylesheet: [UInt8]
  /// The templates of the workspace that differ from Herald's defaults.
  let overridden: [String]

  /// The pages, by template name (the file name without .mustache).
  static let names = [
    "layout", "index", "release", "subscribe-lists", "subscribe", "subscribe-sent", "confirm", "confirmed", "unsubscribe", "unsubscribed",
    "contact", "contact-sent", "problem",
  ]

  /// Loads the templates of `workspace`.
  /// - Throws: `WebError` `.template` naming the file and line of a template that does not parse.
  init(workspace: Workspace) throws {
    let folder = workspace.templatesDirectory.appendingPathComponent("web")
    var library = MustacheLibrary()
    var overridden: [String] = []
    func source(_ file: String) throws -> (text: String, path: String) {
      let url = folder.appendingPathComponent(file)
      let builtIn = WorkspaceDefaults.webTemplates.first { $0.path == "Templates/web/\(file)" }
      if let data = FileManager.default.contents(atPath: url.path) {
        guard let text = String(validating: data, as: UTF8.self) else {
          throw WebError(.template, "\(url.path) is not valid UTF-8; save it as UTF-8")
        }
        if Array(data) != builtIn?.contents { overridden.append(file) }
        return (text, url.path)
      }
      guard let builtIn else {
        throw WebError(.template, "no template \(file): Herald has none to fall back on")
      }
      return (String(decoding: builtIn.contents, as: UTF8.self), "Herald's default Templates/web/\(file)")
    }
    for name in Self.names {
      let (text, path) = try source("\(name).mustache")
      do {
        library.register(try MustacheTemplate(string: text), named: name)
      } catch let error as MustacheTemplate.ParserError {
        throw WebError(.template,
          "\(path):\(error.context.lineNumber): the template does not parse (\(error.error)) in “\(error.context.line.trimmingCharacters(in: .whitespaces))”; fix it, or delete the file to use Herald's default")
      }
    }
    self.library = library
    self.stylesheet = Array(try source("style.css").text.utf8)
    self.overridden = overridden
  }

  /// Renders the page `name` with `context` (HTML-escaped values; the release's own HTML is
  /// the one value put in as it is).
  func render(_ name: String, _ context: [String: Any]) -> String {
    library.render(context, withTemplate: name) ?? ""
  }
}
