import HeraldCore

/// One problem found in a file, with where it is: `file:line: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  /// How serious a problem is.
  public enum Severity: String, Sendable, Hashable, Codable {
    /// The release cannot be sent as it is.
    case error
    /// The release can be sent, but someone should look.
    case warning
  }

  /// Error or warning.
  public var severity: Severity
  /// The file the problem is in, as given by the user.
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// What is wrong and what to do about it.
  public var message: String

  /// Makes a diagnostic.
  public init(_ severity: Severity, file: String, line: Int?, _ message: String) {
    self.severity = severity
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`, the form editors and terminals link to.
  public var description: String {
    if let line { return "\(file):\(line): \(message)" }
    return "\(file): \(message)"
  }
}

/// A failure to read or compose a release, its workspace, or its templates.
public struct ComposeError: HeraldError {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case configuration, release, template, workspace }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// herald.yml is missing, unreadable, or has a wrong key or value.
    public static var configuration: Self { Self(.configuration) }
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
