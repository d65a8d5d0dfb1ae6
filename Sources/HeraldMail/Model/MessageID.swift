/// A Message-ID that names the release and the recipient it was made for, so that a reply
/// (whose In-Reply-To or References carries it) can be matched to both:
/// `<RELEASE.RECIPIENT.UNIQUE@DOMAIN>`.
///
/// RELEASE is the release's slug, RECIPIENT a key for the recipient that does not reveal
/// the address (see `LinkSigner.recipientKey`), UNIQUE makes every message distinct.
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
  /// The release's slug, letters, digits and "-".
  public var release: String
  /// The recipient's key.
  public var recipient: String
  /// What makes this message's id unique.
  public var unique: String
  /// The sender's domain.
  public var domain: String

  /// Makes an id; parts are reduced to characters that are valid in a dot-atom.
  public init(release: String, recipient: String, unique: String, domain: String) {
    self.release = Self.atomText(release)
    self.recipient = Self.atomText(recipient)
    self.unique = Self.atomText(unique)
    self.domain = domain
  }

  /// Reads an id written by Herald; nil for any other Message-ID.
  public init?(parsing text: String) {
    var value = Substring(text.trimmingWhitespace())
    if value.hasPrefix("<") && value.hasSuffix(">") { value = value.dropFirst().dropLast() }
    guard let at = value.lastIndex(of: "@") else { return nil }
    let parts = value[..<at].split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
    self.release = String(parts[0])
    self.recipient = String(parts[1])
    self.unique = String(parts[2])
    self.domain = String(value[value.index(after: at)...])
  }

  /// The header form, with angle brackets.
  public var description: String { "<\(release).\(recipient).\(unique)@\(domain)>" }

  /// Text reduced to ASCII letters, digits, "-" and "_": safe in a dot-atom (ids, List-Id).
  public static func atomText(_ text: String) -> String {
    if !text.isEmpty, text.utf8.allSatisfy({ isAtomByte($0) }) { return text }
    let kept = text.unicodeScalars.map { scalar -> Character in
      scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
        ? Character(scalar) : "-"
    }
    return kept.isEmpty ? "x" : String(kept)
  }

  private static func isAtomByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "-"), UInt8(ascii: "_"):
      return true
    default:
      return false
    }
  }
}
