import HeraldCore

/// libcurl could not be set up: no handle, an option it refused, information it does not
/// have. A failure of the connection itself is a `CurlFailure`.
package struct CurlError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case handle, option, information }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// libcurl could not make a handle or a list (out of memory).
    package static var handle: Self { Self(.handle) }
    /// libcurl refused an option: too old, or built without it.
    package static var option: Self { Self(.option) }
    /// libcurl could not tell information about a transfer.
    package static var information: Self { Self(.information) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// What failed, with which value, and what to do.
  package var message: String
  /// Always nil: libcurl's own words are in the message.
  package var underlying: (any Error & Sendable)? { nil }

  /// Makes an error.
  package init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }
}
