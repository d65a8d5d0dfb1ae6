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

/// Two-step sign-in through the desk's pages: setting it up from the account page, the code
/// page after the password, and `desk.two_step: admins` sending an administrator without it
/// to set it up before anything else.
struct DeskTwoStepPageTests {
  /// The code the user's app would show now (or a step later).
  func code(_ secret: String, _ fixture: DeskFixture, offset: Int64 = 0) -> String {
    AuthenticatorCode(secret: secret).code(step: AuthenticatorCode.step(at: fixture.clock.now) + offset)
  }

  /// Sets two-step sign-in up through the account page's form; returns the secret.
  func setUp(_ client: any TestClientProtocol, _ browser: Browser, _ fixture: DeskFixture) async throws -> String {
    let page = try await client.execute(uri: "/account/two-step", method: .get, headers: browser.headers())
    #expect(page.status == .ok)
    let secret = String(try #require(page.text.firstMatch(of: /name="secret" value="([A-Za-z0-9]{20})"/)).1)
    // The key to type is shown, and the QR code when qrencode is installed (bootstrap installs it).
    #expect(page.text.contains(AuthenticatorCode(secret: secret).typedKey))
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/qrencode") {
      #expect(page.text.contains("src=\"data:image/svg+xml;base64,"))
    }
    let done = try await client.post("/account/two-step", browser, [("secret", secret), ("code", code(secret, fixture))])
    #expect(done.status == .ok, "\(done.text)")
    fixture.clock.advance(by: 30)
    return secret
  }

  @Test func anEditorSetsItUpAndThenSignsInWithTheCode() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      // A wrong code keeps it off and says why beside the field.
      let form = try await client.execute(uri: "/account/two-step", method: .get, headers: browser.headers())
      let secret = String(try #require(form.text.firstMatch(of: /name="secret" value="([A-Za-z0-9]{20})"/)).1)
      let wrong = try await client.post("/account/two-step", browser, [("secret", secret), ("code", "12x456")])
      #expect(wrong.status == .unprocessableContent)
      #expect(wrong.text.contains("aria-invalid=\"true\""))
      #expect(try fixture.mailroom.store.deskUser(email: "editor@example.org")?.twoStep == false)

      let chosen = try await self.setUp(client, browser, fixture)
      #expect(try fixture.mailroom.store.deskUser(email: "editor@example.org")?.twoStep == true)

      // The password now leads to the code page, and its session opens nothing else.
      let password = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "editor@example.org"), ("password", DeskFixture.password)]))
      #expect(password.status == .seeOther)
      #expect(password.headers[.location] == "/sign-in/code")
      let waiting = try #require(password.cookiePair)
      let releases = try await client.execute(uri: "/", method: .get, headers: [.cookie: waiting])
      #expect(releases.status == .seeOther)
      #expect(releases.headers[.location] == "/sign-in/code")
      let codePage = try await client.execute(uri: "/sign-in/code", method: .get, headers: [.cookie: waiting])
      #expect(codePage.status == .ok)
      #expect(codePage.text.contains("autocomplete=\"one-time-code\""))
      let csrf = String(try #require(codePage.text.firstMatch(of: /name="csrf" value="([^"]+)"/)).1)
      let waitingBrowser = Browser(cookie: waiting, csrf: csrf)

      let refused = try await client.post("/sign-in/code", waitingBrowser, [("code", "000000" == self.code(chosen, fixture) ? "111111" : "000000")])
      #expect(refused.status == .unauthorized)
      let accepted = try await client.post("/sign-in/code", waitingBrowser, [("code", self.code(chosen, fixture))])
      #expect(accepted.status == .seeOther)
      #expect(accepted.headers[.location] == "/")
      let full = try #require(accepted.cookiePair)
      #expect(full != waiting)
      let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: full])
      #expect(page.status == .ok)
      // The waiting session ended with the code.
      let old = try await client.execute(uri: "/sign-in/code", method: .get, headers: [.cookie: waiting])
      #expect(old.headers[.location] == "/sign-in")
    }
  }

  @Test func aCodeFormFromElsewhereOrWithoutItsTokenIsRefused() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let secret = try await self.setUp(client, browser, fixture)
      let password = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "viewer@example.org"), ("password", DeskFixture.password)]))
      let waiting = Browser(cookie: try #require(password.cookiePair), csrf: "forged")
      let forged = try await client.post("/sign-in/code", waiting, [("code", self.code(secret, fixture))])
      #expect(forged.status == .forbidden)
      let crossSite = try await client.post(
        "/sign-in/code", waiting, [("code", self.code(secret, fixture))], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
      #expect(crossSite.status == .forbidden)
      // Neither used the code up.
      let codePage = try await client.execute(uri: "/sign-in/code", method: .get, headers: [.cookie: waiting.cookie])
      let csrf = String(try #require(codePage.text.firstMatch(of: /name="csrf" value="([^"]+)"/)).1)
      let accepted = try await client.post("/sign-in/code", Browser(cookie: waiting.cookie, csrf: csrf), [("code", self.code(secret, fixture))])
      #expect(accepted.status == .seeOther)
    }
  }

  @Test func whenRequiredForAdminsAnAdminWithoutItIsSentToSetItUpAndCannotTurnItOff() async throws {
    let fixture = try DeskFixture(desk: ["  two_step: admins"])
    try await fixture.test { client in
      let response = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "admin@example.org"), ("password", DeskFixture.password)]))
      #expect(response.headers[.location] == "/account/two-step")
      let cookie = try #require(response.cookiePair)
      let page = try await client.execute(uri: "/account/two-step", method: .get, headers: [.cookie: cookie])
      let csrf = String(try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)).1)
      let admin = Browser(cookie: cookie, csrf: csrf)
      // Nothing else opens, and no form is taken, until it is set up.
      for path in ["/", "/users"] {
        let other = try await client.execute(uri: path, method: .get, headers: admin.headers())
        #expect(other.status == .seeOther, "\(path)")
        #expect(other.headers[.location] == "/account/two-step", "\(path)")
      }
      let add = try await client.post("/users/add", admin, [("name", "Nobody"), ("email", "nobody@example.org"), ("role", "viewer")])
      #expect(add.headers[.location] == "/account/two-step")
      #expect(try fixture.mailroom.store.deskUser(email: "nobody@example.org") == nil)
      // An editor is not asked.
      let editor = try await client.signIn("editor@example.org")
      #expect(try await client.execute(uri: "/", method: .get, headers: editor.headers()).status == .ok)

      let secret = try await self.setUp(client, admin, fixture)
      #expect(try await client.execute(uri: "/users", method: .get, headers: admin.headers()).status == .ok)
      let off = try await client.post("/account/two-step/off", admin, [("code", self.code(secret, fixture))])
      #expect(off.status == .unprocessableContent)
      #expect(try fixture.mailroom.store.deskUser(email: "admin@example.org")?.twoStep == true)
    }
  }
}
