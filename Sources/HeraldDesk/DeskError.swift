import HeraldCore

/// A desk that cannot start: a template that does not parse, settings that cannot be used,
/// an address that cannot be listened on.
package struct DeskError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case template, configuration, startup }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// A template in Templates/desk/ that cannot be read or parsed.
    package static var template: Self { Self(.template) }
    /// herald.yml's `desk:` or `web.trusted_proxies` cannot be used.
    package static var configuration: Self { Self(.configuration) }
    /// The desk's address cannot be listened on.
    package static var startup: Self { Self(.startup) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// What failed, with which value, and what to do.
  package var message: String
  package var underlying: (any Error & Sendable)?

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }
}
