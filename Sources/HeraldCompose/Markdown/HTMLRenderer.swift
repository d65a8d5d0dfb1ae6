import HeraldCore

/// Renders a Markdown document as email HTML: every element carries its style inline
/// (mail clients drop `<style>` blocks), images scale to the column, links that lead
/// nowhere ("#", empty) and unsafe ones (`javascript:`) are kept as plain text, and raw
/// HTML is dropped unless the workspace allows it.
struct HTMLRenderer {
  /// Keep raw HTML from the Markdown.
  var allowRawHTML = false
  /// Give every element its style inline, as mail needs. Web pages, whose Content-Security-
  /// Policy forbids inline styles, are styled by a stylesheet instead.
  var inlineStyles = true
  /// Where the release's own files are published: relative references become their addresses.
  var resolved = ResolvedReferences.none

  /// ` style="css"`, or nothing without inline styles.
  private func style(_ css: String) -> String {
    inlineStyles ? " style=\"\(css)\"" : ""
  }

  /// The styles, one place to change the look.
  enum Style {
    static let paragraph = "margin:0 0 16px 0;"
    static let heading = [
      "margin:28px 0 12px 0;font-size:24px;line-height:1.3;font-weight:700;color:#111827;",
      "margin:24px 0 10px 0;font-size:20px;line-height:1.3;font-weight:700;color:#111827;",
      "margin:20px 0 8px 0;font-size:17px;line-height:1.35;font-weight:700;color:#111827;",
    ]
    static let quote = "margin:0 0 16px 0;padding:4px 0 4px 16px;border-left:4px solid #cbd5e1;color:#374151;font-style:italic;"
    static let list = "margin:0 0 16px 0;padding:0 0 0 24px;"
    static let nestedList = "margin:6px 0 0 0;padding:0 0 0 24px;"
    static let listItem = "margin:0 0 6px 0;"
    static let code = "font-family:Menlo,Consolas,'Courier New',monospace;font-size:14px;background:#f3f4f6;padding:1px 4px;border-radius:3px;"
    static let codeBlock = "margin:0 0 16px 0;padding:12px;background:#f3f4f6;border-radius:4px;font-family:Menlo,Consolas,'Courier New',monospace;font-size:14px;line-height:1.45;white-space:pre-wrap;word-wrap:break-word;"
    static let rule = "border:0;border-top:1px solid #e5e7eb;margin:24px 0;"
    static let link = "color:#0b5cad;text-decoration:underline;"
    static let image = "display:block;max-width:100%;height:auto;border:0;margin:0 0 16px 0;"
    static let figure = "margin:0 0 20px 0;padding:0;"
    static let figureImage = "display:block;max-width:100%;height:auto;border:0;margin:0 0 8px 0;"
    static let caption = "margin:0;font-size:13px;line-height:1.45;color:#6b7280;"
    static let table = "border-collapse:collapse;width:100%;margin:0 0 16px 0;font-size:15px;"
    static let headerCell = "border-bottom:2px solid #cbd5e1;padding:6px 8px;font-weight:700;"
    static let cell = "border-bottom:1px solid #e5e7eb;padding:6px 8px;"
  }

  /// The HTML of the whole document.
  func render(_ document: MarkdownDocument) -> String {
    var output = ""
    for block in document.blocks { render(block, into: &output, tight: false) }
    return output
  }

  /// - Parameters:
  ///   - tight: inside a tight list item, where paragraphs have no <p>.
  ///   - nested: inside a list item, where a list needs no space of its own below it.
  private func render(_ block: MarkdownBlock, into output: inout String, tight: Bool, nested: Bool = false) {
    switch block {
    case .paragraph(let inlines, _):
      if let figure = Self.figure(inlines) {
        // An image alone in its paragraph, with a title: a figure with its caption (a
        // figure cannot stand inside a <p>).
        output += "<figure\(style(Style.figure))>"
        image(figure.source, title: "", alt: figure.alt, css: Style.figureImage, into: &output)
        output += "<figcaption\(style(Style.caption))>\(Self.escape(figure.title))</figcaption></figure>\n"
      } else if tight {
        render(inlines, into: &output)
      } else {
        output += "<p\(style(Style.paragraph))>"
        render(inlines, into: &output)
        output += "</p>\n"
      }
    case .heading(let level, let inlines, _):
      let tag = "h\(min(max(level, 1), 3))"
      output += "<\(tag)\(style(Style.heading[min(max(level, 1), 3) - 1]))>"
      render(inlines, into: &output)
      output += "</\(tag)>\n"
    case .quote(let blocks):
      output += "<blockquote\(style(Style.quote))>\n"
      for child in blocks { render(child, into: &output, tight: false) }
      output += "</blockquote>\n"
    case .list(let ordered, let start, let isTight, let items):
      let tag = ordered ? "ol" : "ul"
      let startAttribute = ordered && start != 1 ? " start=\"\(start)\"" : ""
      output += "<\(tag)\(startAttribute)\(style(nested ? Style.nestedList : Style.list))>\n"
      for item in items {
        output += "<li\(style(Style.listItem))>"
        for (index, child) in item.enumerated() {
          if isTight, index > 0, case .paragraph = child { output += "<br>" }
          render(child, into: &output, tight: isTight, nested: true)
        }
        output += "</li>\n"
      }
      output += "</\(tag)>\n"
    case .code(let code, _):
      output += "<pre\(style(Style.codeBlock))>\(Self.escape(code))</pre>\n"
    case .html(let html, _):
      if allowRawHTML { output += html }
    case .rule:
      output += "<hr\(style(Style.rule))>\n"
    case .table(let alignments, let header, let rows, _):
      output += "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\"\(style(Style.table))>\n"
      func cells(_ row: [[MarkdownInline]], tag: String, style: String) {
        output += "<tr>"
        for (column, cell) in row.enumerated() {
          let alignment = column < alignments.count ? alignments[column] : .none
          let align: String
          switch alignment {
          case .none, .left: align = "text-align:left;"
          case .center: align = "text-align:center;"
          case .right: align = "text-align:right;"
          }
          output += "<\(tag)\(self.style(style + align))>"
          render(cell, into: &output)
          output += "</\(tag)>"
        }
        output += "</tr>\n"
      }
      if !header.isEmpty { cells(header, tag: "th", style: Style.headerCell) }
      for row in rows { cells(row, tag: "td", style: Style.cell) }
      output += "</table>\n"
    }
  }

  private func render(_ inlines: [MarkdownInline], into output: inout String) {
    for inline in inlines {
      switch inline {
      case .text(let text): output += Self.escape(text)
      case .softBreak: output += "\n"
      case .lineBreak: output += "<br>\n"
      case .code(let code): output += "<code\(style(Style.code))>\(Self.escape(code))</code>"
      case .html(let html, _): if allowRawHTML { output += html }
      case .emphasis(let children):
        output += "<em>"
        render(children, into: &output)
        output += "</em>"
      case .strong(let children):
        output += "<strong>"
        render(children, into: &output)
        output += "</strong>"
      case .strikethrough(let children):
        output += "<del>"
        render(children, into: &output)
        output += "</del>"
      case .link(let destination, let title, let children, _):
        guard let href = resolved.links[destination] ?? Self.safeURL(destination) else {
          render(children, into: &output)
          continue
        }
        let titleAttribute = title.isEmpty ? "" : " title=\"\(Self.escape(title))\""
        output += "<a href=\"\(Self.escape(href))\"\(titleAttribute)\(style(Style.link))>"
        render(children, into: &output)
        output += "</a>"
      case .image(let source, let title, let alt, _):
        image(source, title: title, alt: alt, css: Style.image, into: &output)
      }
    }
  }

  /// An `<img>`: a release's own image at its published address with the size it is
  /// shown at; any other as written.
  private func image(_ source: String, title: String, alt: [MarkdownInline], css: String, into output: inout String) {
    let found = resolved.images[source]
    guard let src = found?.source ?? Self.safeURL(source) else { return }
    let titleAttribute = title.isEmpty ? "" : " title=\"\(Self.escape(title))\""
    var size = ""
    if let width = found?.width, let height = found?.height { size = " width=\"\(width)\" height=\"\(height)\"" }
    output += "<img src=\"\(Self.escape(src))\" alt=\"\(Self.escape(MarkdownInline.plainText(alt)))\"\(titleAttribute)\(size)\(style(css))>"
  }

  /// The image of a paragraph that is one image with a title (spaces around it aside).
  static func figure(_ inlines: [MarkdownInline]) -> (source: String, title: String, alt: [MarkdownInline])? {
    let content = inlines.filter { inline in
      if case .text(let text) = inline { return !text.trimmingCharacters(in: .whitespaces).isEmpty }
      return inline != .softBreak && inline != .lineBreak
    }
    guard content.count == 1, case .image(let source, let title, let alt, _) = content[0], !title.isEmpty else { return nil }
    return (source, title, alt)
  }

  /// The URL if it leads somewhere and is safe in a mail client; nil for "#", empty,
  /// and schemes that run code (`javascript:`, `vbscript:`, `data:`).
  static func safeURL(_ url: String) -> String? {
    guard !MarkdownInline.isPlaceholder(destination: url) else { return nil }
    let scheme = url.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }.lowercased()
      .filter { !$0.isWhitespace && !$0.isNewline }
    if url.contains(":") && ["javascript", "vbscript", "data", "file"].contains(scheme) { return nil }
    return url
  }

  /// Escapes text for HTML content and attribute values (`Markup.escape`).
  static func escape(_ text: String) -> String { Markup.escape(text) }
}
