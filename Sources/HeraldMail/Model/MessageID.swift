import HeraldCore

/// A Message-ID that says what the message is, so that a reply or a bounce (whose
/// In-Reply-To, References or returned copy carries it) can be tied to it.
///
/// A release's message names the release and its recipient:
/// `<RELEASE.RECIPIENT.UNIQUE@DOMAIN>`, RELEASE the release's slug, RECIPIENT a key for the
/// recipient that does not reveal the address (see `LinkSigner.recipientKey`). One-off mail
/// names its kind: `<KIND.UNIQUE@DOMAIN>` (`<confirmation.k3x9@news.example.org>`). UNIQUE
/// makes every message distinct.
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
  /// What the message is.
  public var kind: MailKind
  /// The release's slug, letters, digits and "-"; nil for one-off mail.
  public var release: String?
  /// The recipient's key; nil for one-off mail.
  public var recipient: String?
  /// What makes this message's id unique.
  public var unique: String
  /// The sender's domain.
  public var domain: String

  /// The id of a release's message; parts are reduced to characters that are valid in a dot-atom.
  public init(release: String, recipient: String, unique: String, domain: String) {
    self.kind = .release
    self.release = Self.atomText(release)
    self.recipient = Self.atomText(recipient)
    self.unique = Self.atomText(unique)
    self.domain = domain
  }

  /// The id of one-off mail of `kind` (not a release).
  public init(kind: MailKind, unique: String, domain: String) {
    precondition(kind != .release, "a release's Message-ID names the release: use init(release:recipient:unique:domain:)")
    self.kind = kind
    self.unique = Self.atomText(unique)
    self.domain = domain
  }

  /// Reads an id written by Herald; nil for any other Message-ID.
  public init?(parsing text: String) {
    var value = Substring(text.trimmingWhitespace())
    if value.hasPrefix("<") && value.hasSuffix(">") { value = value.dropFirst().dropLast() }
    guard let at = value.lastIndex(of: "@") else { return nil }
    let parts = value[..<at].split(separator: ".", omittingEmptySubsequences: false)
    guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
    self.domain = String(value[value.index(after: at)...])
    switch parts.count {
    case 2:
      guard let kind = MailKind(rawValue: String(parts[0])), kind != .release else { return nil }
      self.kind = kind
      self.unique = String(parts[1])
    case 3:
      if let kind = Self.legacyKinds[parts[0] + "." + parts[1]] {
        // One-off mail of Herald 0.2 named its kind like a release ("reply.inquiry.…").
        self.kind = kind
      } else {
        self.kind = .release
        self.release = String(parts[0])
        self.recipient = String(parts[1])
      }
      self.unique = String(parts[2])
    default:
      return nil
    }
  }

  /// How Herald 0.2 named one-off mail, by its first two parts.
  private static let legacyKinds: [String: MailKind] = [
    "reply.inquiry": .inquiryReply, "confirm.notice": .confirmation, "contact.notice": .contactNotice, "contact.form": .contactMessage,
  ]

  /// The header form, with angle brackets.
  public var description: String {
    if let release, let recipient { return "<\(release).\(recipient).\(unique)@\(domain)>" }
    return "<\(kind.rawValue).\(unique)@\(domain)>"
  }

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
