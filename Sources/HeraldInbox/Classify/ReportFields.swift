/// The fields of a machine-readable report part: a `message/delivery-status` (RFC 3464
/// §2.1) or `message/feedback-report` (RFC 5965 §3). Groups of `Name: value` lines are
/// separated by blank lines; a line that starts with a space or tab continues the one before.
struct ReportFields {
  /// One group of fields, in order; names lowercased.
  struct Group {
    var fields: [(name: String, value: String)] = []

    /// The first value of the field `name` (lowercased).
    subscript(_ name: String) -> String? {
      fields.first { $0.name == name }?.value
    }

    /// Every value of the field `name` (lowercased).
    func all(_ name: String) -> [String] {
      fields.compactMap { $0.name == name ? $0.value : nil }
    }

    func has(_ name: String) -> Bool { fields.contains { $0.name == name } }
  }

  /// The groups, in order; empty ones left out.
  var groups: [Group] = []

  /// Reads the fields of a part's (transfer-decoded) body. Lines without a colon are skipped;
  /// a folded value is joined with one space where it was folded.
  init(_ bytes: [UInt8]) {
    var group = Group()
    var index = 0
    let count = bytes.count
    while index < count {
      var end = index
      while end < count && bytes[end] != 0x0A { end += 1 }
      var lineEnd = end
      if lineEnd > index && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      let first = index < lineEnd ? bytes[index] : 0
      if ByteText.isBlank(bytes, index, lineEnd) {
        if !group.fields.isEmpty { groups.append(group) }
        group = Group()
      } else if first == 0x20 || first == 0x09 {
        if !group.fields.isEmpty {
          let more = ByteText.trimmedString(bytes, index, lineEnd)
          let last = group.fields.count - 1
          group.fields[last].value += group.fields[last].value.isEmpty ? more : " " + more
        }
      } else if let colon = bytes[index..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
        let name = String(decoding: bytes[ByteText.trimmed(bytes, index..<colon)].map(ByteText.lower), as: UTF8.self)
        if !name.isEmpty {
          group.fields.append((name, ByteText.trimmedString(bytes, colon + 1, lineEnd)))
        }
      }
      index = end + 1
    }
    if !group.fields.isEmpty { groups.append(group) }
  }

  /// The first value of `name` in any group.
  func first(_ name: String) -> String? {
    for group in groups { if let value = group[name] { return value } }
    return nil
  }

  /// The per-recipient groups of a delivery status report: every group that names a
  /// recipient, split where a second `Final-Recipient` starts without a blank line before it
  /// (some mail systems leave the blank line out).
  var recipientGroups: [Group] {
    var result: [Group] = []
    for group in groups where group.has("final-recipient") || group.has("original-recipient") {
      var current = Group()
      for field in group.fields {
        if field.name == "final-recipient" && current.has("final-recipient") {
          result.append(current)
          current = Group()
        }
        current.fields.append(field)
      }
      result.append(current)
    }
    return result
  }

  /// The address of a typed address field ("rfc822; x@example.com", "utf-8; jürgen@example.com"):
  /// without its type and angle brackets, with RFC 6533's `\x{HHHH}` escapes decoded,
  /// lowercased; nil unless it is an address.
  static func address(_ value: String) -> String? {
    var text = Substring(value)
    if let semicolon = text.firstIndex(of: ";"), !text[..<semicolon].utf8.contains(UInt8(ascii: "@")) {
      text = text[text.index(after: semicolon)...]
    }
    text = ByteText.trimmed(text)
    if text.hasPrefix("<") && text.hasSuffix(">") && text.count >= 2 { text = text.dropFirst().dropLast() }
    var address = String(text)
    if address.utf8.contains(UInt8(ascii: "\\")) { address = unescapingUnicode(address) }
    guard ByteText.isAddress(Substring(address)) else { return nil }
    return address.lowercased()
  }

  /// The value of a typed field without its type: "smtp; 550 5.1.1 …" is "550 5.1.1 …",
  /// "dns; mx.example.com" is "mx.example.com".
  static func untyped(_ value: String) -> String {
    guard let semicolon = value.firstIndex(of: ";") else { return value }
    let type = value[..<semicolon]
    guard !type.isEmpty, !type.utf8.contains(0x20) else { return value }
    return String(ByteText.trimmed(value[value.index(after: semicolon)...]))
  }

  /// A host name from a typed MTA field: "dns; mx.example.com. (192.0.2.25, the server …)"
  /// is "mx.example.com".
  static func host(_ value: String) -> String? {
    let name = untyped(value).prefix { $0 != " " && $0 != "(" && $0 != "\t" }
    let host = name.hasSuffix(".") ? name.dropLast() : name
    return host.isEmpty ? nil : String(host)
  }

  /// A Message-ID without angle brackets (as `ReceivedMessage.messageID`): the first
  /// bracketed token of the value, or its first word when it has no brackets.
  static func messageID(_ value: some StringProtocol) -> String? {
    let text = ByteText.trimmed(Substring(value))
    if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">"), text.index(after: open) < close {
      return String(text[text.index(after: open)..<close])
    }
    let word = text.prefix { $0 != " " && $0 != "\t" }
    return word.isEmpty ? nil : String(word)
  }

  /// RFC 6533 §3's `\x{HHHH}` escapes decoded.
  private static func unescapingUnicode(_ text: String) -> String {
    var output = String.UnicodeScalarView()
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      if scalars[index] == "\\", index + 2 < scalars.count, scalars[index + 1] == "x", scalars[index + 2] == "{",
        let close = scalars[(index + 3)...].firstIndex(of: "}"),
        let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 3)..<close])), radix: 16),
        let scalar = Unicode.Scalar(value)
      {
        output.append(scalar)
        index = close + 1
      } else {
        output.append(scalars[index])
        index += 1
      }
    }
    return String(output)
  }
}
