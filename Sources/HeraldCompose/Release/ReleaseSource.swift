import Crypto
import Foundation
import HeraldCore

/// A release file's text as a person edits it: the front matter (YAML) and the Markdown,
/// apart, joined back as `---\nYAML\n---\n\nMARKDOWN`.
///
/// A file written that way (as `herald new` writes it) splits and joins back byte for byte.
/// A file that is not quite so (CRLF line ends, no blank line after the front matter) is
/// normalised when it is joined; the text itself is kept as it is.
package struct ReleaseSource: Sendable, Equatable {
  /// The front matter's lines, without the `---` lines around it.
  package var frontMatter: String
  /// The Markdown after the front matter (without the one blank line that follows it).
  package var markdown: String

  /// Makes a source from its two parts (line ends normalised to `\n`).
  package init(frontMatter: String, markdown: String) {
    self.frontMatter = Self.normalisingLineEnds(frontMatter)
    self.markdown = Self.normalisingLineEnds(markdown)
  }

  /// Splits a release file's text. A text without a closed front matter is all Markdown,
  /// with an empty front matter (saving it then says what is missing).
  package init(text: String) {
    var text = Self.normalisingLineEnds(text)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) == "---",
      let closing = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" })
    else {
      self.init(frontMatter: "", markdown: text)
      return
    }
    var body = lines[(closing + 1)...]
    if body.first == "" && body.count > 1 { body = body.dropFirst() }
    self.init(frontMatter: lines[1..<closing].joined(separator: "\n"), markdown: body.joined(separator: "\n"))
  }

  /// The file's text.
  package var text: String {
    "---\n" + frontMatter + "\n---\n\n" + markdown
  }

  /// The file line of the front matter's first line (the line after `---`).
  package static let frontMatterFirstLine = 2

  /// The file line of the Markdown's first line.
  package var markdownFirstLine: Int {
    frontMatter.split(separator: "\n", omittingEmptySubsequences: false).count + 4
  }

  /// Where a file line is, in the two parts: `.frontMatter(line, key)` with the key the line
  /// belongs to, or `.markdown(line)`; nil for the lines between them.
  package func place(ofFileLine line: Int) -> Place? {
    let yamlLines = frontMatter.split(separator: "\n", omittingEmptySubsequences: false)
    let index = line - Self.frontMatterFirstLine
    if index >= 0 && index < yamlLines.count {
      // The key is on the line, or on the nearest line above that starts one.
      let key = yamlLines[...index].reversed().lazy.compactMap(Self.key(of:)).first
      return .frontMatter(line: index + 1, key: key)
    }
    if line >= markdownFirstLine { return .markdown(line: line - markdownFirstLine + 1) }
    return nil
  }

  /// A place in the two parts.
  package enum Place: Sendable, Equatable {
    /// Line (1-based) of the front matter, and the key it is part of.
    case frontMatter(line: Int, key: String?)
    /// Line (1-based) of the Markdown.
    case markdown(line: Int)
  }

  /// The top-level key a YAML line starts (`lists: [a]` → `lists`).
  static func key(of line: Substring) -> String? {
    guard let first = line.first, first.isLetter || first == "_", let colon = line.firstIndex(of: ":") else { return nil }
    let key = line[..<colon]
    guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
    return String(key)
  }

  /// The first line (of `part`, 1-based) holding a control character that a release may
  /// not: anything but tab and line feed (NUL, escape, a lone carriage return…), or a
  /// bidirectional override that could make the text read differently than it is.
  package static func firstForbiddenCharacter(in part: String) -> (line: Int, scalar: Unicode.Scalar)? {
    var line = 1
    for scalar in part.unicodeScalars {
      if scalar == "\n" { line += 1; continue }
      if scalar == "\t" { continue }
      if scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
        return (line, scalar)
      }
    }
    return nil
  }

  /// The SHA-256 of a file's bytes, in lowercase hex: what the desk's editor remembers of
  /// the file it showed, to see whether it changed since.
  package static func digest(_ bytes: some DataProtocol) -> String {
    Hex.encode(SHA256.hash(data: bytes))
  }

  static func normalisingLineEnds(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
  }
}
