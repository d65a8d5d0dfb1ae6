import HeraldCore

/// A workspace that cannot be used: not a workspace at all, a secret that is missing or
/// readable by others, a key file that cannot be read, a folder that cannot be made.
public struct WorkspaceError: HeraldError {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case notAWorkspace, secret, files }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The folder has no herald.yml.
    public static var notAWorkspace: Self { Self(.notAWorkspace) }
    /// A secret (the link key, a DKIM key, the SMTP password) is missing, unreadable,
    /// malformed, or readable by others.
    public static var secret: Self { Self(.secret) }
    /// The workspace's files or folders cannot be read or written.
    public static var files: Self { Self(.files) }
    public var description: String { base.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  public var message: String
  public var underlying: (any Error & Sendable)?

  /// Makes an error.
  public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }
}
