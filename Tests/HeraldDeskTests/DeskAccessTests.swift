import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// A route of the desk, the role it needs, and for a form what it sends.
struct DeskRouteCase: Sendable, CustomTestStringConvertible {
  var method: HTTPRequest.Method
  var path: String
  var role: DeskRole
  var fields: [(String, String)] = []
  var testDescription: String { "\(method) \(path)" }
}

struct DeskAccessTests {
  /// Every route but sign-in and sign-out, with the least role it needs.
  static let routes: [DeskRouteCase] = [
    DeskRouteCase(method: .get, path: "/", role: .viewer),
    DeskRouteCase(method: .get, path: "/account", role: .viewer),
    DeskRouteCase(method: .get, path: "/account/two-step", role: .viewer),
    DeskRouteCase(method: .get, path: "/releases/2020-03-31-water-report.md", role: .viewer),
    DeskRouteCase(method: .get, path: "/users", role: .admin),
    DeskRouteCase(method: .post, path: "/users/add", role: .admin, fields: [("name", "Added Person"), ("email", "added@example.org"), ("role", "viewer")]),
    DeskRouteCase(method: .post, path: "/users/role", role: .admin, fields: [("email", "viewer@example.org"), ("role", "admin")]),
    DeskRouteCase(method: .post, path: "/users/disable", role: .admin, fields: [("email", "viewer@example.org")]),
    // The Outbox and the audit (the Outbox's forms, per role: DeskOutboxTests).
    DeskRouteCase(method: .get, path: "/outbox", role: .viewer),
    DeskRouteCase(method: .get, path: "/audit", role: .admin),
    DeskRouteCase(method: .get, path: "/audit.csv", role: .admin),
  ]

  /// What the routes above would change, to see that a refused request changed nothing.
  static func state(_ fixture: DeskFixture) throws -> [String] {
    try fixture.accounts.users().map { "\($0.email) \($0.role) \($0.disabled)" }
  }

  @Test(arguments: DeskRole.allCases)
  func everyRouteAnswersEachRoleAsItsRoleAllows(role: DeskRole) async throws {
    for route in Self.routes {
      let fixture = try DeskFixture()
      let before = try Self.state(fixture)
      try await fixture.test { client in
        let browser = try await client.signIn("\(role)@example.org")
        let response: TestResponse
        if route.method == .get {
          response = try await client.execute(uri: route.path, method: .get, headers: browser.headers())
        } else {
          response = try await client.post(route.path, browser, route.fields)
        }
        if role.allows(route.role) {
          #expect([.ok, .seeOther].contains(response.status), "\(role) \(route.testDescription): \(response.status)")
        } else {
          #expect(response.status == .forbidden, "\(role) \(route.testDescription)")
          #expect(response.text.contains("Your role does not allow this"))
        }
      }
      if !role.allows(route.role) || route.method == .get {
        #expect(try Self.state(fixture) == before, "\(role) \(route.testDescription) changed something")
      } else {
        #expect(try Self.state(fixture) != before, "\(role) \(route.testDescription) changed nothing")
      }
    }
  }

  @Test(arguments: routes)
  func withoutASessionEveryRouteRedirectsToSignIn(route: DeskRouteCase) async throws {
    let fixture = try DeskFixture()
    let before = try Self.state(fixture)
    try await fixture.test { client in
      for cookie in [nil, "herald-desk=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "herald-desk=<script>"] {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        let response = try await client.execute(uri: route.path, method: route.method, headers: headers, body: formBody(route.fields))
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/sign-in")
      }
    }
    #expect(try Self.state(fixture) == before)
  }

  @Test func formsWithoutTheSessionsTokenOrFromAnotherSiteAreRefusedAndChangeNothing() async throws {
    let fixture = try DeskFixture()
    let before = try Self.state(fixture)
    try await fixture.test { client in
      let admin = try await client.signIn("admin@example.org")
      let other = try await client.signIn("admin@example.org")
      let fields = [("email", "viewer@example.org"), ("role", "admin")]
      // No token at all.
      var headers = admin.headers(form: true)
      let missing = try await client.execute(uri: "/users/role", method: .post, headers: headers, body: formBody(fields))
      #expect(missing.status == .forbidden)
      // Another session's token (the same user's, even).
      #expect(try await client.post("/users/role", admin, fields, csrf: other.csrf).status == .forbidden)
      #expect(try await client.post("/users/role", admin, fields, csrf: "").status == .forbidden)
      // The right token, from another site.
      let crossSite = try await client.post("/users/role", admin, fields, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
      #expect(crossSite.status == .forbidden)
      let foreignOrigin = try await client.post("/users/role", admin, fields, headers: [HTTPField.Name("Origin")!: "https://attacker.example.com"])
      #expect(foreignOrigin.status == .forbidden)
      let nullOrigin = try await client.post("/users/role", admin, fields, headers: [HTTPField.Name("Origin")!: "null"])
      #expect(nullOrigin.status == .forbidden)
      // A sign-in posted from another site is refused too (login CSRF).
      headers = [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
      let signIn = try await client.execute(
        uri: "/sign-in", method: .post, headers: headers, body: formBody([("email", "viewer@example.org"), ("password", DeskFixture.password)]))
      #expect(signIn.status == .forbidden)
      #expect(signIn.headers[.setCookie] == nil)
      // Sign-out needs the token as well.
      #expect(try await client.post("/sign-out", admin, [], csrf: "forged").status == .forbidden)
      #expect(try await client.execute(uri: "/", method: .get, headers: admin.headers()).status == .ok)
      // The same form with its token and from the desk's own origin goes through.
      let sameOrigin = try await client.post("/users/role", admin, fields, headers: [HTTPField.Name("Origin")!: fixture.desk.address])
      #expect(sameOrigin.status == .seeOther)
    }
    #expect(try Self.state(fixture) != before)
  }

  @Test func everyResponseCarriesTheSecurityHeadersAndAPolicyWithoutInlineScript() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("admin@example.org")
      for (path, headers) in [("/sign-in", HTTPFields()), ("/", browser.headers()), ("/users", browser.headers()), ("/nowhere", browser.headers()), ("/desk.css", HTTPFields())] {
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        let policy = try #require(response.headers[HTTPField.Name("Content-Security-Policy")!], "\(path)")
        #expect(policy == "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
        #expect(!policy.contains("unsafe-inline"))
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
        if path != "/desk.css" {
          // One script, from the desk itself (desk.js, which the pages work without); none inline.
          let scripts = response.text.matches(of: /<script[^>]*>/).map { String($0.output) }
          #expect(scripts.allSatisfy { $0 == "<script src=\"/desk.js\" defer>" }, "\(path): \(scripts)")
          #expect(!response.text.contains("<script>"), "\(path) has an inline script")
          #expect(!response.text.contains(" style="), "\(path) has an inline style")
        }
      }
    }
  }

  @Test func hostileInputInEveryFieldIsEscapedOrRemoved() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let admin = try await client.signIn("admin@example.org")
      let name = "<script>alert(1)</script> \u{202E}Eve\u{0007}\u{2066}\"'&"
      let added = try await client.post("/users/add", admin, [("name", name), ("email", "eve@example.org"), ("role", "editor")])
      #expect(added.status == .ok)
      let page = try await client.execute(uri: "/users", method: .get, headers: admin.headers())
      #expect(!page.text.contains("<script>alert"))
      #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Eve&quot;"))
      #expect(!page.text.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x2066 || $0.value == 7 })
      #expect(try fixture.accounts.user(email: "eve@example.org").name == "<script>alert(1)</script> Eve\"'&")
      // An address or role that is not one: the error beside its field, nothing added.
      let badEmail = try await client.post("/users/add", admin, [("name", "X"), ("email", "<b>@example.org"), ("role", "editor")])
      #expect(badEmail.status == .unprocessableContent)
      #expect(badEmail.text.contains("id=\"email-error\""))
      #expect(!badEmail.text.contains("<b>@"))
      let badRole = try await client.post("/users/add", admin, [("name", "X"), ("email", "x@example.org"), ("role", "<owner>")])
      #expect(badRole.status == .unprocessableContent)
      #expect(try fixture.accounts.users().count == 5)
      // A hostile address at sign-in comes back escaped.
      let signIn = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "\"><script>x</script>"), ("password", "x")]))
      #expect(!signIn.text.contains("<script>x"))
    }
  }

  @Test func anAdministratorAddsAUserWhoseOneTimePasswordIsShownOnce() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let admin = try await client.signIn("admin@example.org")
      let added = try await client.post("/users/add", admin, [("name", "Claire Durand"), ("email", "claire@example.org"), ("role", "sender")])
      let password = try #require(added.text.firstMatch(of: /<code>([^<]+)<\/code>/)).1
      #expect(try fixture.accounts.user(email: "claire@example.org").role == .sender)
      let page = try await client.execute(uri: "/users", method: .get, headers: admin.headers())
      #expect(!page.text.contains(String(password)))
      let duplicate = try await client.post("/users/add", admin, [("name", "Claire"), ("email", "CLAIRE@example.org"), ("role", "viewer")])
      #expect(duplicate.status == .unprocessableContent)
      #expect(duplicate.text.contains("exists already"))
      // An administrator cannot disable their own account.
      let own = try await client.post("/users/disable", admin, [("email", "admin@example.org")])
      #expect(own.status == .unprocessableContent)
      #expect(try fixture.accounts.user(email: "admin@example.org").disabled == false)
      // Nor lower their own role.
      let demoted = try await client.post("/users/role", admin, [("email", "Admin@example.org"), ("role", "viewer")])
      #expect(demoted.status == .unprocessableContent)
      #expect(try fixture.accounts.user(email: "admin@example.org").role == .admin)
    }
  }
}
