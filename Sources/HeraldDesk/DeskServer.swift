import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import HeraldWeb
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The desk: the press office's signed-in web workspace, served by `herald serve` on a
/// listener of its own (herald.yml `desk:`, loopback by default).
///
/// Every route states the role it needs; a request without a valid session is sent to the
/// sign-in page, one whose role is too low gets a 403 page and changes nothing. Every
/// state-changing request is a POST that passes the cross-site check (Sec-Fetch-Site,
/// Origin) and carries its session's form token. Accounts and sessions are `DeskAccounts`'
/// (the library `herald users` uses), called on the blocking pool, never on an event loop.
package final class DeskServer: Sendable {
  let mailroom: Mailroom
  /// The accounts and sessions.
  package let accounts: DeskAccounts
  let settings: DeskSettings
  let pages: DeskPages
  /// What the heavier pages are made from, kept for a few seconds.
  let cache: DeskCache
  /// The port the desk listens on, once it does (port 0 picks one).
  let boundPort = Shared<Int?>(nil)
  let proxies: TrustedProxies
  let cookie: DeskCookie
  let strings: [String: String]
  let site: [String: any Sendable]
  let logger: Logger
  /// The address of the relay that `herald serve` delivers the Outbox through; nil when it
  /// does not (the desk's sends wait in the Outbox for `herald deliver`).
  let delivery: String?
  /// The sends started here, written to the Outbox in the background.
  let sends: DeskSends
  /// The CSV files uploaded for an import, and their imports (in the background).
  let imports: DeskImports
  /// Counts the Outbox actions taken here: the Outbox page's kept overview is made again
  /// after each.
  let outboxChanges = Shared(0)

  /// Makes the desk of a mailroom's workspace: herald.yml's `desk:` section, the templates
  /// (Templates/desk/, else Herald's defaults), the words of `web.language`.
  /// - Parameter accounts: the accounts to use; by default the store's, with `desk:`'s
  ///   session lifetimes (tests give one with a cheap password hash).
  /// - Parameter delivery: the address of the relay the serving process delivers the Outbox
  ///   through (its `DeliveryService`); nil when nothing delivers it there (the pages say so).
  /// - Throws: `DeskError` `.template`, `.configuration`.
  package init(
    mailroom: Mailroom, accounts: DeskAccounts? = nil, delivery: String? = nil, logger: Logger = Logger(label: "herald.desk")
  ) throws {
    self.mailroom = mailroom
    self.logger = logger
    self.delivery = delivery
    sends = DeskSends(mailroom: mailroom, logger: logger)
    imports = DeskImports(clock: mailroom.clock, logger: logger)
    let configuration = mailroom.configuration
    settings = configuration.desk
    self.accounts = accounts ?? DeskAccounts(store: mailroom.store, clock: mailroom.clock, policy: Self.accountPolicy(settings), logger: logger)
    pages = try DeskPages(workspace: mailroom.workspace)
    cache = DeskCache(clock: mailroom.clock)
    do {
      proxies = try TrustedProxies(configuration.web.trustedProxies)
    } catch {
      throw DeskError(.configuration, "herald.yml: web.trusted_proxies: \(error)", underlying: error as? TrustedProxyError)
    }
    cookie = DeskCookie(secure: settings.usesSecureCookies, maxAge: Int(self.accounts.policy.absoluteTimeout))
    do {
      strings = try mailroom.workspace.strings().table(for: configuration.web.language).values
    } catch let error as any HeraldError {
      throw DeskError(.template, error.message, underlying: error)
    }
    site = ["organization": configuration.compose.organization, "language": configuration.web.language]
  }

  /// The account policy of `desk:`: its session lifetimes, the rest Herald's defaults.
  package static func accountPolicy(_ settings: DeskSettings) -> DeskAccountPolicy {
    var policy = DeskAccountPolicy()
    policy.idleTimeout = settings.sessionIdle
    policy.absoluteTimeout = settings.sessionLifetime
    policy.twoStepFrom = settings.twoStepFrom
    return policy
  }

  /// The templates the workspace has of its own (the rest are Herald's defaults).
  package var customTemplates: [String] { pages.overridden }

  /// The desk's address as browsers see it (`desk.base_url`, else http://HOST:PORT with the
  /// port it listens on).
  package var address: String {
    guard settings.baseURL == nil, let port = boundPort.value else { return settings.address }
    var listening = settings
    listening.port = port
    return listening.address
  }

  // MARK: Running

  /// The routes, behind the middleware that adds the security headers and turns refusals
  /// into their pages.
  package func router() -> Router<DeskContext> {
    let router = Router(context: DeskContext.self)
    router.add(middleware: DeskMiddleware(server: self))
    router.get("/desk.css") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"],
        body: .init(byteBuffer: ByteBuffer(bytes: self.pages.stylesheet)))
    }
    router.get("/desk.js") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
        body: .init(byteBuffer: ByteBuffer(bytes: self.pages.script)))
    }
    addSignInRoutes(to: router)
    addReleaseRoutes(to: router)
    // Writing a release: /releases/new before /releases/:file.
    addNewReleaseRoutes(to: router)
    addEditRoutes(to: router)
    addFileRoutes(to: router)
    addReleaseOverviewRoute(to: router)
    addCheckRoutes(to: router)
    addPreviewRoutes(to: router)
    addAccountRoutes(to: router)
    addTwoStepRoutes(to: router)
    addUserRoutes(to: router)
    addSendRoutes(to: router)
    addCampaignRoutes(to: router)
    addInquiryRoutes(to: router)
    addReceivedMailRoutes(to: router)
    addSubscriberRoutes(to: router)
    addSuppressionRoutes(to: router)
    addListImportRoutes(to: router)
    addListRoutes(to: router)
    addReportRoutes(to: router)
    addOutboxRoutes(to: router)
    addAuditRoutes(to: router)
    return router
  }

  /// The desk as a service for `herald serve`'s service group, beside the public site: the
  /// application below, whose failure to listen is reported as the desk's (`DeskError`
  /// `.startup`, naming its address and how to choose another port).
  package func service(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
    DeskListener(application: application(host: host, port: port, onListening: onListening), host: host, port: port)
  }

  /// The Hummingbird application listening on `host`:`port` (0: a free port).
  /// - Parameter onListening: told the port once the desk listens.
  package func application(
    host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    let http = HTTP1Channel.Configuration(
      idleTimeout: .seconds(DeskLimits.idleSeconds),
      httpDecoderConfiguration: .init(
        maxHeaderFieldSize: DeskLimits.headerBytes, maxHeaderListSize: DeskLimits.headerBytes, maxHeaderFieldCount: DeskLimits.headerFields))
    return Application(
      router: router(),
      server: .http1(configuration: http),
      configuration: .init(address: .hostname(host, port: port), serverName: nil),
      onServerRunning: { channel in
        let bound = channel.localAddress?.port ?? port
        self.boundPort.withLock { $0 = bound }
        await onListening(bound)
        // Sends recorded but not wholly written when the desk last stopped go on now.
        await self.sends.resume()
      },
      logger: logger)
  }

  // MARK: Who is asking

  /// The client: the peer, or the client a trusted proxy names.
  func client(_ request: Request, _ context: DeskContext) -> String {
    let remote = context.remoteAddress?.ipAddress ?? "unknown"
    return proxies.client(remote: remote, forwardedFor: request.headers[values: HTTPField.Name("X-Forwarded-For")!])
  }

  /// The signed-in user of a request, allowed `role`; otherwise throws the refusal: a
  /// redirect to the sign-in page without a valid session, to the code page while the
  /// second step of a sign-in is still to come (unless `awaitingCode`), the 403 page for a
  /// lower role, the account page while a one-time password must be changed or two-step
  /// sign-in must be set up (unless `changingPassword`: the account's own pages).
  func require(_ role: DeskRole, _ request: Request, changingPassword: Bool = false, awaitingCode: Bool = false) async throws -> DeskSignedIn {
    guard let token = cookie.token(in: request.headers),
      let signedIn = try await BlockingWork.run({ () -> DeskSignedIn? in
        let signedIn = try self.accounts.session(token: token)
        // The navigation's count, read beside the session while this thread has the store.
        if signedIn != nil { self.refreshWaitingCount() }
        return signedIn
      })
    else {
      throw DeskRefusal(redirect(DeskPage.signIn.path))
    }
    if signedIn.session.awaitingCode && !awaitingCode { throw DeskRefusal(redirect(DeskPage.signInCode.path)) }
    if !changingPassword, let page = accountTask(signedIn.user) { throw DeskRefusal(redirect(page.path)) }
    guard signedIn.user.role.allows(role) else { throw DeskRefusal(forbidden(signedIn)) }
    return signedIn
  }

  /// The account page a user must see before anything else: to change a one-time password,
  /// then to set up two-step sign-in when their role requires it; nil when there is none.
  func accountTask(_ user: DeskUser) -> DeskPage? {
    if user.mustChangePassword { return .account }
    if accounts.policy.requiresTwoStep(user.role) && !user.twoStep { return .twoStep }
    return nil
  }

  /// A state-changing request's user and form, after every check: signed in, sent from the
  /// desk's own pages (Sec-Fetch-Site, Origin), allowed `role`, and carrying the session's
  /// form token. Any failure throws its refusal, before anything is changed.
  /// - Parameter limits: the most the form may hold (a release's text: `DeskLimits.releaseForm`).
  func requireForm(
    _ role: DeskRole, _ request: Request, _ context: DeskContext, changingPassword: Bool = false, awaitingCode: Bool = false,
    limits: FormLimits = DeskLimits.form
  ) async throws -> (DeskSignedIn, FormBody) {
    // The audit records who asked, and that a check refused them (DeskMiddleware).
    do {
      let signedIn = try await require(.viewer, request, changingPassword: true, awaitingCode: awaitingCode)
      context.audit.signedIn(signedIn.user)
      guard isSameSite(request) else { throw DeskRefusal(forbidden(signedIn, message: strings["desk_form_expired"])) }
      if !changingPassword, let page = accountTask(signedIn.user) { throw DeskRefusal(redirect(page.path)) }
      guard signedIn.user.role.allows(role) else { throw DeskRefusal(forbidden(signedIn)) }
      let form = try await readForm(request, limits: limits)
      guard DeskAccounts.formTokenMatches(form["csrf"], signedIn.session) else {
        throw DeskRefusal(forbidden(signedIn, message: strings["desk_form_expired"]))
      }
      return (signedIn, form)
    } catch let refusal as DeskRefusal {
      // A form too large or unreadable is the sender's mistake (failed); the rest are refusals.
      if refusal.response.status == .forbidden || refusal.response.status == .seeOther { context.audit.refuse() }
      throw refusal
    }
  }

  /// Whether the browser says the request came from the desk's own pages.
  func isSameSite(_ request: Request) -> Bool {
    // Forms are accepted from the desk's own origin only (Origin compared with its address).
    CrossSiteCheck(baseURL: address).allows(
      method: request.method.rawValue, secFetchSite: request.headers[HTTPField.Name("Sec-Fetch-Site")!],
      origin: request.headers[HTTPField.Name("Origin")!])
  }

  /// The body of a request as a form, within `limits`.
  func readForm(_ request: Request, limits: FormLimits = DeskLimits.form) async throws -> FormBody {
    let tooLarge = DeskRefusal(message(.contentTooLarge, "The form holds more than the desk accepts here (\(ByteCount.formatted(limits.maximumBytes))). Shorten it, or link to long documents instead of pasting them."))
    if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maximumBytes { throw tooLarge }
    do {
      let buffer: ByteBuffer
      do {
        buffer = try await request.body.collect(upTo: limits.maximumBytes)
      } catch let error as HTTPError where error.status == .contentTooLarge {
        throw tooLarge
      }
      return try FormBody.parse(Array(buffer.readableBytesView), contentType: request.headers[.contentType], limits: limits)
    } catch let error as FormBodyError where error.code == .tooLarge {
      throw tooLarge
    } catch let error as FormBodyError {
      throw DeskRefusal(message(.badRequest, "The form could not be read: \(error.message). Send it from the page again."))
    }
  }

  /// A form field's text, trimmed, without control or bidirectional formatting characters.
  func field(_ form: FormBody, _ name: String) -> String {
    let value = form[name] ?? ""
    let cleaned = value.unicodeScalars.filter { !DeskServer.isInvisibleControl($0) }
    return String(String.UnicodeScalarView(cleaned)).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
      || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C || scalar.value == 0x2028 || scalar.value == 0x2029
  }

  // MARK: Pages

  /// A page rendered for `signedIn` (nil: the sign-in page) with `values`.
  /// - Parameter csrf: the form token of a session that is not signed in yet (the code page's).
  func page(_ name: String, _ values: [String: Any], for signedIn: DeskSignedIn?, csrf: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
    DeskRenderedPage(status: status, html: html(name, values, for: signedIn, csrf: csrf)).response()
  }

  /// The HTML of a page rendered for `signedIn` with `values`.
  func html(_ name: String, _ values: [String: Any], for signedIn: DeskSignedIn?, csrf: String? = nil) -> String {
    var context: [String: Any] = ["site": site, "strings": strings]
    if let csrf { context["csrf"] = csrf }
    if let signedIn {
      context["user"] = userValues(signedIn.user)
      context["is_admin"] = signedIn.user.role.allows(.admin)
      context["csrf"] = signedIn.session.formToken
      if let waiting = waitingCount, waiting > 0 { context["nav"] = ["inquiries_waiting": waiting.formatted()] }
    }
    for (key, value) in values { context[key] = value }
    return pages.render(name, context)
  }

  func userValues(_ user: DeskUser) -> [String: Any] {
    ["id": user.id.rawValue, "name": user.name, "email": user.email, "role": user.role.rawValue, "role_name": roleName(user.role), "disabled": user.disabled, "two_step": user.twoStep]
  }

  func roleName(_ role: DeskRole) -> String { strings["desk_role_\(role.rawValue)"] ?? role.rawValue }

  /// The 403 page: what is not allowed, nothing changed.
  func forbidden(_ signedIn: DeskSignedIn?, message: String? = nil) -> Response {
    page("forbidden", ["heading": strings["desk_forbidden"] ?? "Not allowed", "message": message ?? strings["desk_forbidden_text"] ?? ""],
      for: signedIn, status: .forbidden)
  }

  /// A plain problem page (no session needed).
  func message(_ status: HTTPResponse.Status, _ text: String) -> Response {
    page("forbidden", ["heading": status.reasonPhrase, "message": text], for: nil, status: status)
  }

  /// 303 See Other to `path` on the desk.
  func redirect(_ path: String, headers: HTTPFields = [:]) -> Response {
    var fields: HTTPFields = [.location: path, .cacheControl: "no-store"]
    fields.append(contentsOf: headers)
    return Response(status: .seeOther, headers: fields)
  }
}

/// Runs the desk's application; an address it cannot listen on is the desk's error, not the
/// public site's.
struct DeskListener<Application: ApplicationProtocol>: Service {
  let application: Application
  let host: String
  let port: Int

  func run() async throws {
    do {
      try await application.run()
    } catch let error as IOError {
      throw DeskError(
        .startup,
        "the desk cannot listen on \(host):\(port): \(error.description); is another server using the port? Choose another with desk.port in herald.yml or --desk-port",
        underlying: error)
    }
  }
}

/// A response that refuses a request (thrown by the checks, answered by the middleware).
struct DeskRefusal: Error {
  let response: Response
  init(_ response: Response) { self.response = response }
}

/// The headers of every desk response: no framing, nothing loaded or posted elsewhere, no
/// inline script (the desk works without JavaScript), no referrer, no sniffing.
enum DeskHeaders {
  static let contentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"

  /// The stricter policies a response may bring instead of the desk's.
  static let ownPolicies: Set<String> = [
    PreviewFrame.contentSecurityPolicy, ReceivedFrame.contentSecurityPolicy, ReceivedFrame.attachmentPolicy,
  ]

  static let all: [(name: String, value: String)] =
    [("Content-Security-Policy", contentSecurityPolicy)] + SecurityHeaders.all.filter { $0.name != "Content-Security-Policy" }
}

/// In front of every route: rejects request targets that are too long, turns refusals into
/// their responses and unknown addresses into a 404 page, and puts the security headers on
/// every response.
struct DeskMiddleware: RouterMiddleware {
  typealias Context = DeskContext
  let server: DeskServer

  func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
    var response: Response
    if request.uri.description.utf8.count > DeskLimits.uriBytes {
      response = server.message(.uriTooLong, "The address of the page is too long.")
    } else {
      do {
        response = try await next(request, context)
      } catch let refusal as DeskRefusal {
        response = refusal.response
      } catch let error as HTTPError where error.status == .notFound {
        response = server.message(.notFound, "There is no page at this address.")
      } catch let error as HTTPError where error.status == .methodNotAllowed {
        response = server.message(.methodNotAllowed, "This page cannot be used that way.")
      } catch let error as HTTPError where error.status == .contentTooLarge {
        response = server.message(.contentTooLarge, "The request is larger than the desk accepts.")
      } catch {
        server.logger.error("a desk request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
        response = server.message(.internalServerError, "The page could not be made. Please try again later.")
      }
    }
    if request.method == .post { await server.recordAudit(request, context: context, status: response.status) }
    for (name, value) in DeskHeaders.all {
      // A preview's frame, a received message's frame and its attachments bring a policy of
      // their own (PreviewFrame, ReceivedFrame): kept, not replaced.
      if name == "Content-Security-Policy", let own = response.headers[HTTPField.Name(name)!], DeskHeaders.ownPolicies.contains(own) { continue }
      if let field = HTTPField.Name(name) { response.headers[field] = value }
    }
    return response
  }
}
