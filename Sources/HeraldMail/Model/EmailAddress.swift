import Foundation

/// The rules for a subscriber's address: which addresses Herald accepts, the form it stores
/// them in, and the key that makes two spellings of one address the same subscriber.
///
/// An address is an RFC 5321/5322 addr-spec whose local part is a dot-atom of ASCII
/// characters and whose domain is a domain name (internationalised names are stored in
/// their ASCII form). Quoted local parts, non-ASCII local parts (which need SMTPUTF8) and
/// IP address literals are rejected: they are valid mail syntax, but rare in subscriber
/// lists and a common source of mistakes.
public enum EmailAddress {
  /// Checks an address and returns it in the form Herald stores: surrounding whitespace
  /// removed, the domain lowercased and in ASCII, the local part as written.
  ///
  /// "  Anna@Example.ORG " → "Anna@example.org"; "ivan@пример.рф" → "ivan@xn--e1afmkfd.xn--p1ai".
  /// The local part keeps its case because RFC 5321 lets a server treat it as case-sensitive;
  /// compare addresses with ``key(_:)``.
  /// - Throws: `MailError` with code `.invalidAddress`, quoting `text` and saying why it is not valid.
  public static func normalize(_ text: String) throws -> String {
    if let plain = plainASCII(text) { return plain }
    return try normalized(text.trimmingWhitespace(), quoting: text)
  }

  /// A plainly valid ASCII address in its normal form (the domain lowercased), read in one
  /// pass over its bytes: most addresses, and an import checks one per row. Anything
  /// unusual (a space, an "xn--" label, a quote, too long, non-ASCII) gives nil and goes
  /// through the full check, which also words the error: this accepts nothing it rejects.
  static func plainASCII(_ text: String) -> String? {
    var text = text
    return text.withUTF8 { bytes -> String? in
      let count = bytes.count
      guard count >= 3, count <= 254 else { return nil }
      var at = -1
      for index in 0..<count {
        let byte = bytes[index]
        if byte == 0x40 {
          guard at < 0 else { return nil }
          at = index
        } else if byte <= 0x20 || byte >= 0x7F {
          return nil
        }
      }
      guard at > 0, at <= 64, at < count - 1, count - at - 1 <= 253 else { return nil }
      // The local part: atext and single dots inside.
      var previous: UInt8 = 0x2E
      for index in 0..<at {
        let byte = bytes[index]
        if byte == 0x2E {
          guard previous != 0x2E else { return nil }
        } else if !isAtomText(Unicode.Scalar(byte)) {
          return nil
        }
        previous = byte
      }
      guard previous != 0x2E else { return nil }
      // The domain: at least two labels of letters, digits and inner hyphens; not an
      // all-digit top level; no "xn--" label (the full check validates those).
      var labelStart = at + 1
      var labels = 0
      var allDigits = true
      for index in (at + 1)...count {
        if index == count || bytes[index] == 0x2E {
          let length = index - labelStart
          guard length >= 1, length <= 63, bytes[labelStart] != 0x2D, bytes[index - 1] != 0x2D else { return nil }
          if length >= 4, bytes[labelStart] | 0x20 == 0x78, bytes[labelStart + 1] | 0x20 == 0x6E, bytes[labelStart + 2] == 0x2D,
            bytes[labelStart + 3] == 0x2D
          {
            return nil
          }
          labels += 1
          if index < count {
            labelStart = index + 1
            allDigits = true
          }
        } else {
          let byte = bytes[index]
          let isDigit = byte >= 0x30 && byte <= 0x39
          let isLetter = byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A
          guard isDigit || isLetter || byte == 0x2D else { return nil }
          if !isDigit { allDigits = false }
        }
      }
      guard labels >= 2, !allDigits else { return nil }
      let local = String(decoding: UnsafeBufferPointer(rebasing: bytes[0...at]), as: UTF8.self)
      return local + String(decoding: UnsafeBufferPointer(rebasing: bytes[(at + 1)...]), as: UTF8.self).lowercased()
    }
  }

  /// The form of a normalised address under which subscribers are unique: all lowercase.
  ///
  /// "Anna@example.org" and "anna@example.org" have the same key. Pass the result of
  /// ``normalize(_:)``, so that the domain is already in its ASCII form.
  public static func key(_ normalized: String) -> String {
    normalized.lowercased()
  }

  /// Checks `address` as it is, without trimming, and returns its normalised form; errors
  /// quote `original`, the text the address came from. `Mailbox` uses this too, so that
  /// there is one definition of a valid address.
  static func normalized(_ address: String, quoting original: String) throws -> String {
    func fail(_ why: String) -> MailError {
      MailError(.invalidAddress, "“\(original)” is not a valid email address: \(why)")
    }
    guard !address.isEmpty else { throw fail("it is empty; an address looks like name@example.org") }
    // Before the check for spaces: "\"john doe\"@example.org" is a quoted local part, and
    // saying so is more use than pointing at its space.
    if address.unicodeScalars.first == "\"" { throw fail(quotedLocalPart) }
    if let problem = invisibleCharacter(in: address) { throw fail(problem) }

    // Work on code points: a combining mark after "@" or "." would make one Character of both.
    let scalars = address.unicodeScalars
    let ats = scalars.indices.filter { scalars[$0] == "@" }
    guard let at = ats.first else { throw fail("it has no “@”; an address looks like name@example.org") }
    guard ats.count == 1 else { throw fail("it has more than one “@”") }
    let local = String(Substring(scalars[..<at]))
    let domain = String(Substring(scalars[scalars.index(after: at)...]))
    guard !local.isEmpty else { throw fail("there is nothing before the “@”") }
    guard !domain.isEmpty else { throw fail("there is no domain after the “@”") }

    for character in local where !character.unicodeScalars.allSatisfy(\.isASCII) {
      throw fail(
        "the part before “@” contains “\(character)”, which is not ASCII; such addresses need SMTPUTF8, "
          + "which Herald does not use, so ask for an address whose part before “@” is plain ASCII")
    }
    for scalar in local.unicodeScalars where !isAtomText(scalar) && scalar != "." {
      throw fail(scalar == "\"" ? quotedLocalPart : "“\(scalar)” is not allowed before the “@”")
    }
    if local.hasPrefix(".") { throw fail("the part before “@” starts with a dot") }
    if local.hasSuffix(".") { throw fail("the part before “@” ends with a dot") }
    // (A byte scan: Foundation's String.contains(String) is slow, and this runs per imported row.)
    if zip(local.utf8, local.utf8.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E }) {
      throw fail("the part before “@” has two dots in a row")
    }
    guard local.utf8.count <= 64 else {
      throw fail("the part before “@” is \(local.utf8.count) characters long; the limit is 64")
    }

    if domain.hasPrefix("[") {
      throw fail(
        "the domain “\(domain)” is an IP address literal; Herald sends only to domain names, so ask for an address at a domain")
    }
    let labels: [String]
    do {
      labels = try Punycode.asciiLabels(of: domain)
    } catch {
      throw fail(error.reason)
    }
    guard labels.count >= 2, let topLevel = labels.last else { throw fail("the domain “\(domain)” has no dot") }
    if topLevel.allSatisfy({ ("0"..."9").contains($0) }) {
      let looksLikeIP = labels.count == 4 && labels.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
      throw fail(
        looksLikeIP
          ? "the domain “\(domain)” is an IP address; Herald sends only to domain names, so ask for an address at a domain"
          : "the top-level domain “\(topLevel)” is all digits, which no top-level domain is")
    }

    let asciiDomain = labels.joined(separator: ".")
    let result = local + "@" + asciiDomain
    guard result.utf8.count <= 254 else {
      let form = asciiDomain == domain ? "" : " in its ASCII form"
      throw fail("it is \(result.utf8.count) characters long\(form); the limit is 254")
    }
    return result
  }

  private static let quotedLocalPart =
    "the part before “@” is in quotes, which Herald does not accept; ask for an address without quotes or spaces"

  /// Whether a code point is `atext` (RFC 5322 §3.2.3): an ASCII letter or digit, or one of ``!#$%&'*+-/=?^_`{|}~``.
  private static func isAtomText(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
      || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
  }

  /// What is wrong if `text` has a space, a control character or an invisible character, which
  /// no address has and which could end a header line or hide what the address really is.
  private static func invisibleCharacter(in text: String) -> String? {
    for scalar in text.unicodeScalars {
      // Printable ASCII is never invisible: skip the Unicode property lookups for it.
      if scalar.value > 0x20 && scalar.value < 0x7F { continue }
      switch scalar.value {
      case 0x20: return "it contains a space"
      case 0x09: return "it contains a tab"
      case 0x0A, 0x0D: return "it contains a line break (a CR or LF control character)"
      case 0x00..<0x20, 0x7F...0x9F: return "it contains the control character \(codePoint(scalar))"
      case 0x2028, 0x2029: return "it contains \(codePoint(scalar)), an invisible line break"
      default:
        if scalar.properties.isWhitespace { return "it contains a space character, \(codePoint(scalar))" }
        if scalar.properties.generalCategory == .format { return "it contains the invisible character \(codePoint(scalar))" }
      }
    }
    return nil
  }

  /// "U+2028 LINE SEPARATOR", or "U+0007" for a code point without a name.
  private static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    let number = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    guard let name = scalar.properties.name else { return number }
    return "\(number) \(name)"
  }
}
