import HeraldCore

/// A failure to read or compose a release, or its templates.
package struct ComposeError: DiagnosedError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case release, template, workspace }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The release file is unreadable or invalid.
    package static var release: Self { Self(.release) }
    /// A template is missing or has a syntax error.
    package static var template: Self { Self(.template) }
    /// The workspace's files or folders cannot be read or written.
    package static var workspace: Self { Self(.workspace) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// Every problem found, errors first; at least one.
  package var diagnostics: [Diagnostic]

  /// Makes an error from the problems found.
  package init(_ code: Code, _ diagnostics: [Diagnostic]) {
    precondition(!diagnostics.isEmpty)
    self.code = code
    self.diagnostics = diagnostics
  }

  /// Makes an error with a single problem.
  package init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
    self.init(code, [Diagnostic(.error, file: file, line: line, message)])
  }

  /// Every problem, one per line as `file:line: message`.
  package var message: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }

  /// The error underneath, when a system call or a library failed.
  package var underlying: (any Error & Sendable)?
}
