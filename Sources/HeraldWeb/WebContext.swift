import HeraldCore
import Hummingbird
import NIOCore

/// What a request carries through the server besides itself: the peer's address (for rate
/// limits and consent evidence; X-Forwarded-For is believed only from trusted proxies).
package struct WebContext: RequestContext, RemoteAddressRequestContext {
  package var coreContext: CoreRequestContextStorage
  /// The address of the peer that connected: the client, or a reverse proxy.
  package let remoteAddress: SocketAddress?

  package init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress
  }

  /// No request body is decoded beyond a form's size.
  package var maxUploadSize: Int { WebLimits.formBytes }
}

/// The sizes the server accepts, one place for each.
enum WebLimits {
  /// A form's body (subscribe, contact, the buttons of the unsubscribe and confirmation pages).
  static let formBytes = 16_384
  /// The request target (path and query).
  static let uriBytes = 2_048
  /// All request header fields together, and one field.
  static let headerBytes = 16_384
  /// Header fields in a request.
  static let headerFields = 100
  /// A connection that sends nothing for this long is closed (slow clients).
  static let idleSeconds: Int64 = 30
  /// The contact form's fields, in characters.
  static let name = 200
  static let email = 254
  static let organization = 200
  static let subject = 200
  static let message = 8_000
}

extension RouterPath {
  /// The path a router matches for a route of the public site.
  init(_ route: PublicRoute) {
    self.init(route.pattern)
  }
}

extension Parameters {
  /// The value of the route's parameter in the request's path (the slug, the token).
  func value(of route: PublicRoute) -> String? {
    route.parameter.flatMap { get($0) }
  }
}
