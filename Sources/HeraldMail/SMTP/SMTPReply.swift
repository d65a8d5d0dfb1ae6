/// A server's reply to an SMTP command (RFC 5321 §4.2), with its enhanced status code
/// (RFC 3463) when the server gives one: "550 5.1.1 <x@example.org>: no such user".
///
/// A pure value: the SMTP client reads replies with it, and the inbox reads the
/// `Diagnostic-Code: smtp; …` of a bounce with it.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
  /// The three-digit code.
  public var code: Int
  /// The enhanced status code, when the reply starts its text with one.
  public var enhancedCode: EnhancedStatusCode?
  /// The whole reply as the server sent it (the lines of a multi-line reply joined by " / ").
  public var text: String

  /// Makes a reply from its parts.
  public init(code: Int, enhancedCode: EnhancedStatusCode? = nil, text: String) {
    self.code = code
    self.enhancedCode = enhancedCode
    self.text = text
  }

  /// Reads a reply from its lines ("250-first", "250 last"); nil when the last is not a
  /// reply line (a code from 200 to 599, then a space, a hyphen or nothing).
  public init?(lines: [String]) {
    guard let last = lines.last, let code = Self.code(of: last) else { return nil }
    self.code = code
    self.text = lines.count == 1 ? Self.trimmed(last) : lines.map(Self.trimmed).joined(separator: " / ")
    // "250 2.0.0 Ok": the enhanced code starts the text after the code and separator.
    let rest = last.utf8.dropFirst(4)
    let word = rest.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
    let enhanced = word.isEmpty ? nil : EnhancedStatusCode(Substring(word))
    // The enhanced code's class must agree with the reply's (RFC 3463 §2): a "250 5.1.1"
    // is not a bounce.
    self.enhancedCode = enhanced.flatMap { $0.statusClass.rawValue == code / 100 ? $0 : nil }
  }

  /// Reads a one-line reply, such as "550 5.1.1 <x@example.org>: no such user".
  public init?(_ line: String) {
    self.init(lines: [line])
  }

  /// The three-digit code at the start of a line, when it is a reply line.
  private static func code(of line: String) -> Int? {
    let utf8 = Array(line.utf8.prefix(4))
    guard utf8.count >= 3, utf8[0...2].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
    guard utf8.count == 3 || utf8[3] == UInt8(ascii: " ") || utf8[3] == UInt8(ascii: "-") || utf8[3] == 0x0D || utf8[3] == 0x0A else { return nil }
    let code = Int(utf8[0] - 48) * 100 + Int(utf8[1] - 48) * 10 + Int(utf8[2] - 48)
    return (200...599).contains(code) ? code : nil
  }

  /// `line` without spaces, tabs, CR or LF at either end (without Foundation: this runs
  /// for every message).
  private static func trimmed(_ line: String) -> String {
    let utf8 = line.utf8
    let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    guard let first = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) }) else { return "" }
    if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return line }
    return String(line[first...last])
  }

  /// 2xx: done.
  public var isSuccess: Bool { (200..<300).contains(code) }
  /// 4xx: try again later.
  public var isTransient: Bool { (400..<500).contains(code) }
  /// 5xx: will not work as it is.
  public var isPermanent: Bool { (500..<600).contains(code) }

  /// The reply with what is particular to one message taken out: addresses in angle
  /// brackets or standing alone, and queue ids, so that the replies to many messages group
  /// under one reason ("550 5.1.1 <…>: Recipient address rejected").
  public var reason: String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      if !output.isEmpty { output += " " }
      if word.contains("@") {
        let open = word.hasPrefix("<") ? "<" : ""
        let trail = word.reversed().prefix { !$0.isLetter && !$0.isNumber && $0 != ">" }
        let close = word.dropLast(trail.count).hasSuffix(">") ? ">" : ""
        output += open + "…" + close + String(trail.reversed())
      } else if word.count >= 8, word.allSatisfy({ $0.isHexDigit || $0 == "-" }), word.contains(where: \.isNumber) {
        output += "…"  // a queue id: "queued as 4F2A9C81B"
      } else {
        output += word
      }
    }
    return output
  }

  public var description: String { text }
}
