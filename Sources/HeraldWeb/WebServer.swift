import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// `herald serve`: the public endpoints a sender must have, on a workspace. One-click
/// unsubscribe (RFC 8058) and the unsubscribe page, subscription with confirmation, the
/// contact form, and the archive of published releases with its Atom feed.
///
/// It acts through the mailroom, as the command line does: subscriptions, confirmations,
/// unsubscribes and contact messages are `Mailroom`'s actions, which run their store calls
/// and Outbox writes on the blocking pool, never on the server's event loops. Pages are
/// rendered from memory: the archive when what is published changes, forms per request.
package final class WebServer: Sendable {
  let mailroom: Mailroom
  let settings: WebSettings
  let pages: WebPages
  let archive: Archive
  let signer: LinkSigner
  let formToken: FormToken
  let limiter: RateLimiter
  let proxies: TrustedProxies
  let crossSite: CrossSiteCheck
  let site: [String: any Sendable]
  let logger: Logger
  /// Records the unsubscribes taken in the store's journal once the store is free.
  let unsubscribes: UnsubscribeService
  /// Subscription requests, handled after the form is answered.
  let subscriptions: SubscriptionRequests
  /// The published files in Media/, as the press kit's addresses serve them.
  let media: MediaFiles
  /// Press kits' ZIPs made on request (when the archive could not make one).
  let pressKitBuilds = PressKitBuilds()

  /// Makes the server of a workspace: reads herald.yml's `web:` section, the templates
  /// (Templates/web/, else Herald's defaults) and the published releases. The time of day
  /// (forms' minimum age, links' expiry, rates, embargoes) is the mailroom's clock.
  /// - Parameter onUnsubscribeEvent: told what the service that records unsubscribes in the
  ///   store did (they are logged too).
  /// - Throws: `WebError` `.template` for a template that does not parse, `.configuration`
  ///   for a `web.trusted_proxies` entry that is not an address or range; `WorkspaceError`
  ///   for a missing link secret.
  package init(
    mailroom: Mailroom, logger: Logger = Logger(label: "herald.web"),
    onUnsubscribeEvent: @escaping @Sendable (UnsubscribeService.Event) -> Void = { _ in }
  ) throws {
    self.mailroom = mailroom
    self.logger = logger
    unsubscribes = mailroom.unsubscribeService { event in
      switch event {
      case .applied(let count): logger.info("unsubscribes recorded in the store", metadata: ["count": "\(count)"])
      case .busy(let wait): logger.notice("the store is busy; unsubscribes wait in the journal", metadata: ["retry_in": "\(wait)"])
      case .failed(let error, let wait):
        logger.error("unsubscribes could not be recorded yet", metadata: ["error": "\(error)", "retry_in": "\(wait)"])
      case .leftInJournal: logger.warning("stopping with unsubscribes in the journal: the next herald serve or send records them")
      }
      onUnsubscribeEvent(event)
    }
    subscriptions = SubscriptionRequests(mailroom: mailroom) { event in
      switch event {
      case .handled(let outcome, let list): logger.debug("subscription request", metadata: ["list": "\(list)", "outcome": "\(outcome)"])
      case .failed(let error, let list): logger.error("a subscription request failed", metadata: ["list": "\(list)", "error": "\(error)"])
      case .dropped(let list): logger.warning("too many subscription requests waiting; one was dropped", metadata: ["list": "\(list)"])
      }
    }
    let configuration = mailroom.configuration
    settings = configuration.web
    pages = try WebPages(workspace: mailroom.workspace)
    signer = try mailroom.linkSigner()
    formToken = FormToken(signer: signer, minimumAge: settings.formMinimumAge)
    limiter = RateLimiter(rate: settings.formsPerMinute / 60, burst: settings.formBurst)
    do {
      proxies = try TrustedProxies(settings.trustedProxies)
    } catch {
      throw WebError(.configuration, "herald.yml: web.trusted_proxies: \(error)", underlying: error as? TrustedProxyError)
    }
    crossSite = CrossSiteCheck(baseURL: configuration.compose.baseURL)
    let strings = try mailroom.workspace.strings()
    site = Self.siteValues(configuration, publicSite: mailroom.site, strings: strings)
    media = MediaFiles(directory: mailroom.workspace.mediaDirectory, logger: logger)
    archive = Archive(
      store: mailroom.store, pages: pages, site: site, organization: configuration.compose.organization, publicSite: mailroom.site,
      clock: mailroom.clock, mediaDirectory: mailroom.workspace.mediaDirectory, logger: logger, strings: strings)
    archive.refresh()
  }

  /// The values every page of the site sees as `site`: the organisation, its address, the
  /// language, the paths the pages link to, Herald's words in the site's language.
  static func siteValues(_ configuration: Configuration, publicSite: PublicSite, strings: StringsCatalog) -> [String: any Sendable] {
    let settings = configuration.web
    var site: [String: any Sendable] = [
      "organization": configuration.compose.organization, "base_url": publicSite.baseURL, "language": settings.language,
      // Where the pages link to, from the addresses the router serves.
      "paths": [
        "home": PublicPage.home.path, "feed": PublicPage.feed.path, "stylesheet": PublicPage.stylesheet.path,
        "subscribe": PublicPage.lists.path, "contact": PublicPage.contact().path,
      ],
    ]
    if let address = configuration.compose.postalAddress { site["postal_address"] = address }
    // Herald's words on the pages: the site's language's, a release's page in its own.
    site["strings"] = strings.table(for: settings.language).values
    return site
  }

  /// The templates the workspace has of its own (the rest are Herald's defaults).
  package var customTemplates: [String] { pages.overridden }

  // MARK: Running

  /// The routes, in front of them the protections every request passes.
  package func router() -> Router<WebContext> {
    let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: PageMiddleware(server: self))
    addArchiveRoutes(to: router)
    addPressKitRoutes(to: router)
    addUnsubscribeRoutes(to: router)
    addSubscribeRoutes(to: router)
    addContactRoutes(to: router)
    return router
  }

  /// The Hummingbird application listening on `host`:`port` (0: a free port), with the
  /// limits on what a client may send: header sizes, and an idle timeout for slow clients.
  /// `services` run in its service group beside the HTTP server (delivery of the Outbox, the
  /// inbox's fetch, the archive's refresh), besides the server's own (recording unsubscribes,
  /// handling subscription requests): on SIGTERM or SIGINT the server stops accepting and
  /// finishes the requests in flight first, then they are shut down, so that what the last
  /// requests handed over is recorded before the process exits.
  /// - Parameter onListening: told the port once the server listens.
  package func application(
    host: String, port: Int, services: [any Service] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    let http = HTTP1Channel.Configuration(
      idleTimeout: .seconds(WebLimits.idleSeconds),
      httpDecoderConfiguration: .init(
        maxHeaderFieldSize: WebLimits.headerBytes, maxHeaderListSize: WebLimits.headerBytes, maxHeaderFieldCount: WebLimits.headerFields))
    return Application(
      router: router(),
      server: .http1(configuration: http),
      configuration: .init(address: .hostname(host, port: port), serverName: nil),
      // Stopped in reverse order after the server: queued subscriptions, then unsubscribes,
      // are handled before delivery stops, so their mail goes out with this run.
      services: services + [unsubscribes, subscriptions],
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
      logger: logger)
  }

  /// Serves until SIGTERM or SIGINT (`ServiceProcess`), with `services` beside the HTTP
  /// server and the archive's refresh: the server stops accepting and finishes the requests
  /// in flight, then the services stop.
  /// - Throws: `WebError` `.startup` when the address cannot be listened on; what a service throws.
  /// - Parameter gracePeriod: how long requests and services have to stop after a signal.
  package func run(
    host: String, port: Int, services: [any Service] = [], gracePeriod: Duration = ServiceProcess.defaultGracePeriod,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) async throws {
    let app = application(host: host, port: port, services: [archiveRefresh()] + services, onListening: onListening)
    do {
      try await ServiceProcess.run([app], gracePeriod: gracePeriod, logger: logger)
    } catch let error as IOError {
      throw WebError(.startup, "cannot listen on \(host):\(port): \(error.description); is another server using the port?", underlying: error)
    }
  }

  /// Looks at what is published every `interval` (a release published by `herald publish`
  /// or `herald send` appears; an embargo that ends is seen by the next request anyway).
  package func archiveRefresh(every interval: Duration = .seconds(2)) -> some Service {
    ArchiveRefresh(archive: archive, interval: interval)
  }

  // MARK: Shared by the routes

  /// Whose request it is: the peer, or the client a trusted proxy names.
  func client(_ request: Request, _ context: WebContext) -> String {
    let remote = context.remoteAddress?.ipAddress ?? "unknown"
    let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
    return proxies.client(remote: remote, forwardedFor: forwarded)
  }

  /// "203.0.113.7, Mozilla/5.0 …": the evidence a consent or an unsubscribe is recorded with.
  func evidence(_ request: Request, _ context: WebContext) -> String {
    let agent = request.headers[.userAgent].map { String($0.prefix(300)) } ?? "no user agent"
    return "\(client(request, context)), \(agent)"
  }

  /// A page rendered now (forms carry a fresh token, so they are made per request).
  func page(_ name: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
    html(pages.render(name, context(site: site, values)), status: status)
  }

  func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
      body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// The problem page: what went wrong and what to do, with the status that says it.
  func problem(_ status: HTTPResponse.Status, heading: String, message: String, headers: HTTPFields = [:]) -> Response {
    var response = page("problem", ["heading": heading, "message": message], status: status)
    response.headers.append(contentsOf: headers)
    return response
  }

  /// The page for an unknown address, a forged link, an embargoed release: all the same,
  /// so that none of them reveals anything.
  func notFound() -> Response {
    problem(.notFound, heading: "Page not found", message: "There is no page at this address. It may have moved, or the link may be incomplete.")
  }

  /// The checks every form passes before it is read: the method comes from this site
  /// (Sec-Fetch-Site, Origin) and the client is within its rate. Returns the response that
  /// refuses it, or nil.
  func refusal(_ request: Request, _ context: WebContext) -> Response? {
    let headers = request.headers
    guard crossSite.allows(
      method: request.method.rawValue, secFetchSite: headers[HTTPField.Name("Sec-Fetch-Site")!], origin: headers[HTTPField.Name("Origin")!])
    else {
      return problem(.forbidden, heading: "Not sent from this site",
        message: "This form was sent from another web site, which is not allowed. Open the page on this site and send the form from there.")
    }
    switch limiter.take(Self.rateKey(client(request, context)), at: mailroom.clock.now) {
    case .allowed: return nil
    case .limited(let seconds):
      return problem(
        .tooManyRequests, heading: "Too many requests", message: "Too many forms were sent from your address. Wait \(seconds) seconds and try again.",
        headers: [.retryAfter: "\(seconds)"])
    }
  }

  /// Whose bucket a request takes from: an IPv4 address, or an IPv6 address's /64 (one
  /// client usually holds a whole /64, and could otherwise take a new address per form).
  static func rateKey(_ client: String) -> String {
    guard let address = IPAddress(client), !address.isIPv4 else { return client }
    return address.masked(to: 64).description + "/64"
  }

  /// The title of a list, or its name when it has gone.
  func listTitle(_ name: String) async -> String {
    ((try? await mailroom.lists()) ?? []).first { $0.name == name }?.title ?? name
  }

  /// The body of a request as a form, within the form size.
  func readForm(_ request: Request) async -> Result<FormBody, FormRefusal> {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > WebLimits.formBytes {
      return .failure(FormRefusal(tooLarge()))
    }
    do {
      let buffer = try await request.body.collect(upTo: WebLimits.formBytes)
      return .success(try FormBody.parse(Array(buffer.readableBytesView), contentType: request.headers[.contentType]))
    } catch let error as FormBodyError {
      switch error.code {
      case .tooLarge: return .failure(FormRefusal(tooLarge()))
      case .unsupportedType:
        return .failure(FormRefusal(problem(.unsupportedMediaType, heading: "Not a form", message: "The request is not a form this site can read: \(error.message).")))
      default:
        return .failure(FormRefusal(problem(.badRequest, heading: "The form could not be read", message: "\(error.message). Send the form from the page again.")))
      }
    } catch {
      return .failure(FormRefusal(tooLarge()))
    }
  }

  private func tooLarge() -> Response {
    problem(.contentTooLarge, heading: "Too much text", message: "The form holds more than this site accepts (\(WebLimits.formBytes / 1024) kB). Shorten it and send it again.")
  }

  /// A form whose honeypot (the field people cannot see) is filled was sent by a program.
  func isBot(_ form: FormBody) -> Bool {
    !(form["website"] ?? "").isEmpty
  }

  /// A form field's text, trimmed, with control characters (but line breaks) removed.
  func field(_ form: FormBody, _ name: String) -> String {
    let value = form[name] ?? ""
    let cleaned = value.unicodeScalars.filter { scalar in
      !(scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\r" && scalar != "\t")
    }
    return String(String.UnicodeScalarView(cleaned)).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// A response that refuses a form.
struct FormRefusal: Error {
  let response: Response
  init(_ response: Response) { self.response = response }
}

/// In front of every route: rejects request targets that are too long, answers unknown
/// addresses with the site's 404 page, and puts the security headers on every response.
struct PageMiddleware: RouterMiddleware {
  typealias Context = WebContext
  let server: WebServer

  func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
    var response: Response
    if request.uri.description.utf8.count > WebLimits.uriBytes {
      response = server.problem(.uriTooLong, heading: "Address too long", message: "The address of the page is too long.")
    } else {
      do {
        response = try await next(request, context)
      } catch let error as HTTPError where error.status == .notFound {
        response = server.notFound()
      } catch let error as HTTPError where error.status == .methodNotAllowed {
        response = server.problem(.methodNotAllowed, heading: "Not allowed", message: "This page cannot be used that way.")
      } catch let error as HTTPError where error.status == .contentTooLarge {
        response = server.problem(.contentTooLarge, heading: "Too much text", message: "The request is larger than this site accepts.")
      } catch {
        server.logger.error("a request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
        response = server.problem(.internalServerError, heading: "Something went wrong", message: "The page could not be made. Please try again later.")
      }
    }
    for (name, value) in SecurityHeaders.all {
      if let field = HTTPField.Name(name) { response.headers[field] = value }
    }
    return response
  }
}
