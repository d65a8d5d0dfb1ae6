/// HTML turned into readable plain text: tags dropped, <br>/<p>/<div>/<li>/<tr>/headings as
/// line breaks, <a href> text kept, entities (named, decimal, hex) decoded,
/// <script>/<style>/<head> content dropped, whitespace collapsed.
///
/// It is for reading what a person wrote in an HTML-only reply, not for rendering: one pass
/// over the bytes, no tree. Paragraphs, headings, block quotes and <pre> are set apart by
/// a blank line, other blocks (div, li, tr, table…) by a line break; table cells by a
/// space. Whitespace is collapsed to one space, except inside <pre>. Link addresses and
/// image sources are left out.
public enum HTMLText {
  /// The readable text of `html`.
  public static func text(fromHTML html: String) -> String {
    var html = html
    return html.withUTF8 { convert($0) }
  }

  /// Elements whose content is not text to read.
  private static let droppedElements: Set<String> = ["script", "style", "head", "title", "noscript", "template", "xml"]
  /// Elements set apart by a blank line.
  private static let paragraphElements: Set<String> = [
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
  ]
  /// Elements that start and end a line.
  private static let blockElements: Set<String> = [
    "div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot", "caption", "section",
    "article", "header", "footer", "nav", "aside", "address", "figure", "figcaption", "form", "fieldset", "hr",
    "center", "main", "body", "html", "details", "summary",
  ]

  private static func convert(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var writer = Writer()
    writer.output.reserveCapacity(bytes.count / 2)
    var preDepth = 0
    // Dropped elements found without an end: a later one of the same name has none either.
    var unclosed: Set<String> = []
    var index = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "<"):
        guard let tag = readTag(bytes, at: index) else {
          writer.append(byte)
          index += 1
          continue
        }
        index = tag.end
        guard let name = tag.name else { continue }  // a comment, doctype or processing instruction
        if !tag.isClosing, droppedElements.contains(name), let end = endOfDroppedElement(name, bytes, from: index, unclosed: &unclosed) {
          index = end
        } else if name == "br" {
          writer.lineBreak(adding: 1)
        } else if paragraphElements.contains(name) {
          writer.lineBreak(atLeast: 2)
          if name == "pre" { preDepth = max(0, preDepth + (tag.isClosing ? -1 : 1)) }
        } else if blockElements.contains(name) {
          writer.lineBreak(atLeast: 1)
        } else if name == "td" || name == "th" {
          writer.pendingSpace = true
        }
      case UInt8(ascii: "&"):
        if let (scalar, end) = readEntity(bytes, at: index) {
          if scalar == "\u{A0}" && preDepth == 0 {
            writer.pendingSpace = true
          } else {
            for unit in UTF8.encode(scalar)! { writer.append(unit) }
          }
          index = end
        } else {
          writer.append(byte)
          index += 1
        }
      case .space, .tab, .cr, .lf, 0x0C:
        if preDepth > 0 {
          if byte == .lf {
            writer.lineBreak(adding: 1, inPre: true)
          } else if byte != .cr {
            writer.append(byte)
          }
        } else {
          writer.pendingSpace = true
        }
        index += 1
      default:
        writer.append(byte)
        index += 1
      }
    }
    return String(decoding: writer.output, as: UTF8.self)
  }

  /// Text written with whitespace owed rather than written, so that none is doubled, none
  /// ends a line and none starts the text.
  private struct Writer {
    var output: [UInt8] = []
    var pendingSpace = false
    var pendingBreaks = 0

    @inline(__always)
    mutating func append(_ byte: UInt8) {
      if !output.isEmpty {
        if pendingBreaks > 0 {
          for _ in 0..<pendingBreaks { output.append(.lf) }
        } else if pendingSpace {
          output.append(.space)
        }
      }
      pendingBreaks = 0
      pendingSpace = false
      output.append(byte)
    }

    mutating func lineBreak(atLeast count: Int) {
      pendingBreaks = max(pendingBreaks, count)
    }

    mutating func lineBreak(adding count: Int, inPre: Bool = false) {
      pendingBreaks = inPre ? pendingBreaks + count : min(2, pendingBreaks + count)
    }
  }

  /// A tag at `start` ("<"): its lowercased name (nil for comments and declarations),
  /// whether it closes, and the offset after its ">". Nil when "<" starts no tag ("a < b").
  private static func readTag(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (
    name: String?, isClosing: Bool, end: Int
  )? {
    let count = bytes.count
    guard start + 1 < count else { return nil }
    var index = start + 1
    let first = bytes[index]
    if first == UInt8(ascii: "!") || first == UInt8(ascii: "?") {
      // A comment runs to "-->"; a declaration or processing instruction to ">".
      if first == UInt8(ascii: "!"), start + 3 < count, bytes[start + 2] == UInt8(ascii: "-"),
        bytes[start + 3] == UInt8(ascii: "-")
      {
        var scan = start + 4
        while scan + 2 < count {
          if bytes[scan] == UInt8(ascii: "-"), bytes[scan + 1] == UInt8(ascii: "-"),
            bytes[scan + 2] == UInt8(ascii: ">")
          {
            return (nil, false, scan + 3)
          }
          scan += 1
        }
        return (nil, false, count)
      }
      var scan = index
      while scan < count, bytes[scan] != UInt8(ascii: ">") { scan += 1 }
      return (nil, false, min(scan + 1, count))
    }
    var isClosing = false
    if first == UInt8(ascii: "/") {
      isClosing = true
      index += 1
    }
    let nameStart = index
    while index < count, isNameByte(bytes[index]) { index += 1 }
    guard index > nameStart, isLetter(bytes[nameStart]) else { return nil }
    let name = MIMEParameters.lowercasedASCII(UnsafeBufferPointer(rebasing: bytes[nameStart..<index]))
    // Attributes, up to ">" outside quotes.
    var quote: UInt8?
    while index < count {
      let byte = bytes[index]
      if let open = quote {
        if byte == open { quote = nil }
      } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        quote = byte
      } else if byte == UInt8(ascii: ">") {
        return (name, isClosing, index + 1)
      }
      index += 1
    }
    return (name, isClosing, count)
  }

  /// The offset after the end tag of a dropped element whose start tag ends at `start`:
  /// "</name>", or for <head> also the start of <body>. Nil for an unclosed <head>, <title>
  /// and the like (dropping the rest would drop the whole text); an unclosed <script> or
  /// <style> runs to the end, as in a browser.
  private static func endOfDroppedElement(
    _ name: String, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, unclosed: inout Set<String>
  ) -> Int? {
    let runsToEnd = name == "script" || name == "style"
    guard !unclosed.contains(name) else { return runsToEnd ? bytes.count : nil }
    let closing = Array("</\(name)".utf8)
    let body = Array("<body".utf8)
    var index = start
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "<") {
        if matches(closing, bytes, at: index) {
          var end = index + closing.count
          while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
          return min(end + 1, bytes.count)
        }
        if name == "head", matches(body, bytes, at: index) { return index }
      }
      index += 1
    }
    unclosed.insert(name)
    return runsToEnd ? bytes.count : nil
  }

  /// Whether `pattern` (lowercase) is at `index`, compared without case, and not followed by
  /// more of a name ("</b" does not match "</body").
  private static func matches(_ pattern: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    guard index + pattern.count <= bytes.count else { return false }
    for offset in 0..<pattern.count {
      let byte = bytes[index + offset]
      let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
      guard lower == pattern[offset] else { return false }
    }
    let next = index + pattern.count
    return next == bytes.count || !isNameByte(bytes[next])
  }

  /// An entity at `start` ("&"): its character and the offset after it; nil when "&" starts
  /// none (it is then text, as in "Q&A").
  static func readEntity(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
    let count = bytes.count
    var index = start + 1
    guard index < count else { return nil }
    if bytes[index] == UInt8(ascii: "#") {
      index += 1
      var radix: UInt32 = 10
      if index < count, bytes[index] | 0x20 == UInt8(ascii: "x") {
        radix = 16
        index += 1
      }
      let digitsStart = index
      var value: UInt32 = 0
      while index < count, index - digitsStart < (radix == 16 ? 7 : 8),
        let digit = digitValue(bytes[index], radix: radix)
      {
        value = value * radix + digit
        index += 1
      }
      guard index > digitsStart else { return nil }
      if index < count, bytes[index] == UInt8(ascii: ";") { index += 1 }
      return (numericCharacter(value), index)
    }
    let nameStart = index
    while index < count, index - nameStart < 32, isNameByte(bytes[index]) { index += 1 }
    guard index > nameStart else { return nil }
    let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
    if index < count, bytes[index] == UInt8(ascii: ";") {
      guard let scalar = entities[name] else { return nil }
      return (scalar, index + 1)
    }
    // Without ";", only the few entities old HTML wrote that way.
    guard ["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"].contains(name), let scalar = entities[name] else {
      return nil
    }
    return (scalar, index)
  }

  /// The character of a numeric reference, as HTML reads it: 0x80–0x9F as Windows-1252
  /// (what such references always meant), NUL, surrogates and out-of-range values as U+FFFD.
  private static func numericCharacter(_ value: UInt32) -> Unicode.Scalar {
    if value >= 0x80, value <= 0x9F {
      return Unicode.Scalar(SingleByteCharset.windows1252Table[Int(value) - 0x80]) ?? "\u{FFFD}"
    }
    guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
    return scalar
  }

  private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  @inline(__always)
  private static func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }

  @inline(__always)
  private static func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
      || byte == UInt8(ascii: ":")
  }
}
