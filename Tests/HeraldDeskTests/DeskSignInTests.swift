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

struct DeskSignInTests {
  @Test func signingInSetsAnHttpOnlyStrictCookieAndShowsTheReleases() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let response = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "Editor@Example.org"), ("password", DeskFixture.password)]))
      #expect(response.status == .seeOther)
      #expect(response.headers[.location] == "/")
      let cookie = try #require(response.headers[.setCookie])
      // Plain http on loopback: no __Host- prefix (browsers require Secure with it).
      #expect(cookie.hasPrefix("herald-desk="))
      #expect(cookie.contains("; Path=/"))
      #expect(cookie.contains("; HttpOnly"))
      #expect(cookie.contains("; SameSite=Strict"))
      #expect(!cookie.contains("Secure"))
      let token = String(cookie.dropFirst("herald-desk=".count).prefix { $0 != ";" })
      #expect(token.count == 43)
      let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: "herald-desk=\(token)"])
      #expect(page.status == .ok)
      #expect(page.text.contains("The editor"))
      // The sample release of `herald init`, as a draft.
      #expect(page.text.contains("Releases/2020-03-31-water-report.md"))
      #expect(page.text.contains("Draft"))
    }
  }

  @Test func anHttpsDeskUsesASecureHostPrefixedCookie() async throws {
    let fixture = try DeskFixture(desk: ["  base_url: https://desk.example.org"])
    try await fixture.test { client in
      let response = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("Origin")!: "https://desk.example.org"],
        body: formBody([("email", "viewer@example.org"), ("password", DeskFixture.password)]))
      let cookie = try #require(response.headers[.setCookie])
      #expect(cookie.hasPrefix("__Host-herald-desk="))
      #expect(cookie.hasSuffix("; Secure"))
      #expect(!cookie.contains("Domain"))
    }
  }

  @Test func aWrongPasswordAndAnUnknownUserGetTheSameAnswer() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      var answers: [String] = []
      for (email, password) in [("editor@example.org", "not the password at all"), ("nobody@example.org", DeskFixture.password)] {
        let response = try await client.execute(
          uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
          body: formBody([("email", email), ("password", password)]))
        #expect(response.status == .unauthorized)
        #expect(response.headers[.setCookie] == nil)
        answers.append(response.text.replacingOccurrences(of: email, with: "EMAIL"))
      }
      #expect(answers[0] == answers[1])
      #expect(answers[0].contains("The email or password is wrong."))
    }
  }

  @Test func failedSignInsAreThrottledPerAccountWith429AndRetryAfter() async throws {
    let fixture = try DeskFixture(web: ["  trusted_proxies: [\"127.0.0.1\"]"])
    try await fixture.test { client in
      for attempt in 0..<5 {
        let response = try await client.execute(
          uri: "/sign-in", method: .post,
          headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: "192.0.2.\(attempt)"],
          body: formBody([("email", "admin@example.org"), ("password", "guessing guessing")]))
        #expect(response.status == .unauthorized)
      }
      // The right password, from yet another address: the account waits.
      let throttled = try await client.execute(
        uri: "/sign-in", method: .post,
        headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: "192.0.2.99"],
        body: formBody([("email", "admin@example.org"), ("password", DeskFixture.password)]))
      #expect(throttled.status == .tooManyRequests)
      #expect(throttled.headers[.retryAfter] == "1")
      #expect(throttled.headers[.setCookie] == nil)
      #expect(throttled.text.contains("Wait 1 seconds"))
      // Once the wait is over (the clock moves; nothing sleeps), the right password works.
      fixture.clock.advance(by: 1)
      _ = try await client.signIn("admin@example.org", from: "192.0.2.99")
    }
  }

  @Test func oneAddressIsThrottledAcrossAccounts() async throws {
    let fixture = try DeskFixture(web: ["  trusted_proxies: [\"127.0.0.1\"]"])
    try await fixture.test { client in
      let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"]
      for role in DeskRole.allCases + [.viewer] {
        _ = try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: formBody([("email", "\(role)@example.org"), ("password", "guessing guessing")]))
      }
      let response = try await client.execute(
        uri: "/sign-in", method: .post, headers: headers, body: formBody([("email", "sender@example.org"), ("password", DeskFixture.password)]))
      #expect(response.status == .tooManyRequests)
      #expect(response.headers[.retryAfter] == "1")
      // Another address is not held back.
      _ = try await client.signIn("sender@example.org", from: "198.51.100.8")
    }
  }

  @Test func anIdleSessionEndsAndSendsTheBrowserToSignIn() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      fixture.clock.advance(by: 29 * 60)
      #expect(try await client.execute(uri: "/", method: .get, headers: browser.headers()).status == .ok)
      fixture.clock.advance(by: 31 * 60)
      let response = try await client.execute(uri: "/", method: .get, headers: browser.headers())
      #expect(response.status == .seeOther)
      #expect(response.headers[.location] == "/sign-in")
    }
  }

  @Test func aSessionEndsAfterItsLifetimeEvenWhenUsed() async throws {
    let fixture = try DeskFixture(desk: ["  session_lifetime: 2h"])
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for _ in 0..<5 {
        fixture.clock.advance(by: 20 * 60)
        #expect(try await client.execute(uri: "/", method: .get, headers: browser.headers()).status == .ok)
      }
      fixture.clock.advance(by: 21 * 60)
      #expect(try await client.execute(uri: "/", method: .get, headers: browser.headers()).status == .seeOther)
    }
  }

  @Test func signingOutEndsTheSessionAndClearsTheCookie() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let other = try await client.signIn("viewer@example.org")
      let response = try await client.post("/sign-out", browser, [])
      #expect(response.status == .seeOther)
      #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
      #expect(try await client.execute(uri: "/", method: .get, headers: browser.headers()).status == .seeOther)
      #expect(try await client.execute(uri: "/", method: .get, headers: other.headers()).status == .ok)
    }
  }

  @Test func changingOnesPasswordEndsTheOtherSessions() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let laptop = try await client.signIn("editor@example.org")
      let phone = try await client.signIn("editor@example.org")
      let wrong = try await client.post("/account/password", laptop, [("current", "not my password"), ("new", "a new long passphrase")])
      #expect(wrong.status == .unprocessableContent)
      #expect(wrong.text.contains("id=\"current-error\""))
      let weak = try await client.post("/account/password", laptop, [("current", DeskFixture.password), ("new", "short")])
      #expect(weak.text.contains("id=\"new-error\""))
      #expect(try await client.execute(uri: "/", method: .get, headers: phone.headers()).status == .ok)
      let changed = try await client.post("/account/password", laptop, [("current", DeskFixture.password), ("new", "a new long passphrase")])
      #expect(changed.status == .ok)
      #expect(changed.text.contains("Your other sessions have ended"))
      #expect(try await client.execute(uri: "/", method: .get, headers: laptop.headers()).status == .ok)
      #expect(try await client.execute(uri: "/", method: .get, headers: phone.headers()).status == .seeOther)
      _ = try await client.signIn("editor@example.org", "a new long passphrase")
    }
  }

  @Test func aDisabledUsersSessionEndsAtOnce() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      try fixture.accounts.disable(email: "sender@example.org")
      #expect(try await client.execute(uri: "/", method: .get, headers: browser.headers()).status == .seeOther)
    }
  }

  @Test func aOneTimePasswordMustBeChangedBeforeAnythingElse() async throws {
    let fixture = try DeskFixture()
    let (_, password) = try fixture.accounts.add(name: "New Person", email: "new@example.org", role: .editor, password: nil)
    try await fixture.test { client in
      let response = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "new@example.org"), ("password", try #require(password))]))
      #expect(response.headers[.location] == "/account")
      let cookie = try #require(response.cookiePair)
      let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
      #expect(home.status == .seeOther)
      #expect(home.headers[.location] == "/account")
      let account = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookie])
      #expect(account.text.contains("please choose your own"))
    }
  }
}
