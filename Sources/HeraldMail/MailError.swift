import HeraldCore

/// An error in mail data: an address, a header value, a token.
public struct MailError: HeraldError {
  /// What kind of problem it is, for code that reacts to it.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case invalidAddress, invalidHeader, invalidToken, invalidKey }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// An address that is not a valid RFC 5322 mailbox.
    public static var invalidAddress: Self { Self(.invalidAddress) }
    /// A header name or value that cannot be written safely.
    public static var invalidHeader: Self { Self(.invalidHeader) }
    /// A signed token that is malformed or was not made with this workspace's secret.
    public static var invalidToken: Self { Self(.invalidToken) }
    /// A DKIM private key that cannot be read or used.
    public static var invalidKey: Self { Self(.invalidKey) }
    public var description: String { base.rawValue }
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence a person can act on: what failed, with which value, and what to do.
  public var message: String

  /// The error underneath, kept for code and logs.
  public var underlying: (any Error & Sendable)?

  /// Makes an error with its code and message.
  public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

}
