import HeraldCore

/// A failure of the inbox: a mailbox that cannot be reached or read, a file that is not
/// mail, an inquiry that does not exist, a reply that may not be sent.
package struct InboxError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case mailbox, source, notFound, invalidRequest }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The IMAP mailbox cannot be reached, logged in to, or read.
    package static var mailbox: Self { Self(.mailbox) }
    /// A file or folder to import cannot be read, or is not mail.
    package static var source: Self { Self(.source) }
    /// No such message or inquiry.
    package static var notFound: Self { Self(.notFound) }
    /// What was asked cannot be done (a reply to a bounce, an unknown status).
    package static var invalidRequest: Self { Self(.invalidRequest) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  package var message: String
  package var underlying: (any Error & Sendable)?

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }
}
