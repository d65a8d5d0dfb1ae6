import Foundation

/// A server's reply to an SMTP command (RFC 5321 §4.2), with its enhanced status code
/// (RFC 3463) when the server gives one: "550 5.1.1 <x@example.org>: no such user".
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
  /// The three-digit code.
  public var code: Int
  /// The enhanced status code, "5.1.1", when there is one.
  public var enhancedCode: String?
  /// The whole reply as the server sent it (the lines of a multi-line reply joined by " / ").
  public var text: String

  /// Reads a reply from its lines ("250-first", "250 last"); nil when they are not SMTP replies.
  public init?(lines: [String]) {
    guard let last = lines.last, last.count >= 3, let code = Int(last.prefix(3)), (200...599).contains(code) else { return nil }
    self.code = code
    self.text = lines.count == 1 ? Self.trimmed(last) : lines.map(Self.trimmed).joined(separator: " / ")
    // "250 2.0.0 Ok": the enhanced code starts the text after the code and separator.
    let rest = last.dropFirst(4).split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
    let parts = rest.split(separator: ".")
    if parts.count == 3, let first = parts.first, ["2", "4", "5"].contains(String(first)), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
      self.enhancedCode = rest
    } else {
      self.enhancedCode = nil
    }
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

  public var description: String { text }
}
