import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldDesk

/// A new workspace (`herald init`: the sample release in Releases/) with one desk user per
/// role, and its desk on a free loopback port per test. bcrypt runs at cost 4 (the code is
/// the same; cost 12 would make every sign-in take a quarter of a second).
struct DeskFixture {
  let workspace: Workspace
  let mailroom: Mailroom
  let desk: DeskServer
  let clock: TestClock
  static let password = "correct horse battery staple"

  /// - Parameter desk: lines of herald.yml's `desk:` section ("  base_url: https://desk.example.org").
  /// - Parameter web: lines of its `web:` section.
  /// - Parameter prepare: changes to the new workspace before the desk opens it (a DKIM key,
  ///   a release, more of herald.yml).
  /// - Parameter sections: more of herald.yml, as it is written ("press_kit:\n  upload_limit: 10 KB\n").
  /// - Parameter now: the time the test clock starts at (sends compare it with the Outbox's).
  /// - Parameter delivery: the relay the desk says `herald serve` delivers through.
  init(
    desk deskLines: [String] = [], web: [String] = [], sections: String = "", now: Date = Date(timeIntervalSince1970: 1_800_000_000),
    delivery: String? = nil, prepare: (Workspace) throws -> Void = { _ in }
  ) throws {
    clock = TestClock(now)
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-desk-\(UUID().uuidString)")
    workspace = Workspace(root: root)
    try workspace.initialize()
    var extra = ""
    if !deskLines.isEmpty { extra += "\ndesk:\n" + deskLines.joined(separator: "\n") + "\n" }
    if !web.isEmpty { extra += "\nweb:\n" + web.joined(separator: "\n") + "\n" }
    if !sections.isEmpty { extra += "\n" + sections }
    if !extra.isEmpty {
      let yml = root.appendingPathComponent("herald.yml")
      try (String(contentsOf: yml, encoding: .utf8) + extra).write(to: yml, atomically: true, encoding: .utf8)
    }
    try prepare(workspace)
    mailroom = try Mailroom(workspace: workspace, clock: clock.wallClock)
    var policy = DeskServer.accountPolicy(mailroom.configuration.desk)
    policy.passwordCost = 4
    let accounts = DeskAccounts(store: mailroom.store, clock: clock.wallClock, policy: policy)
    for role in DeskRole.allCases {
      try accounts.add(name: "The \(role)", email: "\(role)@example.org", role: role, password: Self.password)
    }
    desk = try DeskServer(mailroom: mailroom, accounts: accounts, delivery: delivery)
  }

  /// The same workspace opened again, as by a desk that was stopped and started (a new
  /// mailroom and desk; the store, the Outbox and the accounts are the same).
  init(reopening other: DeskFixture, delivery: String? = nil) throws {
    workspace = other.workspace
    clock = other.clock
    mailroom = try Mailroom(workspace: workspace, clock: clock.wallClock)
    var policy = DeskServer.accountPolicy(mailroom.configuration.desk)
    policy.passwordCost = 4
    desk = try DeskServer(
      mailroom: mailroom, accounts: DeskAccounts(store: mailroom.store, clock: clock.wallClock, policy: policy), delivery: delivery)
  }

  var accounts: DeskAccounts { desk.accounts }

  /// Runs `body` against the desk listening on a free loopback port.
  @discardableResult
  func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
    try await desk.application(host: "127.0.0.1", port: 0).test(.live, body)
  }
}

/// An application/x-www-form-urlencoded body.
func formBody(_ fields: [(String, String)]) -> ByteBuffer {
  var allowed = CharacterSet.alphanumerics
  allowed.insert(charactersIn: "-._~")
  let text = fields.map { name, value in
    "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
  }.joined(separator: "&")
  return ByteBuffer(string: text)
}

/// A signed-in browser: its cookie and the form token of its session.
struct Browser: Sendable {
  var cookie: String
  var csrf: String

  /// Headers of a request from this browser (a same-origin form when `form`).
  func headers(form: Bool = false) -> HTTPFields {
    var fields: HTTPFields = [.cookie: cookie, .userAgent: "HeraldTests/1.0"]
    if form {
      fields[.contentType] = "application/x-www-form-urlencoded"
      fields[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
    }
    return fields
  }
}

extension TestResponse {
  /// The body as text.
  var text: String { String(buffer: body) }

  /// "name=value" of the Set-Cookie header.
  var cookiePair: String? {
    headers[.setCookie].map { String($0.prefix { $0 != ";" }) }
  }
}

extension TestClientProtocol {
  /// Signs in through the form and returns the browser, or fails the test.
  func signIn(_ email: String, _ password: String = DeskFixture.password, from client: String? = nil) async throws -> Browser {
    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .userAgent: "HeraldTests/1.0"]
    if let client { headers[HTTPField.Name("X-Forwarded-For")!] = client }
    let response = try await execute(uri: "/sign-in", method: .post, headers: headers, body: formBody([("email", email), ("password", password)]))
    #expect(response.status == .seeOther, "\(email): \(response.text)")
    let cookie = try #require(response.cookiePair)
    // The form token is on every page of the session.
    let page = try await execute(uri: "/account", method: .get, headers: [.cookie: cookie])
    let match = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/))
    return Browser(cookie: cookie, csrf: String(match.1))
  }

  /// Posts a form from `browser`'s page (its token added unless `csrf` says otherwise).
  func post(_ uri: String, _ browser: Browser, _ fields: [(String, String)], csrf: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
    var headers = browser.headers(form: true)
    for field in extra { headers[field.name] = field.value }
    return try await execute(uri: uri, method: .post, headers: headers, body: formBody([("csrf", csrf ?? browser.csrf)] + fields))
  }
}
