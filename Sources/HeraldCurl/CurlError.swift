import HeraldCore

/// libcurl could not be set up: no handle, an option it refused, information it does not
/// have. A failure of the connection itself is a `CurlFailure`.
public struct CurlError: HeraldError {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case handle, option, information }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// libcurl could not make a handle or a list (out of memory).
    public static var handle: Self { Self(.handle) }
    /// libcurl refused an option: too old, or built without it.
    public static var option: Self { Self(.option) }
    /// libcurl could not tell information about a transfer.
    public static var information: Self { Self(.information) }
    public var description: String { base.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  /// What failed, with which value, and what to do.
  public var message: String
  /// Always nil: libcurl's own words are in the message.
  public var underlying: (any Error & Sendable)? { nil }

  /// Makes an error.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }
}
