import HeraldCore

/// The text of a subscriber's name and organisation as the store keeps it: one line,
/// without control characters. Names end up in header fields and templates, where a line
/// break or a NUL would split or cut what is written; so they are cleaned when they come in
/// (an import, `subscribers add`, a web form), and the caller is told. Bidirectional
/// controls (U+202E and friends, `TerminalText.isBidirectionalControl`) are removed: in a
/// name they only serve to make it read as something else ("Anna" shown over "annA"), in a
/// list, a header or a terminal.
package enum SubscriberText {
  /// `text` with line breaks, tabs, NUL and other control characters (and Unicode's line
  /// and paragraph separators) replaced by a space, bidirectional controls removed, runs of
  /// spaces made one, and the ends trimmed; with what was found and done, for the report
  /// ("a line break (replaced by a space)"), or nil when it was clean.
  package static func cleaned(_ text: String) -> (text: String, found: String?) {
    // The common case: plain text without a control character, checked on the UTF-8 bytes
    // (C0 controls and DEL are single bytes; C1 controls are C2 80–9F; U+2028/2029 are E2 80 A8/A9;
    // the bidirectional controls are D8 9C, E2 80 8E/8F, E2 80 AA–AE and E2 81 A6–A9).
    var utf8 = text.utf8
    let plain = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      for (index, byte) in bytes.enumerated() {
        if byte < 0x20 || byte == 0x7F { return false }
        if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return false }
        if byte == 0xD8, index + 1 < bytes.count, bytes[index + 1] == 0x9C { return false }
        if byte == 0xE2, index + 2 < bytes.count {
          let (second, third) = (bytes[index + 1], bytes[index + 2])
          if second == 0x80, [0x8E, 0x8F, 0xA8, 0xA9].contains(third) || (0xAA...0xAE).contains(third) { return false }
          if second == 0x81, (0xA6...0xA9).contains(third) { return false }
        }
      }
      return true
    } ?? !text.unicodeScalars.contains(where: { isControl($0) || TerminalText.isBidirectionalControl($0) })
    _ = utf8
    if plain { return (text, nil) }
    var lineBreak = false, null = false, other = false, bidirectional = false
    var output = String.UnicodeScalarView()
    var lastWasSpace = true  // drops leading spaces
    for scalar in text.unicodeScalars {
      if TerminalText.isBidirectionalControl(scalar) {
        bidirectional = true
        continue
      }
      if isControl(scalar) {
        switch scalar.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: lineBreak = true
        case 0x00: null = true
        default: other = true
        }
        if !lastWasSpace { output.append(" ") }
        lastWasSpace = true
      } else {
        if scalar == " " && lastWasSpace { continue }
        output.append(scalar)
        lastWasSpace = scalar == " "
      }
    }
    var cleaned = String(output)
    while cleaned.hasSuffix(" ") { cleaned.removeLast() }
    let spaced = [lineBreak ? "a line break" : nil, null ? "a NUL character" : nil, other ? "a control character" : nil]
      .compactMap { $0 }.joined(separator: " and ")
    let found = [
      spaced.isEmpty ? nil : spaced + " (replaced by a space)", bidirectional ? "a bidirectional control character (removed)" : nil,
    ].compactMap { $0 }.joined(separator: " and ")
    return (cleaned, found.isEmpty ? nil : found)
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
  }

  /// The characters that make a spreadsheet cell a formula when they start it (OWASP
  /// "CSV Injection"): = + - @ tab and carriage return.
  static func startsFormula(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
      || byte == 0x09 || byte == 0x0D
  }

  /// A CSV cell a spreadsheet would run as a formula, with a ' in front; a cell that already
  /// starts with ' before such a character gets one more, so `unneutralized` restores every
  /// cell exactly.
  static func neutralized(_ cell: String) -> String {
    let bytes = cell.utf8
    guard let index = bytes.firstIndex(where: { $0 != UInt8(ascii: "'") }), startsFormula(bytes[index]) else { return cell }
    return "'" + cell
  }

  /// What `neutralized` wrote, back as it was: a ' before a formula character (after any
  /// further 's) is taken off. A spreadsheet user's own '+49 … loses its ' too, which is
  /// what the ' meant there.
  static func unneutralized(_ cell: String) -> String {
    let bytes = cell.utf8
    guard bytes.first == UInt8(ascii: "'"), let index = bytes.firstIndex(where: { $0 != UInt8(ascii: "'") }), startsFormula(bytes[index]) else {
      return cell
    }
    return String(cell.dropFirst())
  }
}
