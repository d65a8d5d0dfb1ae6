import Foundation
import HeraldMail
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// /subscribe and /confirm: consent recorded, no enumeration, no bombing, links that expire.
struct SubscribeTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  func subscribe(_ client: any TestClientProtocol, list: String, email: String, name: String = "Kim Reporter",
                 consent: Bool = true, token: String? = nil, honeypot: String = "", headers: HTTPFields = formHeaders) async throws -> TestResponse {
    var fields = [("form_token", token ?? fixture.formToken("subscribe")), ("email", email), ("name", name), ("organization", "Example Daily"),
      ("website", honeypot)]
    if consent { fields.append(("consent", "yes")) }
    return try await client.execute(uri: "/subscribe/\(list)", method: .post, headers: headers, body: formBody(fields))
  }

  @Test func theFormShowsTheListsConsentTextWithALabelOnEveryInput() async throws {
    try await fixture.test { client in
      let index = try await client.execute(uri: "/subscribe", method: .get)
      #expect(index.text.contains("/subscribe/press-en") && index.text.contains("/subscribe/press-de") && !index.text.contains("staff"))
      let form = try await client.execute(uri: "/subscribe/press-en", method: .get)
      #expect(form.status == .ok)
      #expect(form.text.contains("I agree to receive press releases by email."))
      for id in ["email", "name", "organization", "consent", "website"] {
        #expect(form.text.contains("<label for=\"\(id)\""), "a label for \(id)")
      }
      #expect(form.text.contains("name=\"form_token\""))
      #expect(!form.text.contains("type=\"hidden\" name=\"website\""), "the honeypot is not type=hidden")
      let hidden = try await client.execute(uri: "/subscribe/staff", method: .get)
      #expect(hidden.status == .notFound, "a list that is not public has no form")
    }
  }

  @Test func aSingleOptInListSubscribesAtOnceWithTheConsentShown() async throws {
    try await fixture.test { client in
      let response = try await self.subscribe(client, list: "press-en", email: "Kim@Example.net")
      #expect(response.status == .ok, "\(response.text)")
      #expect(response.text.contains("Thank you"))
    }
    let profile = try fixture.store.profile(email: "kim@example.net")
    let membership = try #require(profile.memberships.first)
    #expect(membership.status == .subscribed && membership.source.kind == .webForm)
    #expect(membership.source.detail.contains("127.0.0.1, HeraldTests/1.0") && membership.source.detail.contains("I agree to receive press releases by email."))
    #expect(profile.subscriber.name == "Kim Reporter" && profile.subscriber.organization == "Example Daily")
    #expect(try fixture.queued().isEmpty)
  }

  @Test func aDoubleOptInListSendsOneConfirmationWhoseLinkConfirmsByPostOnly() async throws {
    try await fixture.test { client in
      let first = try await self.subscribe(client, list: "press-de", email: "kim@example.net")
      #expect(first.status == .ok)
      // A second request soon after: the same answer, no second mail.
      let second = try await self.subscribe(client, list: "press-de", email: "kim@example.net")
      #expect(second.text == first.text)
    }
    #expect(try fixture.status("kim@example.net", "press-de") == .pending)
    let mail = try fixture.queued()
    #expect(mail.count == 1 && mail[0].recipient == "kim@example.net")
    let parsed = try inspectMessage(mail[0].bytes)
    #expect(parsed.defects.isEmpty && parsed.header("Auto-Submitted") == ["auto-generated"])
    // The text part is quoted-printable: undo its soft line breaks to read the link.
    let text = String(decoding: mail[0].bytes, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
    let link = try #require(text.range(of: #"https://news\.example\.org/confirm/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"#, options: .regularExpression).map { String(text[$0]) })
    let path = String(link.dropFirst("https://news.example.org".count))
    let formToken = fixture.formToken("confirm")
    try await fixture.test { client in
      let page = try await client.execute(uri: path, method: .get)
      #expect(page.status == .ok && page.text.contains("kim@example.net") && page.text.contains("Pressemitteilungen"))
      #expect(try self.fixture.status("kim@example.net", "press-de") == .pending, "a GET (a mail scanner) confirms nothing")
      let confirmed = try await client.execute(uri: path, method: .post, headers: formHeaders, body: formBody([("form_token", formToken)]))
      #expect(confirmed.status == .ok && confirmed.text.contains("You are subscribed"), "\(confirmed.text)")
    }
    let membership = try #require(try fixture.store.profile(email: "kim@example.net").memberships.first { $0.list == "press-de" })
    #expect(membership.status == .subscribed && membership.source.kind == .confirmation)
    #expect(membership.source.detail.hasPrefix("127.0.0.1"))
  }

  @Test func theAnswerIsTheSameWhetherOrNotTheAddressIsSubscribed() async throws {
    try await fixture.test { client in
      let known = try await self.subscribe(client, list: "press-en", email: "reader2@example.com", name: "Someone Else")
      let new = try await self.subscribe(client, list: "press-en", email: "reader9@example.com", name: "Someone Else")
      #expect(known.status == new.status)
      #expect(known.text.replacingOccurrences(of: "reader2", with: "readerN") == new.text.replacingOccurrences(of: "reader9", with: "readerN"))
    }
    // And a stranger cannot rename a subscriber through the form.
    #expect(try fixture.store.profile(email: "reader2@example.com").subscriber.name == "Reader 2")
  }

  @Test func anExpiredConfirmationLinkSaysSoAndAForgedOneIs404() async throws {
    try await fixture.test { client in _ = try await self.subscribe(client, list: "press-de", email: "kim@example.net") }
    let id = try #require(try fixture.store.subscriber(address: "kim@example.net")).id
    let signer = try fixture.workspace.linkSigner()
    let old = signer.confirmationToken(subscriber: id.description, list: "press-de", issued: Date(timeIntervalSinceNow: -8 * 86_400))
    try await fixture.test { client in
      let expired = try await client.execute(uri: "/confirm/\(old)", method: .get)
      #expect(expired.status == .gone && expired.text.contains("expired"))
      let posted = try await client.execute(uri: "/confirm/\(old)", method: .post, headers: formHeaders,
        body: formBody([("form_token", self.fixture.formToken("confirm"))]))
      #expect(posted.status == .gone)
      let forged = try await client.execute(uri: "/confirm/\(old.dropLast(3))abc", method: .get)
      #expect(forged.status == .notFound)
    }
    #expect(try fixture.status("kim@example.net", "press-de") == .pending)
  }

  @Test func mistakesAreShownNextToTheirFields() async throws {
    try await fixture.test { client in
      let response = try await self.subscribe(client, list: "press-en", email: "not an address", name: "<b>Kim</b>", consent: false)
      #expect(response.status == .unprocessableContent)
      #expect(response.text.contains("id=\"email-error\"") && response.text.contains("aria-describedby=\"email-error\""))
      #expect(response.text.contains("id=\"consent-error\""))
      #expect(response.text.contains("value=\"&lt;b&gt;Kim&lt;/b&gt;\""), "what was typed comes back, escaped")
      #expect(!response.text.contains("<b>Kim</b>"))
    }
    #expect(try fixture.store.subscriber(address: "not an address") == nil)
  }

  @Test func aFilledHoneypotIsAnsweredLikeAPersonButDoesNothing() async throws {
    try await fixture.test { client in
      let response = try await self.subscribe(client, list: "press-de", email: "bot@example.net", honeypot: "http://spam.example.com")
      #expect(response.status == .ok && response.text.contains("Thank you"))
    }
    #expect(try fixture.store.subscriber(address: "bot@example.net") == nil)
    #expect(try fixture.queued().isEmpty)
  }

  @Test func aFormSentTooQuicklyOrWithoutItsTokenIsRefused() async throws {
    try await fixture.test { client in
      let fast = try await self.subscribe(client, list: "press-en", email: "kim@example.net", token: self.fixture.formToken("subscribe", age: 0))
      #expect(fast.status == .badRequest && fast.text.contains("too quickly"))
      let otherForm = try await self.subscribe(client, list: "press-en", email: "kim@example.net", token: self.fixture.formToken("contact"))
      #expect(otherForm.status == .badRequest)
    }
    #expect(try fixture.store.subscriber(address: "kim@example.net") == nil)
  }

  @Test func crossSitePostsAreRefused() async throws {
    try await fixture.test { client in
      var crossSite = formHeaders
      crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
      let bySecFetch = try await self.subscribe(client, list: "press-en", email: "kim@example.net", headers: crossSite)
      #expect(bySecFetch.status == .forbidden)
      var otherOrigin = formHeaders
      otherOrigin[HTTPField.Name("Origin")!] = "https://evil.example.com"
      let byOrigin = try await self.subscribe(client, list: "press-en", email: "kim@example.net", headers: otherOrigin)
      #expect(byOrigin.status == .forbidden)
      var sameOrigin = formHeaders
      sameOrigin[HTTPField.Name("Origin")!] = "https://news.example.org"
      sameOrigin[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
      let ours = try await self.subscribe(client, list: "press-en", email: "kim@example.net", headers: sameOrigin)
      #expect(ours.status == .ok)
    }
  }

  @Test func bodiesThatAreTooLargeOrNotFormsAreRefused() async throws {
    try await fixture.test { client in
      let big = try await client.execute(
        uri: "/subscribe/press-en", method: .post, headers: formHeaders, body: ByteBuffer(string: "email=" + String(repeating: "a", count: 20_000)))
      #expect(big.status == .contentTooLarge)
      let json = try await client.execute(
        uri: "/subscribe/press-en", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"email\":\"kim@example.net\"}"))
      #expect(json.status == .unsupportedMediaType)
      #expect(json.headers[.contentSecurityPolicy] != nil, "security headers on error pages too")
    }
  }
}

/// The rate limit, with a workspace that allows little.
struct RateLimitTests {
  @Test func formPostsBeyondTheRateAre429WithRetryAfter() async throws {
    let fixture = try WebFixture(web: ["  forms_per_minute: 1", "  form_burst: 2"])
    try await fixture.test { client in
      var statuses: [HTTPResponse.Status] = []
      var retryAfter: String?
      for index in 0..<4 {
        let response = try await client.execute(
          uri: "/subscribe/press-en", method: .post, headers: formHeaders,
          body: formBody([("form_token", fixture.formToken("subscribe")), ("email", "kim\(index)@example.net"), ("consent", "yes")]))
        statuses.append(response.status)
        if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
      }
      #expect(statuses == [.ok, .ok, .tooManyRequests, .tooManyRequests])
      #expect(Int(retryAfter ?? "") ?? 0 >= 1)
      // One-click unsubscribes are not forms of the site: they are never limited.
      let token = try fixture.unsubscribeToken("reader1@example.com")
      let oneClick = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      #expect(oneClick.status == .ok)
    }
  }
}
