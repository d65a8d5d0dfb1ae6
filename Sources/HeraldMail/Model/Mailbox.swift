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

  /// A syntax check of an addr-spec by the rules of `EmailAddress.normalize`, which has the
  /// one definition of a valid address; errors quote `original`. The mailbox keeps the address
  /// as written, so the result (with the domain in ASCII) is not used here.
  static func validate(address: String, in original: String) throws {
    _ = try EmailAddress.normalized(address, quoting: original)
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
