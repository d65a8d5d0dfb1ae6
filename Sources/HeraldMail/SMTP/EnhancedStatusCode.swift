/// An enhanced mail system status code (RFC 3463): `class.subject.detail`, as in
/// "550 5.1.1 No such user" or a delivery status notification's `Status: 5.1.1`.
///
/// The class says whether it worked (2), may work later (4) or will not (5); the subject
/// says what it is about: 1 the address, 2 the mailbox, 3 the mail system, 4 the network,
/// 5 the protocol, 6 the content, 7 security or policy.
public struct EnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
  /// Whether it worked.
  public enum Class: Int, Sendable, Hashable {
    /// 2: delivered, or accepted.
    case success = 2
    /// 4: a temporary failure; trying again may work.
    case transient = 4
    /// 5: a permanent failure; trying again will not work as it is.
    case permanent = 5
  }

  /// Whether it worked.
  public var statusClass: Class
  /// What it is about, 0–999.
  public var subject: Int
  /// The particular condition, 0–999.
  public var detail: Int

  /// Makes a code.
  public init(_ statusClass: Class, _ subject: Int, _ detail: Int) {
    self.statusClass = statusClass
    self.subject = subject
    self.detail = detail
  }

  /// Reads "5.1.1"; nil unless it is a class of 2, 4 or 5 and two numbers of one to three
  /// digits, separated by dots, with nothing before or after.
  public init?(_ text: some StringProtocol) {
    let pieces = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    func number(_ piece: some Collection<UInt8>, digits: ClosedRange<Int>) -> Int? {
      guard digits.contains(piece.count) else { return nil }
      var value = 0
      for byte in piece {
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard pieces.count == 3, let first = number(pieces[0], digits: 1...1), let statusClass = Class(rawValue: first),
      let subject = number(pieces[1], digits: 1...3), let detail = number(pieces[2], digits: 1...3)
    else { return nil }
    self.init(statusClass, subject, detail)
  }

  /// "5.1.1".
  public var description: String { "\(statusClass.rawValue).\(subject).\(detail)" }

  /// X.1.x but X.1.7 and X.1.8: the recipient's address is wrong (no such mailbox,
  /// bad syntax, no such domain). Those two are about the sender's address.
  public var isAboutRecipientAddress: Bool { subject == 1 && detail != 7 && detail != 8 }

  /// X.1.7 and X.1.8: the sender's address (or its domain) is refused.
  public var isAboutSenderAddress: Bool { subject == 1 && (detail == 7 || detail == 8) }

  /// X.2.1: the mailbox exists but takes no mail (disabled, closed).
  public var isMailboxDisabled: Bool { subject == 2 && detail == 1 }

  /// X.2.2: the mailbox is full; it may empty.
  public var isMailboxFull: Bool { subject == 2 && detail == 2 }

  /// X.7.x: security or policy: authentication, relaying, reputation, content rules.
  public var isPolicy: Bool { subject == 7 }

  /// X.7.8: the credentials the client gave were refused (RFC 4954).
  public var isAuthenticationFailure: Bool { subject == 7 && detail == 8 }

  /// The mailbox itself is gone for good: a permanent X.1.x about the recipient, or X.2.1.
  /// Mail to it will never arrive, so it is suppressed.
  public var isPermanentMailboxFailure: Bool {
    statusClass == .permanent && (isAboutRecipientAddress || isMailboxDisabled)
  }
}

extension EnhancedStatusCode: ExpressibleByStringLiteral {
  /// A code written in code, like "5.1.1"; it must be a valid code.
  public init(stringLiteral value: String) {
    guard let code = EnhancedStatusCode(value) else { preconditionFailure("“\(value)” is not an enhanced status code") }
    self = code
  }
}
