/// The words a person wrote at the top of a reply: quoted lines ("> …"), the quoted
/// message after an attribution ("On … wrote:", "Am … schrieb …:", "-----Original Message-----",
/// an Outlook "From:/Sent:" block) and the signature after "-- " left out.
///
/// It works on UTF-8 bytes and stops as soon as the new text is longer than its limit.
struct ReplyText {
  /// The new lines, trimmed, joined with "\n".
  var text: String
  /// Whether the new text is longer than the limit it was read with (then `text` is cut there).
  var isLong: Bool

  /// How much of a body is looked at: replies that matter here are short, and the rest of a
  /// long body is the quoted release.
  static let scanLimit = 8192

  /// Reads the new text of a plain-text body (UTF-8); `limit` counts characters.
  init(plain body: [UInt8], limit: Int) {
    var kept: [UInt8] = []
    var lastLineStart = 0
    var length = 0
    var isLong = false
    var index = 0
    let end = min(body.count, Self.scanLimit)
    while index < end {
      let (raw, next) = ByteText.line(in: body, from: index, to: end)
      index = next
      // "-- " starts a signature (RFC 3676 §4.3).
      if raw.count >= 3, body[raw.lowerBound] == UInt8(ascii: "-"), body[raw.lowerBound + 1] == UInt8(ascii: "-"),
        body[raw.lowerBound + 2] == 0x20, ByteText.trimmed(body, raw).count == 2
      {
        break
      }
      let line = ByteText.trimmed(body, raw)
      if line.isEmpty || body[line.lowerBound] == UInt8(ascii: ">") { continue }
      if Self.isSeparator(body, line) { break }
      if Self.isHeaderBlockStart(body, line) { break }
      if Self.isAttribution(body, line) {
        // A long attribution wraps: "On Tue, … <press@example.org>" / "wrote:".
        if !Self.opensAttribution(body, line), !kept.isEmpty {
          length -= Self.characters(kept[lastLineStart...])
          kept.removeSubrange(max(lastLineStart - 1, 0)...)
        }
        break
      }
      if !kept.isEmpty { kept.append(0x0A) }
      lastLineStart = kept.count
      kept.append(contentsOf: body[line])
      length += Self.characters(body[line])
      if length > limit {
        isLong = true
        break
      }
    }
    self.text = String(decoding: kept, as: UTF8.self)
    self.isLong = isLong
  }

  /// Reads the new text of an HTML body: tags dropped, the quoted part (a blockquote, a
  /// rule, Gmail's, Outlook's, Thunderbird's and Yahoo's quote containers) cut off.
  init(html body: [UInt8], limit: Int) {
    self.init(plain: Self.plainText(html: body), limit: limit)
  }

  /// Characters in UTF-8 bytes (scalars: bytes that do not continue one).
  private static func characters(_ bytes: ArraySlice<UInt8>) -> Int {
    bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
  }

  /// "--", "-----Original Message-----", "________________________________" and the like.
  private static func isSeparator(_ body: [UInt8], _ line: Range<Int>) -> Bool {
    let first = body[line.lowerBound]
    guard first == UInt8(ascii: "-") || first == UInt8(ascii: "_") else { return false }
    if line.count == 2 && body[line.lowerBound + 1] == first { return true }
    return line.count >= 5 && body[line.lowerBound..<(line.lowerBound + 5)].allSatisfy { $0 == first }
  }

  /// The first line of a quoted header block, as Outlook and others write it (ASCII letters
  /// lowercase; Cyrillic as written).
  private static let headerBlockStarts = ByteText.patterns([
    "from:", "von:", "de:", "de :", "da:", "van:", "od:", "от:", "От:", "från:", "sent:", "gesendet:", "envoyé :",
    "enviado:", "inviato:", "verzonden:", "wysłano:", "отправлено:", "Отправлено:", "skickat:",
  ])

  private static func isHeaderBlockStart(_ body: [UInt8], _ line: Range<Int>) -> Bool {
    headerBlockStarts.contains { ByteText.hasPrefix(body, $0, at: line.lowerBound, ignoringCase: true) }
  }

  /// The verbs of attribution lines, in the languages Herald reads.
  private static let attributionVerbs = ByteText.patterns([
    "wrote", "schrieb", "a écrit", "escribió", "escribio", "ha scritto", "schreef", "escreveu", "napisał", "pisze",
    "пишет", "написал", "skrev",
  ])

  private static func isAttribution(_ body: [UInt8], _ line: Range<Int>) -> Bool {
    guard body[line.upperBound - 1] == UInt8(ascii: ":"), line.count < 400 else { return false }
    return attributionVerbs.contains {
      ByteText.find($0, in: body, from: line.lowerBound, to: line.upperBound, ignoringCase: true) != nil
    }
  }

  /// How attribution lines begin ("On …", "Am …", "Le …", a date).
  private static let attributionOpeners = ByteText.patterns(["on ", "am ", "le ", "el ", "il ", "op ", "em ", "w dniu", "den ", "в "])

  private static func opensAttribution(_ body: [UInt8], _ line: Range<Int>) -> Bool {
    ByteText.isDigit(body[line.lowerBound])
      || attributionOpeners.contains { ByteText.hasPrefix(body, $0, at: line.lowerBound, ignoringCase: true) }
  }

  /// Markers in a tag that start a quoted message.
  private static let quoteContainers = ByteText.patterns([
    "gmail_quote", "divrplyfwdmsg", "moz-cite-prefix", "yahoo_quoted", "appendonsend",
  ])

  /// Tags whose content is not text.
  private static let skippedElements = ByteText.patterns(["style", "script", "head", "title"])
  /// Tags that end a line.
  private static let lineTags = ByteText.patterns([
    "br", "p", "/p", "div", "/div", "tr", "/tr", "li", "/li", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "/table",
  ])
  private static let blockquote = Array("blockquote".utf8)
  private static let rule = Array("hr".utf8)

  /// The text of the start of an HTML body (UTF-8), up to the quoted message: tags dropped,
  /// line-ending tags as line breaks, the common entities decoded.
  static func plainText(html body: [UInt8]) -> [UInt8] {
    let count = min(body.count, scanLimit * 2)
    var output: [UInt8] = []
    output.reserveCapacity(min(count, scanLimit))
    var index = 0
    scanning: while index < count {
      let byte = body[index]
      if byte == UInt8(ascii: "<") {
        var end = index + 1
        while end < count && body[end] != UInt8(ascii: ">") { end += 1 }
        // "p", "/p", "br" of "br/": up to a space or a "/" that does not open the name.
        var nameEnd = index + 1
        while nameEnd < end && !ByteText.isSpace(body[nameEnd]) && (body[nameEnd] != UInt8(ascii: "/") || nameEnd == index + 1) {
          nameEnd += 1
        }
        let name = (index + 1)..<nameEnd
        func named(_ pattern: [UInt8]) -> Bool {
          name.count == pattern.count && ByteText.hasPrefix(body, pattern, at: name.lowerBound, ignoringCase: true)
        }
        if named(blockquote) || named(rule) { break scanning }
        if quoteContainers.contains(where: { ByteText.find($0, in: body, from: index, to: end, ignoringCase: true) != nil }) {
          break scanning
        }
        if let element = skippedElements.first(where: named) {
          // Skip to the closing tag.
          let closing = [UInt8(ascii: "<"), UInt8(ascii: "/")] + element
          end = ByteText.find(closing, in: body, from: end, to: count, ignoringCase: true) ?? count
          while end < count && body[end] != UInt8(ascii: ">") { end += 1 }
        } else if lineTags.contains(where: named) {
          output.append(0x0A)
        }
        index = end + 1
      } else if byte == UInt8(ascii: "&") {
        var end = index + 1
        while end < count && end - index < 10 && body[end] != UInt8(ascii: ";") { end += 1 }
        if end < count && body[end] == UInt8(ascii: ";"),
          let scalar = Self.entity(String(decoding: body[(index + 1)..<end], as: UTF8.self))
        {
          output.append(contentsOf: Array(String(Character(scalar)).utf8))
          index = end + 1
          continue
        }
        output.append(byte)
        index += 1
      } else {
        // Line breaks in HTML source are spaces.
        output.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte)
        index += 1
      }
    }
    return output
  }

  private static func entity(_ name: String) -> Unicode.Scalar? {
    switch name {
    case "nbsp": return " "
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    default:
      if name.hasPrefix("#x") || name.hasPrefix("#X"), let value = UInt32(name.dropFirst(2), radix: 16) { return Unicode.Scalar(value) }
      if name.hasPrefix("#"), let value = UInt32(name.dropFirst()) { return Unicode.Scalar(value) }
      return nil
    }
  }
}
