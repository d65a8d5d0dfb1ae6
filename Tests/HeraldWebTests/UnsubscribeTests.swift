import Foundation
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// /unsubscribe/TOKEN: RFC 8058 one-click, the page, and tokens that are not ours.
struct UnsubscribeTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  @Test func aOneClickPostAsGmailSendsItUnsubscribesAtOnceAndOnlyOnce() async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    try await fixture.test { client in
      // What Gmail sends: a POST with the urlencoded body, no cookies, from its own origin.
      var headers = formHeaders
      headers[HTTPField.Name("Origin")!] = "https://mail.google.com"
      headers[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
      let body = ByteBuffer(string: "List-Unsubscribe=One-Click")
      let first = try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: headers, body: body)
      #expect(first.status == .ok, "exempt from the cross-site checks: \(first.text)")
      #expect(first.headers[.location] == nil && first.headers[.setCookie] == nil, "no redirect, no cookie")
      let again = try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: headers, body: body)
      #expect(again.status == .ok)
    }
    #expect(try fixture.status("reader1@example.com") == .unsubscribed)
    #expect(try fixture.status("reader1@example.com", "press-de") == .subscribed, "only the token's list")
    let profile = try fixture.store.profile(email: "reader1@example.com")
    let membership = try #require(profile.memberships.first { $0.list == "press-en" })
    #expect(membership.source.kind == .unsubscribeLink)
    #expect(membership.source.detail.hasPrefix("one-click, 127.0.0.1, HeraldTests/1.0"), "\(membership.source.detail)")
    // Recorded once: one replaced state (subscribed) in the history, not two.
    #expect(profile.history.filter { $0.list == "press-en" && $0.status == .subscribed }.count == 1)
    // herald subscribers show shows the evidence.
    let shown = try HeraldProcess.run(["subscribers", "show", "reader1@example.com"], in: fixture.workspace.root)
    #expect(shown.stdout.contains("one-click, 127.0.0.1"), "\(shown.stdout)")
  }

  @Test func theOneClickBodyMayComeAsMultipartFormData() async throws {
    let token = try fixture.unsubscribeToken("reader2@example.com")
    try await fixture.test { client in
      let body = "--xyz\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--xyz--\r\n"
      let response = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: [.contentType: "multipart/form-data; boundary=xyz"], body: ByteBuffer(string: body))
      #expect(response.status == .ok)
    }
    #expect(try fixture.status("reader2@example.com") == .unsubscribed)
  }

  @Test func aGetNeverChangesAnythingAndOffersThisListOrAll() async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    try await fixture.test { client in
      let page = try await client.execute(uri: "/unsubscribe/\(token)", method: .get)
      #expect(page.status == .ok)
      #expect(page.text.contains("reader1@example.com") && page.text.contains("Press releases (English)"))
      #expect(page.text.contains("method=\"post\"") && page.text.contains("value=\"all\""))
      #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
    }
    #expect(try fixture.status("reader1@example.com") == .subscribed)
  }

  @Test func thePagesButtonLeavesEveryListWithItsEvidence() async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    let formToken = fixture.formToken("unsubscribe")
    try await fixture.test { client in
      let response = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: formHeaders,
        body: formBody([("form_token", formToken), ("scope", "all"), ("website", "")]))
      #expect(response.status == .ok, "\(response.text)")
      #expect(response.text.contains("You are unsubscribed"))
    }
    #expect(try fixture.status("reader1@example.com") == .unsubscribed)
    #expect(try fixture.status("reader1@example.com", "press-de") == .unsubscribed)
    let membership = try #require(try fixture.store.profile(email: "reader1@example.com").memberships.first)
    #expect(membership.source.detail.hasPrefix("page, 127.0.0.1"))
  }

  @Test func thePagesButtonIsAFormOfThisSite() async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    let formToken = fixture.formToken("unsubscribe")
    try await fixture.test { client in
      var crossSite = formHeaders
      crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
      let forged = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: crossSite, body: formBody([("form_token", formToken), ("scope", "all")]))
      #expect(forged.status == .forbidden)
      let tokenless = try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: formHeaders, body: formBody([("scope", "all")]))
      #expect(tokenless.status == .badRequest)
    }
    #expect(try fixture.status("reader1@example.com") == .subscribed)
  }

  @Test(arguments: ["altered", "truncated", "garbage", "otherPurpose"])
  func aTokenThatIsNotOursGetsThePlain404(_ kind: String) async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    let bad: String
    switch kind {
    case "altered":
      var characters = Array(token)
      let index = characters.count / 3
      characters[index] = characters[index] == "A" ? "B" : "A"
      bad = String(characters)
    case "truncated": bad = String(token.dropLast(4))
    case "garbage": bad = "not-a-token"
    default:
      let id = try #require(try fixture.store.subscriber(address: "reader1@example.com")).id
      bad = try fixture.workspace.linkSigner().confirmationToken(subscriber: id.description, list: "press-en", issued: Date())
    }
    try await fixture.test { client in
      let unknown = try await client.execute(uri: "/no/such/page", method: .get)
      let get = try await client.execute(uri: "/unsubscribe/\(bad)", method: .get)
      let post = try await client.execute(
        uri: "/unsubscribe/\(bad)", method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      #expect(get.status == .notFound && post.status == .notFound)
      #expect(get.text == unknown.text && post.text == unknown.text, "the same page as an unknown address")
    }
    #expect(try fixture.status("reader1@example.com") == .subscribed)
  }
}

/// X-Forwarded-For is believed from the configured proxies only.
struct ForwardedForTests {
  func oneClick(_ fixture: WebFixture, forwardedFor: String) async throws -> String {
    let token = try fixture.unsubscribeToken("reader3@example.com")
    try await fixture.test { client in
      var headers = formHeaders
      headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor
      let response = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: headers, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      #expect(response.status == .ok)
    }
    return try #require(try fixture.store.profile(email: "reader3@example.com").memberships.first).source.detail
  }

  @Test func aTrustedProxyNamesTheClient() async throws {
    let fixture = try WebFixture(web: ["  trusted_proxies: [127.0.0.1]"])
    let detail = try await oneClick(fixture, forwardedFor: "198.51.100.4, 203.0.113.9")
    #expect(detail.hasPrefix("one-click, 203.0.113.9,"), "the address the proxy saw, not what the client claimed: \(detail)")
  }

  @Test func anyoneElsesHeaderIsIgnored() async throws {
    let fixture = try WebFixture()
    let detail = try await oneClick(fixture, forwardedFor: "203.0.113.9")
    #expect(detail.hasPrefix("one-click, 127.0.0.1,"), "\(detail)")
  }
}
