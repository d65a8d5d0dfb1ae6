import HeraldCore

/// A failure to read or compose a release, or its templates.
public struct ComposeError: DiagnosedError {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case release, template, workspace }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The release file is unreadable or invalid.
    public static var release: Self { Self(.release) }
    /// A template is missing or has a syntax error.
    public static var template: Self { Self(.template) }
    /// The workspace's files or folders cannot be read or written.
    public static var workspace: Self { Self(.workspace) }
    public var description: String { base.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  /// Every problem found, errors first; at least one.
  public var diagnostics: [Diagnostic]

  /// Makes an error from the problems found.
  public init(_ code: Code, _ diagnostics: [Diagnostic]) {
    precondition(!diagnostics.isEmpty)
    self.code = code
    self.diagnostics = diagnostics
  }

  /// Makes an error with a single problem.
  public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
    self.init(code, [Diagnostic(.error, file: file, line: line, message)])
  }

  /// Every problem, one per line as `file:line: message`.
  public var message: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }

  /// The error underneath, when a system call or a library failed.
  public var underlying: (any Error & Sendable)?
}
