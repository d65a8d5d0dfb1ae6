/// Text made safe inside HTML or XML: the one escaping function of Herald's HTML (mail
/// bodies, personalised values, pages) and of the Atom feed.
public enum Markup {
  /// Escapes `<`, `>`, `&`, `"` and `'` (as `&#39;`), for element content and quoted
  /// attribute values alike: exactly what Mustache does to a `{{value}}`, which compiled
  /// personalisation relies on.
  /// - Parameter xml: also drop the control characters XML 1.0 does not allow (all below
  ///   U+0020 but tab, line feed and carriage return): a feed with one is not well-formed.
  public static func escape(_ text: String, xml: Bool = false) -> String {
    let needsWork = text.utf8.contains { byte in
      byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x22 || byte == 0x27
        || (xml && byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D)
    }
    guard needsWork else { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "&": output += "&amp;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      case _ where xml && scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output
  }
}
