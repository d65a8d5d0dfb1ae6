import CCmark

extension MarkdownDocument {
  /// Parses CommonMark with the GFM table, strikethrough and autolink extensions, and
  /// smart punctuation (curly quotes and dashes, as in print).
  /// - Parameters:
  ///   - text: The Markdown.
  ///   - firstLine: The file line the text starts on, so that lines refer to the file.
  package init(parsing text: String, firstLine: Int = 1) {
    cmark_gfm_core_extensions_ensure_registered()
    let options = CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8
    guard let parser = cmark_parser_new(options) else { fatalError("cmark-gfm could not allocate a parser") }
    defer { cmark_parser_free(parser) }
    for name in ["table", "strikethrough", "autolink"] {
      if let extensionPointer = cmark_find_syntax_extension(name) {
        cmark_parser_attach_syntax_extension(parser, extensionPointer)
      }
    }
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        cmark_parser_feed(parser, $0, buffer.count)
      }
    }
    guard let root = cmark_parser_finish(parser) else { fatalError("cmark-gfm could not finish parsing") }
    defer { cmark_node_free(root) }
    let reader = CmarkTreeReader(lineOffset: firstLine - 1)
    self.init(blocks: reader.blocks(childrenOf: root))
  }
}

/// Reads cmark's node tree into Swift values. Extension nodes (tables, strikethrough) are
/// recognised by their type names, which is how cmark-gfm exposes them.
private struct CmarkTreeReader {
  let lineOffset: Int

  func children(of node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let current = child {
      result.append(current)
      child = cmark_node_next(current)
    }
    return result
  }

  func literal(_ node: OpaquePointer) -> String {
    cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
  }

  func typeName(_ node: OpaquePointer) -> String {
    cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
  }

  func line(_ node: OpaquePointer) -> Int {
    Int(cmark_node_get_start_line(node)) + lineOffset
  }

  func blocks(childrenOf node: OpaquePointer) -> [MarkdownBlock] {
    children(of: node).compactMap(block)
  }

  func block(_ node: OpaquePointer) -> MarkdownBlock? {
    switch cmark_node_get_type(node) {
    case CMARK_NODE_PARAGRAPH:
      return .paragraph(inlines(childrenOf: node), line: line(node))
    case CMARK_NODE_HEADING:
      return .heading(level: Int(cmark_node_get_heading_level(node)), inlines(childrenOf: node), line: line(node))
    case CMARK_NODE_BLOCK_QUOTE:
      return .quote(blocks(childrenOf: node))
    case CMARK_NODE_LIST:
      return .list(
        ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
        start: Int(cmark_node_get_list_start(node)),
        tight: cmark_node_get_list_tight(node) != 0,
        items: children(of: node).map { blocks(childrenOf: $0) })
    case CMARK_NODE_CODE_BLOCK:
      var code = literal(node)
      if code.hasSuffix("\n") { code.removeLast() }
      return .code(code, language: cmark_node_get_fence_info(node).map { String(cString: $0) } ?? "")
    case CMARK_NODE_HTML_BLOCK:
      return .html(literal(node), line: line(node))
    case CMARK_NODE_THEMATIC_BREAK:
      return .rule
    default:
      guard typeName(node) == "table" else { return nil }
      return table(node)
    }
  }

  func table(_ node: OpaquePointer) -> MarkdownBlock {
    let columns = Int(cmark_gfm_extensions_get_table_columns(node))
    var alignments: [TableAlignment] = []
    if let pointer = cmark_gfm_extensions_get_table_alignments(node) {
      for index in 0..<columns {
        switch pointer[index] {
        case UInt8(ascii: "l"): alignments.append(.left)
        case UInt8(ascii: "c"): alignments.append(.center)
        case UInt8(ascii: "r"): alignments.append(.right)
        default: alignments.append(.none)
        }
      }
    }
    var header: [[MarkdownInline]] = []
    var rows: [[[MarkdownInline]]] = []
    for row in children(of: node) {
      let cells = children(of: row).map { inlines(childrenOf: $0) }
      if cmark_gfm_extensions_get_table_row_is_header(row) != 0 { header = cells } else { rows.append(cells) }
    }
    return .table(alignments: alignments, header: header, rows: rows, line: line(node))
  }

  func inlines(childrenOf node: OpaquePointer) -> [MarkdownInline] {
    var result: [MarkdownInline] = []
    for child in children(of: node) {
      guard let inline = inline(child) else { continue }
      // cmark splits text at punctuation it looked at; join the pieces back together.
      if case .text(let text) = inline, case .text(let previous)? = result.last {
        result[result.count - 1] = .text(previous + text)
      } else {
        result.append(inline)
      }
    }
    return result
  }

  func inline(_ node: OpaquePointer) -> MarkdownInline? {
    switch cmark_node_get_type(node) {
    case CMARK_NODE_TEXT: return .text(literal(node))
    case CMARK_NODE_SOFTBREAK: return .softBreak
    case CMARK_NODE_LINEBREAK: return .lineBreak
    case CMARK_NODE_CODE: return .code(literal(node))
    case CMARK_NODE_HTML_INLINE: return .html(literal(node), line: line(node))
    case CMARK_NODE_EMPH: return .emphasis(inlines(childrenOf: node))
    case CMARK_NODE_STRONG: return .strong(inlines(childrenOf: node))
    case CMARK_NODE_LINK:
      return .link(
        destination: cmark_node_get_url(node).map { String(cString: $0) } ?? "",
        title: cmark_node_get_title(node).map { String(cString: $0) } ?? "",
        inlines(childrenOf: node), line: line(node))
    case CMARK_NODE_IMAGE:
      return .image(
        source: cmark_node_get_url(node).map { String(cString: $0) } ?? "",
        title: cmark_node_get_title(node).map { String(cString: $0) } ?? "",
        alt: inlines(childrenOf: node), line: line(node))
    default:
      if typeName(node) == "strikethrough" { return .strikethrough(inlines(childrenOf: node)) }
      return .text(literal(node))
    }
  }
}
