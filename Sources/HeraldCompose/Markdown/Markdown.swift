import Foundation

/// A Markdown body as a tree of blocks and inlines, read from cmark-gfm's AST: the one
/// parse that both the HTML and the plain-text renderers, and the checks, work from.
package struct MarkdownDocument: Sendable, Equatable {
  /// The top-level blocks.
  package var blocks: [MarkdownBlock]
}

/// A block-level element.
package indirect enum MarkdownBlock: Sendable, Equatable {
  case paragraph([MarkdownInline], line: Int)
  case heading(level: Int, [MarkdownInline], line: Int)
  case quote([MarkdownBlock])
  case list(ordered: Bool, start: Int, tight: Bool, items: [[MarkdownBlock]])
  case code(String, language: String)
  case html(String, line: Int)
  case rule
  case table(alignments: [TableAlignment], header: [[MarkdownInline]], rows: [[[MarkdownInline]]], line: Int)
}

/// A column's alignment in a GFM table.
package enum TableAlignment: Sendable, Equatable {
  case none, left, center, right
}

/// An inline element.
package indirect enum MarkdownInline: Sendable, Equatable {
  case text(String)
  case softBreak
  case lineBreak
  case code(String)
  case html(String, line: Int)
  case emphasis([MarkdownInline])
  case strong([MarkdownInline])
  case strikethrough([MarkdownInline])
  case link(destination: String, title: String, [MarkdownInline], line: Int)
  case image(source: String, title: String, alt: [MarkdownInline], line: Int)
}

extension MarkdownInline {
  /// The text of inlines without any markup, as a screen reader or alt text would have it.
  package static func plainText(_ inlines: [MarkdownInline]) -> String {
    var text = ""
    for inline in inlines {
      switch inline {
      case .text(let value), .code(let value): text += value
      case .softBreak, .lineBreak: text += " "
      case .html: break
      case .emphasis(let children), .strong(let children), .strikethrough(let children),
        .link(_, _, let children, _), .image(_, _, let children, _):
        text += plainText(children)
      }
    }
    return text
  }

  /// A link whose destination leads nowhere: empty, or "#" alone.
  package static func isPlaceholder(destination: String) -> Bool {
    let trimmed = destination.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty || trimmed == "#"
  }
}

extension MarkdownDocument {
  /// Calls `visit` with every inline element, depth first, children after their parent.
  package func forEachInline(_ visit: (MarkdownInline) -> Void) {
    func walk(_ inlines: [MarkdownInline]) {
      for inline in inlines {
        visit(inline)
        switch inline {
        case .emphasis(let children), .strong(let children), .strikethrough(let children), .link(_, _, let children, _):
          walk(children)
        default:
          break
        }
      }
    }
    func walk(_ blocks: [MarkdownBlock]) {
      for block in blocks {
        switch block {
        case .paragraph(let inlines, _), .heading(_, let inlines, _): walk(inlines)
        case .quote(let children): walk(children)
        case .list(_, _, _, let items): items.forEach(walk)
        case .table(_, let header, let rows, _): (header + rows.flatMap { $0 }).forEach(walk)
        case .code, .html, .rule: break
        }
      }
    }
    walk(blocks)
  }

  /// The line of every raw HTML block.
  var htmlBlockLines: [Int] {
    func lines(_ blocks: [MarkdownBlock]) -> [Int] {
      blocks.flatMap { block -> [Int] in
        switch block {
        case .html(_, let line): return [line]
        case .quote(let children): return lines(children)
        case .list(_, _, _, let items): return items.flatMap(lines)
        default: return []
        }
      }
    }
    return lines(blocks)
  }
}

extension MarkdownDocument {
  /// The document with every line break kept as written (a soft break becomes a hard one):
  /// for a letter, whose signature and address stay on their lines, unlike a release,
  /// whose paragraphs reflow.
  package func keepingLineBreaks() -> MarkdownDocument {
    MarkdownDocument(blocks: blocks.map { $0.keepingLineBreaks() })
  }
}

extension MarkdownBlock {
  fileprivate func keepingLineBreaks() -> MarkdownBlock {
    switch self {
    case .paragraph(let inlines, let line): .paragraph(inlines.map { $0.keepingLineBreaks() }, line: line)
    case .heading(let level, let inlines, let line): .heading(level: level, inlines.map { $0.keepingLineBreaks() }, line: line)
    case .quote(let blocks): .quote(blocks.map { $0.keepingLineBreaks() })
    case .list(let ordered, let start, let tight, let items): .list(ordered: ordered, start: start, tight: tight, items: items.map { $0.map { $0.keepingLineBreaks() } })
    case .code, .html, .rule, .table: self
    }
  }
}

extension MarkdownInline {
  fileprivate func keepingLineBreaks() -> MarkdownInline {
    switch self {
    case .softBreak: .lineBreak
    case .emphasis(let inlines): .emphasis(inlines.map { $0.keepingLineBreaks() })
    case .strong(let inlines): .strong(inlines.map { $0.keepingLineBreaks() })
    case .strikethrough(let inlines): .strikethrough(inlines.map { $0.keepingLineBreaks() })
    case .link(let destination, let title, let inlines, let line): .link(destination: destination, title: title, inlines.map { $0.keepingLineBreaks() }, line: line)
    case .text, .lineBreak, .code, .html, .image: self
    }
  }
}
