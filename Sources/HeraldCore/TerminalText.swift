/// Text that others wrote (a name, a subject, a message, a relay's reply), made safe to
/// print on a terminal.
///
/// A terminal acts on control characters instead of showing them: a carriage return sends
/// the cursor back to the start of the line, so what follows overwrites what came before
/// ("sender verified" printed over a name); ESC starts a sequence that recolours, hides or
/// retitles; a bidirectional override (U+202E) shows the rest of a line backwards, so that
/// "gro.elpmaxe@" reads as an address it is not. Every such character is shown visibly
/// instead, escaped the way Swift writes it: `\r`, `\u{1B}`, `\u{202E}`. Line feeds and
/// tabs are kept: they lay text out and overwrite nothing. A backslash is left as it is, so
/// text that shows `\r` may have had one, or the two characters; the raw text is in
/// `--json` output and in the files Herald keeps.
public enum TerminalText {
  /// `text` with C0 and C1 control characters (but line feed and tab), DEL, Unicode's line
  /// and paragraph separators and the bidirectional controls escaped: `\r`, `\u{202E}`.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      guard needsEscape(scalar) else {
        output.unicodeScalars.append(scalar)
        continue
      }
      switch scalar {
      case "\r": output += "\\r"
      case "\0": output += "\\0"
      default: output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      }
    }
    return output
  }

  /// Whether `scalar` is one a terminal acts on or that reorders what follows it.
  public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: false
    case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029: true
    default: isBidirectionalControl(scalar)
    }
  }

  /// Whether `scalar` is one of Unicode's bidirectional formatting characters (UAX #9):
  /// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks
  /// U+200E, U+200F and U+061C. They change the order in which the rest of a line is shown.
  public static func isBidirectionalControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
    default: false
    }
  }
}
