import HeraldCore

/// A failure in the subscriber store: a list or subscriber that does not exist, an input
/// row that cannot be imported, a database that cannot be opened.
package struct StoreError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case notFound, alreadyExists, invalidInput, database, busy, importFailed }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// A list or subscriber that is not in the store.
    package static var notFound: Self { Self(.notFound) }
    /// A list or subscriber that is there already.
    package static var alreadyExists: Self { Self(.alreadyExists) }
    /// A value that is not acceptable (a list name, an address, a status).
    package static var invalidInput: Self { Self(.invalidInput) }
    /// The database cannot be opened, migrated, read or written.
    package static var database: Self { Self(.database) }
    /// Another process held the database's write lock for longer than the busy timeout:
    /// the same write may succeed later.
    package static var busy: Self { Self(.busy) }
    /// An import that was stopped; nothing was changed.
    package static var importFailed: Self { Self(.importFailed) }
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
