import Foundation
import Mustache

/// The HTML and plain-text templates a release is rendered into, from the workspace's
/// Templates/ folder.
package struct ReleaseTemplates: Sendable {
  /// Templates/release.html.mustache.
  package var html: MustacheTemplate
  /// Templates/release.txt.mustache.
  package var text: MustacheTemplate

  /// The file names in Templates/.
  package static let htmlFile = "release.html.mustache"
  package static let textFile = "release.txt.mustache"

  /// Makes templates from their text.
  /// - Throws: `ComposeError` `.template` with the file and line of a syntax error.
  package init(html: String, htmlFile: String, text: String, textFile: String) throws {
    self.html = try Self.parse(html, file: htmlFile)
    self.text = try Self.parse(text, file: textFile)
  }

  /// Loads the templates from a folder.
  /// - Throws: `ComposeError` `.template` when one is missing, unreadable or malformed.
  package init(directory: URL) throws {
    func read(_ name: String) throws -> (String, String) {
      let url = directory.appendingPathComponent(name)
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw ComposeError(.template, file: url.path,
          "is missing; run “herald init” in a new folder to get the default templates, or copy them from the Herald repository")
      }
      guard let text = String(validating: data, as: UTF8.self) else {
        throw ComposeError(.template, file: url.path, "is not valid UTF-8; save it as UTF-8")
      }
      return (text, url.path)
    }
    let (html, htmlPath) = try read(Self.htmlFile)
    let (text, textPath) = try read(Self.textFile)
    try self.init(html: html, htmlFile: htmlPath, text: text, textFile: textPath)
  }

  private static func parse(_ text: String, file: String) throws -> MustacheTemplate {
    do {
      return try MustacheTemplate(string: text)
    } catch let error as MustacheTemplate.ParserError {
      throw ComposeError(.template, file: file, line: error.context.lineNumber,
        "template syntax error (\(describe(error.error))) in “\(error.context.line.trimmingCharacters(in: .whitespaces))”")
    }
  }

  static func describe(_ error: Error) -> String {
    switch error as? MustacheTemplate.Error {
    case .sectionCloseNameIncorrect?: return "a {{/name}} closes a different section than the one open"
    case .unfinishedName?: return "a tag is not closed with }}"
    case .expectedSectionEnd?: return "a {{#name}} section is never closed with {{/name}}"
    case .invalidSetDelimiter?: return "a {{=…=}} delimiter change is malformed"
    default: return "\(error)"
    }
  }
}
