import HeraldCore

/// A workspace that cannot be used: not a workspace at all, a herald.yml with problems, a
/// secret that is missing or readable by others, a key file that cannot be read, a folder
/// that cannot be made.
package struct WorkspaceError: DiagnosedError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case notAWorkspace, configuration, secret, files }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The folder has no herald.yml.
    package static var notAWorkspace: Self { Self(.notAWorkspace) }
    /// herald.yml cannot be read, or has a wrong key or value (`diagnostics` says each).
    package static var configuration: Self { Self(.configuration) }
    /// A secret (the link key, a DKIM key, the SMTP password) is missing, unreadable,
    /// malformed, or readable by others.
    package static var secret: Self { Self(.secret) }
    /// The workspace's files or folders cannot be read or written.
    package static var files: Self { Self(.files) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  package var message: String
  package var underlying: (any Error & Sendable)?
  /// The problems found in herald.yml, each with its line (`.configuration`); else empty.
  package var diagnostics: [Diagnostic] = []

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  /// Makes an error from the problems found in a file; its message lists them, one per line.
  package init(_ code: Code, diagnostics: [Diagnostic]) {
    precondition(!diagnostics.isEmpty)
    self.code = code
    self.message = diagnostics.map(\.description).joined(separator: "\n")
    self.diagnostics = diagnostics
  }
}
