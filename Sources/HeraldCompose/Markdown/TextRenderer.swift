/// Renders a Markdown document as the plain-text alternative, from the same tree as the
/// HTML and not by stripping it: paragraphs wrapped at 72 columns, headings underlined,
/// list markers and nesting kept, emphasis as *x*, and links as numbered references
/// listed at the end ("[1] https://…"). No Markdown syntax or escapes survive.
import Foundation

struct TextRenderer {
  /// The column paragraphs are wrapped at.
  var width = 72
  /// Where the release's own files are published: relative references become their addresses.
  var resolved = ResolvedReferences.none

  /// The links met so far, in order; the same URL keeps its first number.
  private final class References {
    var urls: [String] = []
    func number(for url: String) -> Int {
      if let index = urls.firstIndex(of: url) { return index + 1 }
      urls.append(url)
      return urls.count
    }
  }

  /// The text of the whole document, ending with its list of links.
  func render(_ document: MarkdownDocument) -> String {
    let references = References()
    var lines = blocks(document.blocks, width: width, references: references, tight: false)
    if !references.urls.isEmpty {
      lines.append("")
      for (index, url) in references.urls.enumerated() { lines.append("[\(index + 1)] \(url)") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func blocks(_ blocks: [MarkdownBlock], width: Int, references: References, tight: Bool) -> [String] {
    var lines: [String] = []
    for block in blocks {
      let rendered = self.block(block, width: width, references: references)
      if rendered.isEmpty { continue }
      if !lines.isEmpty && !tight { lines.append("") }
      lines.append(contentsOf: rendered)
    }
    return lines
  }

  private func block(_ block: MarkdownBlock, width: Int, references: References) -> [String] {
    switch block {
    case .paragraph(let content, _):
      let text = inlines(content, references: references)
      // A paragraph with template tags is wrapped after personalisation, when the
      // values' lengths are known: mark it, and `rewrapPersonalised` wraps it then.
      if text.contains("{{") {
        return [String(Self.deferredStart) + text.replacingOccurrences(of: "\n", with: String(Self.deferredBreak)) + String(Self.deferredEnd)]
      }
      return Self.wrap(text, width: width)
    case .heading(let level, let content, _):
      let lines = Self.wrap(inlines(content, references: references), width: width)
      let longest = lines.map(\.count).max() ?? 0
      return lines + [String(repeating: level == 1 ? "=" : "-", count: longest)]
    case .quote(let children):
      return blocks(children, width: width - 2, references: references, tight: false)
        .map { $0.isEmpty ? ">" : "> " + $0 }
    case .list(let ordered, let start, let tight, let items):
      var lines: [String] = []
      let lastNumber = start + items.count - 1
      let markerWidth = ordered ? "\(lastNumber). ".count : 2
      for (index, item) in items.enumerated() {
        let marker = ordered ? "\(start + index)." : "-"
        let paddedMarker = marker + String(repeating: " ", count: markerWidth - marker.count)
        let content = blocks(item, width: width - markerWidth, references: references, tight: tight)
        if !tight && !lines.isEmpty { lines.append("") }
        for (lineIndex, line) in content.enumerated() {
          if lineIndex == 0 {
            lines.append(paddedMarker + line)
          } else {
            lines.append(line.isEmpty ? "" : String(repeating: " ", count: markerWidth) + line)
          }
        }
        if content.isEmpty { lines.append(marker) }
      }
      return lines
    case .code(let code, _):
      return code.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
    case .html:
      return []  // Raw HTML has no plain-text form; its words would show as markup.
    case .rule:
      return [String(repeating: "-", count: min(width, 24))]
    case .table(_, let header, let rows, _):
      return table(header: header, rows: rows, width: width, references: references)
    }
  }

  /// Aligned columns when they fit the width, otherwise one "Header: value" block per row.
  private func table(header: [[MarkdownInline]], rows: [[[MarkdownInline]]], width: Int, references: References) -> [String] {
    let headerTexts = header.map { Self.flatten(inlines($0, references: references)) }
    let rowTexts = rows.map { $0.map { Self.flatten(inlines($0, references: references)) } }
    let columns = max(headerTexts.count, rowTexts.map(\.count).max() ?? 0)
    var widths = Array(repeating: 0, count: columns)
    for row in [headerTexts] + rowTexts {
      for (column, text) in row.enumerated() { widths[column] = max(widths[column], text.count) }
    }
    let total = widths.reduce(0, +) + 2 * max(columns - 1, 0)
    if total <= width {
      func line(_ cells: [String]) -> String {
        var parts: [String] = []
        for column in 0..<columns {
          let text = column < cells.count ? cells[column] : ""
          parts.append(column == columns - 1 ? text : text + String(repeating: " ", count: widths[column] - text.count))
        }
        return parts.joined(separator: "  ").trimmingTrailingSpaces()
      }
      var lines: [String] = []
      if !headerTexts.isEmpty {
        lines.append(line(headerTexts))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      }
      lines.append(contentsOf: rowTexts.map(line))
      return lines
    }
    var lines: [String] = []
    for row in rowTexts {
      if !lines.isEmpty { lines.append("") }
      for (column, text) in row.enumerated() {
        let label = column < headerTexts.count && !headerTexts[column].isEmpty ? headerTexts[column] + ": " : ""
        lines.append(contentsOf: Self.wrap(label + text, width: width))
      }
    }
    return lines
  }

  /// Inline content as text; "\n" marks a hard line break.
  private func inlines(_ content: [MarkdownInline], references: References) -> String {
    var output = ""
    for inline in content {
      switch inline {
      case .text(let text), .code(let text): output += text
      case .softBreak: output += " "
      case .lineBreak: output += "\n"
      case .html: break
      case .emphasis(let children), .strong(let children):
        output += "*" + inlines(children, references: references) + "*"
      case .strikethrough(let children):
        output += "~" + inlines(children, references: references) + "~"
      case .link(let destination, _, let children, _):
        let text = inlines(children, references: references)
        output += text
        guard let url = self.resolved.links[destination] ?? HTMLRenderer.safeURL(destination) else { continue }
        // An autolink shows its address already; a reference would repeat it.
        if url == text || url == "mailto:" + text { continue }
        output += " [\(references.number(for: url))]"
      case .image(let source, let title, let alt, _):
        // The description, then the caption on a line of its own; a release's own photo
        // with its address as a numbered reference, like a link.
        let text = MarkdownInline.plainText(alt)
        if !text.isEmpty { output += "[\(text)]" }
        if let image = self.resolved.images[source] { output += " [\(references.number(for: image.original))]" }
        if !title.isEmpty { output += (output.isEmpty ? "" : "\n") + title }
      }
    }
    return output
  }

  private static func flatten(_ text: String) -> String {
    text.split(separator: "\n").joined(separator: " ")
  }

  /// Marks around a paragraph to wrap after personalisation, and a hard break inside one
  /// (private-use characters, which never occur in a release).
  static let deferredStart: Character = "\u{E000}"
  static let deferredEnd: Character = "\u{E001}"
  static let deferredBreak: Character = "\u{E002}"

  /// Wraps the marked paragraphs of personalised text at the width, each under the
  /// prefix it stands after: a list item's continuation lines hang under its text, a
  /// quote's keep their ">".
  static func rewrapPersonalised(_ text: String, width: Int = 72) -> String {
    var output: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard let start = line.firstIndex(of: deferredStart), let end = line[start...].firstIndex(of: deferredEnd) else {
        output.append(line)
        continue
      }
      let prefix = line[..<start]
      let content = line[line.index(after: start)..<end].replacingOccurrences(of: String(deferredBreak), with: "\n")
      let continuation = String(prefix.map { $0 == ">" ? ">" : " " })
      for (index, wrapped) in wrap(content, width: max(width - prefix.count, 20)).enumerated() {
        output.append(Substring((index == 0 ? String(prefix) : continuation) + wrapped))
      }
    }
    return output.joined(separator: "\n")
  }

  /// Greedy word wrap at `width` characters; a word longer than the width (a URL) gets a
  /// line of its own rather than being broken.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    for hardLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      var lineLength = 0
      for word in hardLine.split(separator: " ") {
        let length = word.count
        if lineLength > 0 && lineLength + 1 + length > width {
          lines.append(line)
          line = ""
          lineLength = 0
        }
        if lineLength > 0 {
          line += " "
          lineLength += 1
        }
        line += word
        lineLength += length
      }
      lines.append(line)
    }
    return lines
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}
