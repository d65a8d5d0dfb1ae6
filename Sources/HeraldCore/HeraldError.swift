/// An error from one of Herald's libraries: a message a person can act on, and the error
/// underneath it (a system call's, SQLite's, libcurl's) kept for code and logs that want it.
///
/// Every library has its own error struct with a growable `Code` (STYLE.md); they all
/// conform to this, so a front end reports any of them the same way.
public protocol HeraldError: Error, Sendable, CustomStringConvertible {
  /// What failed, with which value, and what to do. It may span several lines (a list of
  /// problems in a file); the first line stands on its own.
  var message: String { get }
  /// The error this one reports, when there is one.
  var underlying: (any Error & Sendable)? { get }
}

extension HeraldError {
  public var description: String { message }

  /// The first line of the message: the summary for a one-line report.
  public var summary: String {
    message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? message
  }

  /// The chain of causes, this error first: for logs and tests that look for a root cause.
  public var causes: [any Error] {
    var chain: [any Error] = [self]
    var next = underlying
    while let error = next, chain.count < 16 {
      chain.append(error)
      next = (error as? any HeraldError)?.underlying
    }
    return chain
  }
}
