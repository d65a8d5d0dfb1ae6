import Foundation

/// A mailbox: an optional display name and an address (RFC 5322 §3.4), "Name <local@domain>".
public struct Mailbox: Hashable, Sendable, CustomStringConvertible {
  /// The display name, shown by mail clients; nil or empty for a bare address.
  public var name: String?
  /// The addr-spec, `local@domain`.
  public var address: String

  /// Makes a mailbox from an address that is already known to be valid.
  public init(name: String? = nil, address: String) {
    self.name = name
    self.address = address
  }

  /// Parses `Name <local@domain>`, `"Last, First" <local@domain>` or a bare `local@domain`.
  /// - Throws: `MailError` with code `.invalidAddress`, saying what is wrong.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingWhitespace()
    if let open = trimmed.lastIndex(of: "<") {
      guard trimmed.hasSuffix(">") else {
        throw MailError(.invalidAddress, "“\(text)” has a “<” but does not end with “>”; write it as Name <name@example.org>")
      }
      let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
      var name = String(trimmed[..<open]).trimmingWhitespace()
      if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
        name = String(name.dropFirst().dropLast())
          .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
      }
      try Mailbox.validate(address: address, in: text)
      self.init(name: name.isEmpty ? nil : name, address: address)
    } else {
      try Mailbox.validate(address: trimmed, in: text)
      self.init(name: nil, address: trimmed)
    }
  }

  /// The domain part of the address, lowercased.
  public var domain: String {
    guard let at = address.lastIndex(of: "@") else { return "" }
    return address[address.index(after: at)...].lowercased()
  }

  public var description: String {
    guard let name, !name.isEmpty else { return address }
    return "\(name) <\(address)>"
  }

  /// A syntax check of an addr-spec: a local part and a domain of dot-separated labels,
  /// within the length limits of RFC 5321, with nothing that could end a header line.
  static func validate(address: String, in original: String) throws {
    func fail(_ why: String) -> MailError {
      MailError(.invalidAddress, "“\(original)” is not a valid email address: \(why)")
    }
    guard let at = address.lastIndex(of: "@") else { throw fail("it has no “@”") }
    let local = address[..<at]
    let domain = address[address.index(after: at)...]
    guard !local.isEmpty else { throw fail("nothing before the “@”") }
    guard !domain.isEmpty else { throw fail("no domain after the “@”") }
    guard local.utf8.count <= 64 else { throw fail("the part before “@” is longer than 64 characters") }
    guard address.utf8.count <= 254 else { throw fail("it is longer than 254 characters") }
    for scalar in address.unicodeScalars
    where scalar.value < 0x21 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
      throw fail("it contains a space or control character")
    }
    for character in local where "<>()[],;:\\\"".contains(character) {
      throw fail("“\(character)” is not allowed before the “@” without quoting")
    }
    guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
      throw fail("the part before “@” has a misplaced dot")
    }
    let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
    guard labels.count >= 2 else { throw fail("the domain “\(domain)” has no dot") }
    for label in labels {
      guard !label.isEmpty else { throw fail("the domain “\(domain)” has an empty label") }
      guard label.utf8.count <= 63 else { throw fail("a label of “\(domain)” is longer than 63 characters") }
      guard !label.hasPrefix("-"), !label.hasSuffix("-") else {
        throw fail("a label of “\(domain)” starts or ends with “-”")
      }
      for character in label where !(character.isLetter || character.isNumber || character == "-") {
        throw fail("“\(character)” is not allowed in the domain “\(domain)”")
      }
    }
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks.
  func trimmingWhitespace() -> String {
    // "\r\n" is one Character, equal to neither "\r" nor "\n".
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(self[first...last])
  }

}
