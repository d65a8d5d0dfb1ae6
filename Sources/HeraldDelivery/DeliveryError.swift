import HeraldCore

/// A failure in the Outbox or in delivery: a spool file that cannot be written or read,
/// a message that cannot be found.
package struct DeliveryError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case connection, spool, notFound, corrupt, invalidMessage }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The relay cannot be reached or libcurl cannot be set up.
    package static var connection: Self { Self(.connection) }
    /// The spool's folders or files cannot be written or read.
    package static var spool: Self { Self(.spool) }
    /// No message with that id in the Outbox.
    package static var notFound: Self { Self(.notFound) }
    /// A spool file that is not a valid Outbox message.
    package static var corrupt: Self { Self(.corrupt) }
    /// A message or request the Outbox cannot take: an id that cannot name a file, a
    /// state the action does not apply to.
    package static var invalidMessage: Self { Self(.invalidMessage) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// What failed, with which value, and what to do.
  package var message: String

  /// The error underneath (a system call's, SQLite's), kept for code and logs.
  package var underlying: (any Error & Sendable)?

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

}
