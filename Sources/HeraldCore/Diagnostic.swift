import Foundation

/// One problem found in a file, with where it is: `file:line: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  /// How serious a problem is.
  public enum Severity: String, Sendable, Hashable, Codable {
    /// The file cannot be used as it is (a release cannot be sent, herald.yml not read).
    case error
    /// It can be used, but someone should look.
    case warning
    /// Nothing is wrong; worth knowing before sending (the release will not be published).
    case note
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

/// An error that lists the problems found in files, each with its place: a release's
/// errors, herald.yml's. A front end shows them one per line, as `file:line: message`.
public protocol DiagnosedError: HeraldError {
  /// Every problem found, errors first; empty when the error is not about a file's contents.
  var diagnostics: [Diagnostic] { get }
}
