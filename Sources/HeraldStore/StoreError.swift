import HeraldCore

/// A failure in the subscriber store: a list or subscriber that does not exist, an input
/// row that cannot be imported, a database that cannot be opened.
public struct StoreError: HeraldError {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case notFound, alreadyExists, invalidInput, database, importFailed }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// A list or subscriber that is not in the store.
    public static var notFound: Self { Self(.notFound) }
    /// A list or subscriber that is there already.
    public static var alreadyExists: Self { Self(.alreadyExists) }
    /// A value that is not acceptable (a list name, an address, a status).
    public static var invalidInput: Self { Self(.invalidInput) }
    /// The database cannot be opened, migrated, read or written.
    public static var database: Self { Self(.database) }
    /// An import that was stopped; nothing was changed.
    public static var importFailed: Self { Self(.importFailed) }
    public var description: String { base.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  /// What failed, with which value, and what to do.
  public var message: String

  /// The error underneath (a system call's, SQLite's), kept for code and logs.
  public var underlying: (any Error & Sendable)?

  /// Makes an error.
  public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

}
