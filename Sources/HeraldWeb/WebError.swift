import HeraldCore

/// A failure of the web server: it cannot start (the address is taken, a setting is wrong),
/// or a page cannot be made (a template does not render).
package struct WebError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case configuration, template, startup }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// herald.yml's `web:` section, or a template folder, cannot be used.
    package static var configuration: Self { Self(.configuration) }
    /// A page's template is missing or does not render.
    package static var template: Self { Self(.template) }
    /// The server cannot listen (the port is taken, the address is not this machine's).
    package static var startup: Self { Self(.startup) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  package var message: String
  package var underlying: (any Error & Sendable)?

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }
}
