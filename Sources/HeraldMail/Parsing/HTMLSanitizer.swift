import Foundation

/// Received HTML made safe to show: an allow-list of text and simple formatting elements,
/// written out again by Herald, so that nothing of the sender's markup reaches a browser
/// as it was sent.
///
/// Kept: text, and elements that only format it (paragraphs, headings, lists, tables,
/// emphasis, `<font>`, …) with the attributes that only lay them out. Dropped with what is
/// inside them: `<script>`, `<iframe>`, `<object>`, `<svg>`, `<math>`, `<template>`,
/// `<noscript>`, `<textarea>`, `<title>`, … Dropped, their text kept: every other element
/// (`<form>`, `<input>`, `<link>`, `<meta>`, `<base>`, `<html>`, `<body>`, …). Every `on…`
/// attribute, `id`, `name`, `srcset`, `background` and every attribute not on the list go.
///
/// Links keep an `http:` or `https:` address only (whatever its case, entities or the
/// control characters inside it) and open nowhere: `target="_blank"` and
/// `rel="noopener noreferrer"`, which a frame sandboxed without `allow-popups` does not
/// follow. Images become a placeholder with their alt text — no remote image is fetched, so
/// no tracking pixel reaches the sender — except those the caller gives as `data:` addresses
/// (the message's own `cid:` images) and `data:image/…;base64` images of a raster type.
/// CSS (the `style` attribute, `<style>` elements) loses every declaration or rule that
/// could fetch or run something: `url(`, `@import`, `expression(`, `behavior`, `-moz-binding`,
/// `image-set(`, escapes.
///
/// The output is well formed by construction: tag and attribute names come from the lists,
/// attribute values are quoted and escaped, a `<` that starts no tag is written `&lt;`.
public enum HTMLSanitizer {
  /// What sanitising made of a document.
  public struct Result: Sendable {
    /// The HTML to put in a `<body>`.
    public var html: String
    /// How many images were replaced by their placeholder.
    public var blockedImages: Int
    /// How many elements and attributes were dropped.
    public var removed: Int
    /// Whether the input was longer than the limit and its end was left out.
    public var truncated: Bool
  }

  /// The most of a document read (in UTF-8 bytes); the rest is left out.
  public static let inputLimit = 1 << 20

  /// Sanitises `html`.
  /// - Parameters:
  ///   - inlineImages: `cid:` addresses (lowercased, without angle brackets) → `data:` addresses
  ///     of the message's own images, to show in place.
  ///   - imageLabel: the placeholder's words before the image's alt text ("Image not loaded").
  ///   - limit: the most bytes of `html` read.
  public static func sanitize(
    _ html: String, inlineImages: [String: String] = [:], imageLabel: String = "Image not loaded", limit: Int = inputLimit
  ) -> Result {
    var input = Array(html.utf8)
    let truncated = input.count > limit
    if truncated { input.removeSubrange(limit...) }
    var writer = Writer(inlineImages: inlineImages, imageLabel: imageLabel)
    input.withUnsafeBufferPointer { writer.run($0) }
    return Result(html: writer.finish(), blockedImages: writer.blockedImages, removed: writer.removed, truncated: truncated)
  }

  // MARK: The lists

  /// Elements kept (their attributes filtered).
  static let allowedElements: Set<String> = [
    "a", "abbr", "address", "article", "b", "bdi", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup",
    "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "wbr", "style",
  ]

  /// Elements without content or end tag.
  static let voidElements: Set<String> = ["br", "col", "hr", "img", "wbr"]

  /// Elements dropped with everything inside them, up to their end tag.
  static let droppedWithContent: Set<String> = [
    "script", "iframe", "frameset", "object", "applet", "noembed", "noframes", "noscript", "template", "svg",
    "math", "textarea", "select", "title", "xmp", "plaintext", "xml", "canvas", "audio", "video",
  ]
  // (`<embed>`, `<frame>`, `<input>`, `<link>`, `<meta>`, `<base>` have no end tag: they are
  // dropped as tags; looking for their end would drop the rest of the document.)

  /// Attributes kept on any allowed element (`href` and `src` are looked at separately).
  static let allowedAttributes: Set<String> = [
    "align", "alt", "bgcolor", "border", "cellpadding", "cellspacing", "class", "color", "colspan", "dir", "face", "height",
    "lang", "nowrap", "rowspan", "scope", "size", "span", "start", "style", "title", "type", "valign", "width", "datetime",
    "headers", "abbr", "summary",
  ]

  /// The most elements open at once; deeper ones are dropped (their text kept).
  static let depthLimit = 200

  // MARK: URLs and CSS

  /// Whether a link's address (its attribute value, entities decoded) is `http:` or `https:`.
  public static func isWebAddress(_ value: String) -> Bool {
    let compact = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
    return compact.hasPrefix("https://") || compact.hasPrefix("http://")
  }

  /// An image `src` that loads nothing from elsewhere: a raster image as a base64 `data:` address.
  static func isInlineRasterImage(_ value: String) -> Bool {
    let compact = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
    return ["data:image/png;base64,", "data:image/gif;base64,", "data:image/jpeg;base64,", "data:image/jpg;base64,", "data:image/webp;base64,"]
      .contains { compact.hasPrefix($0) }
  }

  /// What a CSS declaration or rule may not hold: what fetches, runs, or hides either.
  private static let forbiddenCSS = [
    "url", "@import", "import", "expression", "behavior", "binding", "javascript", "vbscript", "image-set", "image(", "element(",
    "@font-face", "@namespace", "\\", "<", ">", "&",
  ]

  /// CSS without comments, and without each declaration or rule that could fetch or run
  /// something (split at `;`, `{` and `}`, each piece kept or dropped whole).
  public static func cleanCSS(_ css: String) -> String {
    var text = ""
    var rest = Substring(css)
    // Comments go first: they could split a word the check below looks for.
    while let start = rest.range(of: "/*") {
      text += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].range(of: "*/") else {
        rest = rest[rest.endIndex...]
        break
      }
      rest = rest[end.upperBound...]
    }
    text += rest
    var output = ""
    var piece = ""
    func flush() {
      let lowered = piece.lowercased()
      let controls = piece.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r") || $0.value == 0x7F }
      if !controls && !forbiddenCSS.contains(where: { lowered.contains($0) }) { output += piece }
      piece = ""
    }
    for character in text {
      if character == ";" || character == "{" || character == "}" {
        flush()
        output.append(character)
      } else {
        piece.append(character)
      }
    }
    flush()
    return output
  }

  // MARK: Writing

  private struct Writer {
    let inlineImages: [String: String]
    let imageLabel: String
    var output: [UInt8] = []
    var open: [String] = []
    var blockedImages = 0
    var removed = 0

    init(inlineImages: [String: String], imageLabel: String) {
      self.inlineImages = inlineImages
      self.imageLabel = imageLabel
    }

    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) {
      output.reserveCapacity(bytes.count + 256)
      let count = bytes.count
      var index = 0
      while index < count {
        let byte = bytes[index]
        if byte != UInt8(ascii: "<") {
          appendText(byte)
          index += 1
          continue
        }
        let next = index + 1 < count ? bytes[index + 1] : 0
        if HTMLSanitizer.matches("<!--", bytes, at: index) {
          removed += 1
          index = HTMLSanitizer.find("-->", bytes, from: index + 4).map { $0 + 3 } ?? count
        } else if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
          removed += 1
          index = HTMLSanitizer.find(">", bytes, from: index + 2).map { $0 + 1 } ?? count
        } else if next == UInt8(ascii: "/"), index + 2 < count, HTMLSanitizer.isLetter(bytes[index + 2]) {
          let tag = HTMLSanitizer.readTag(bytes, at: index + 2)
          close(tag.name)
          index = tag.end
        } else if HTMLSanitizer.isLetter(next) {
          let tag = HTMLSanitizer.readTag(bytes, at: index + 1)
          index = start(tag, bytes)
        } else {
          append("&lt;")
          index += 1
        }
      }
    }

    mutating func finish() -> String {
      while let name = open.popLast() { append("</\(name)>") }
      return String(decoding: output, as: UTF8.self)
    }

    mutating func append(_ text: String) { output.append(contentsOf: text.utf8) }

    mutating func appendText(_ byte: UInt8) {
      switch byte {
      case 0: removed += 1  // NUL: nothing a person wrote
      case UInt8(ascii: ">"): append("&gt;")
      default: output.append(byte)
      }
    }

    /// Writes an allowed start tag, or drops it (with its content for the dropped elements);
    /// returns where reading goes on.
    mutating func start(_ tag: Tag, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
      let name = tag.name
      if HTMLSanitizer.droppedWithContent.contains(name) {
        removed += 1
        guard name != "plaintext" else { return bytes.count }
        return HTMLSanitizer.endOfElement(name, bytes, from: tag.end) ?? bytes.count
      }
      if name == "style" {
        // Its text is CSS up to </style>: kept, cleaned, never able to end the element early.
        let close = HTMLSanitizer.findEndTag("style", bytes, from: tag.end)
        let css = String(decoding: bytes[tag.end..<(close ?? bytes.count)], as: UTF8.self)
        append("<style>" + HTMLSanitizer.cleanCSS(css) + "</style>")
        return close.flatMap { HTMLSanitizer.find(">", bytes, from: $0).map { $0 + 1 } } ?? bytes.count
      }
      guard HTMLSanitizer.allowedElements.contains(name), open.count < HTMLSanitizer.depthLimit else {
        removed += 1
        return tag.end
      }
      if name == "img" {
        image(tag)
        return tag.end
      }
      var written = "<" + name
      for (attribute, value) in tag.attributes {
        if attribute == "href" && name == "a" {
          if HTMLSanitizer.isWebAddress(value) {
            let address = HTMLSanitizer.withoutControls(value)
            written += " href=\"\(HTMLSanitizer.escape(address))\" title=\"\(HTMLSanitizer.escape(address))\""
          } else {
            removed += 1
          }
        } else if attribute == "title" && name == "a" {
          removed += 1  // a link's title is its address (above)
        } else if attribute == "style" {
          written += " style=\"\(HTMLSanitizer.escape(HTMLSanitizer.cleanCSS(value)))\""
        } else if HTMLSanitizer.allowedAttributes.contains(attribute) && attribute != "alt" {
          written += " \(attribute)=\"\(HTMLSanitizer.escape(value))\""
        } else {
          removed += 1
        }
      }
      if name == "a" { written += " target=\"_blank\" rel=\"noopener noreferrer\"" }
      append(written + ">")
      if !HTMLSanitizer.voidElements.contains(name) { open.append(name) }
      return tag.end
    }

    /// An image: shown only from a `data:` address (the message's own, or given inline);
    /// otherwise its placeholder.
    mutating func image(_ tag: Tag) {
      let source = tag.attributes.first { $0.name == "src" }?.value ?? ""
      let alt = tag.attributes.first { $0.name == "alt" }?.value ?? ""
      var data: String?
      if HTMLSanitizer.isInlineRasterImage(source) {
        data = HTMLSanitizer.withoutControls(source).filter { !$0.isWhitespace }
      } else {
        let compact = HTMLSanitizer.withoutControls(source).trimmingCharacters(in: .whitespaces)
        if compact.lowercased().hasPrefix("cid:") {
          let id = String(compact.dropFirst(4)).removingPercentEncoding ?? String(compact.dropFirst(4))
          data = inlineImages[id.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")).lowercased()]
        }
      }
      guard let data else {
        blockedImages += 1
        let words = alt.trimmingCharacters(in: .whitespacesAndNewlines)
        append("<span class=\"herald-blocked-image\">[" + HTMLSanitizer.escape(imageLabel + (words.isEmpty ? "" : ": " + words)) + "]</span>")
        return
      }
      var written = "<img src=\"\(HTMLSanitizer.escape(data))\" alt=\"\(HTMLSanitizer.escape(alt))\""
      for (attribute, value) in tag.attributes where ["width", "height", "align", "border", "style", "title"].contains(attribute) {
        let cleaned = attribute == "style" ? HTMLSanitizer.cleanCSS(value) : value
        written += " \(attribute)=\"\(HTMLSanitizer.escape(cleaned))\""
      }
      append(written + ">")
    }

    /// An end tag: written when its element is open (closing those opened inside it).
    mutating func close(_ name: String) {
      guard let position = open.lastIndex(of: name) else {
        if !HTMLSanitizer.voidElements.contains(name) { removed += 1 }
        return
      }
      while open.count > position { append("</\(open.removeLast())>") }
    }
  }

  // MARK: Reading

  struct Tag {
    var name: String
    var attributes: [(name: String, value: String)]
    /// The offset after the tag's `>`.
    var end: Int
  }

  /// A tag whose name starts at `start` (after `<` or `</`): its name and attributes
  /// (lowercased names, values with entities decoded), as an HTML tokenizer reads them.
  static func readTag(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Tag {
    let count = bytes.count
    var index = start
    while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: ">") { index += 1 }
    let name = String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
    var attributes: [(name: String, value: String)] = []
    while index < count {
      while index < count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1 }
      guard index < count, bytes[index] != UInt8(ascii: ">") else { break }
      let nameStart = index
      index += 1  // a name may start with "=" (HTML reads it as part of the name)
      while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: ">"),
        bytes[index] != UInt8(ascii: "=")
      {
        index += 1
      }
      let attribute = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
      while index < count, isSpace(bytes[index]) { index += 1 }
      var value = ""
      if index < count, bytes[index] == UInt8(ascii: "=") {
        index += 1
        while index < count, isSpace(bytes[index]) { index += 1 }
        if index < count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
          let quote = bytes[index]
          let valueStart = index + 1
          index = valueStart
          while index < count, bytes[index] != quote { index += 1 }
          value = decodeEntities(bytes, valueStart, index)
          if index < count { index += 1 }
        } else {
          let valueStart = index
          while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
          value = decodeEntities(bytes, valueStart, index)
        }
      }
      // The first of an attribute given twice counts, as in browsers.
      if !attributes.contains(where: { $0.name == attribute }) { attributes.append((attribute, value)) }
    }
    return Tag(name: name, attributes: attributes, end: min(index + 1, count))
  }

  /// The text of `bytes[start..<end]` with its character references decoded.
  static func decodeEntities(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    var scalars = String.UnicodeScalarView()
    var index = start
    var runStart = start
    func flushRun(_ upTo: Int) {
      scalars.append(contentsOf: String(decoding: bytes[runStart..<upTo], as: UTF8.self).unicodeScalars)
    }
    let slice = UnsafeBufferPointer(rebasing: bytes[..<end])
    while index < end {
      if bytes[index] == UInt8(ascii: "&"), let (scalar, next) = HTMLText.readEntity(slice, at: index) {
        flushRun(index)
        scalars.append(scalar)
        index = next
        runStart = next
      } else {
        index += 1
      }
    }
    flushRun(end)
    return String(scalars)
  }

  /// Where the element `name` ends: after its end tag; nil when it never does.
  static func endOfElement(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    findEndTag(name, bytes, from: start).map { position in find(">", bytes, from: position).map { $0 + 1 } ?? bytes.count }
  }

  /// The offset of the next `</name` (any case) followed by a space, `/` or `>`.
  static func findEndTag(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    let pattern = Array(("</" + name).utf8)
    var index = start
    while let found = find("</", bytes, from: index) {
      if matches(pattern, bytes, at: found, ignoringCase: true) {
        let after = found + pattern.count
        if after >= bytes.count || isSpace(bytes[after]) || bytes[after] == UInt8(ascii: ">") || bytes[after] == UInt8(ascii: "/") {
          return found
        }
      }
      index = found + 2
    }
    return nil
  }

  static func find(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    let pattern = Array(text.utf8)
    guard let first = pattern.first, start < bytes.count else { return nil }
    var index = start
    while index + pattern.count <= bytes.count {
      if bytes[index] == first, matches(pattern, bytes, at: index, ignoringCase: false) { return index }
      index += 1
    }
    return nil
  }

  static func matches(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    matches(Array(text.utf8), bytes, at: index, ignoringCase: false)
  }

  static func matches(_ pattern: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, ignoringCase: Bool) -> Bool {
    guard index + pattern.count <= bytes.count else { return false }
    for offset in 0..<pattern.count {
      let byte = bytes[index + offset]
      let wanted = pattern[offset]
      if byte == wanted { continue }
      if ignoringCase, isLetter(byte), byte | 0x20 == wanted | 0x20 { continue }
      return false
    }
    return true
  }

  static func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
  }

  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
  }

  /// Text without control characters (a URL's tabs and line breaks, which browsers skip).
  static func withoutControls(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
  }

  /// Text for an attribute value or an element's content.
  public static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      case "\0": break
      default: result.unicodeScalars.append(character)
      }
    }
    return result
  }
}
