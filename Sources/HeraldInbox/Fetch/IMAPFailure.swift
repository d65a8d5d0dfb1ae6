/// What went wrong with an IMAP command, for code: an `InboxError`'s underlying error when
/// the mailbox could not be reached, logged in to or read.
package struct IMAPFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  package struct Kind: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case refused, unreachable, unresolved, timeout, tls, login, noMailbox, rejected, broken }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// Nothing listens at the server's address and port.
    package static var refused: Self { Self(.refused) }
    /// The server's host cannot be reached.
    package static var unreachable: Self { Self(.unreachable) }
    /// The server's name has no address.
    package static var unresolved: Self { Self(.unresolved) }
    /// The server did not answer in time.
    package static var timeout: Self { Self(.timeout) }
    /// TLS could not be set up (no STARTTLS, a certificate that cannot be verified).
    package static var tls: Self { Self(.tls) }
    /// The server refused the login.
    package static var login: Self { Self(.login) }
    /// The mailbox (or the one to move to) does not exist or cannot be opened.
    package static var noMailbox: Self { Self(.noMailbox) }
    /// The server refused a command (NO or BAD).
    package static var rejected: Self { Self(.rejected) }
    /// The connection broke, or the server's answer could not be read.
    package static var broken: Self { Self(.broken) }
    package var description: String { base.rawValue }
  }

  /// What went wrong.
  package var kind: Kind
  /// The particulars, in libcurl's words ("Failed to connect to 127.0.0.1 port 1143 …").
  package var detail: String
  /// The server's answer that refused it ("NO [AUTHENTICATIONFAILED] Authentication
  /// failed."), when there was one.
  package var reply: String?

  /// Makes a failure.
  package init(_ kind: Kind, detail: String, reply: String? = nil) {
    self.kind = kind
    self.detail = detail
    self.reply = reply
  }

  /// "login: Login denied (NO [AUTHENTICATIONFAILED] Authentication failed.)".
  package var description: String {
    "\(kind): \(detail)" + (reply.map { " (\($0))" } ?? "")
  }
}
