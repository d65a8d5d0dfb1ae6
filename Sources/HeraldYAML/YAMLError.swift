import HeraldCore

/// Problems reading a YAML mapping: its syntax, a key that is unknown or given twice, a
/// value of the wrong kind. Each names the file, the line and the key.
package struct YAMLError: DiagnosedError {
  /// Every problem found; at least one.
  package var diagnostics: [Diagnostic]

  /// One problem at `file`:`line`.
  package init(file: String, line: Int?, _ message: String) {
    diagnostics = [Diagnostic(.error, file: file, line: line, message)]
  }

  package var message: String { diagnostics.map(\.description).joined(separator: "\n") }
  package var underlying: (any Error & Sendable)? { nil }
}
