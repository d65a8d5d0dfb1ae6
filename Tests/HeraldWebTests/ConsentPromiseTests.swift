import Foundation
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// The consent promises against the running server: an old link never reaches the next
/// person, and a stranger's form never undoes an unsubscribe (issue 14).
struct ConsentPromiseTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  func subscribe(_ client: any TestClientProtocol, list: String, email: String) async throws -> TestResponse {
    try await client.execute(
      uri: "/subscribe/\(list)", method: .post, headers: formHeaders,
      body: formBody([("form_token", fixture.formToken("subscribe")), ("email", email), ("name", "New Reader"), ("consent", "yes"), ("website", "")]))
  }

  /// The confirmation link in the one message queued for `address`, as a path.
  func confirmationPath(for address: String) throws -> String {
    let queued = try fixture.queued()
    let mail = try #require(queued.last { $0.recipient == address }, "\(queued.map(\.recipient))")
    let text = String(decoding: mail.bytes, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
    let link = try #require(text.range(of: #"https://news\.example\.org/confirm/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"#, options: .regularExpression).map { String(text[$0]) })
    return String(link.dropFirst("https://news.example.org".count))
  }

  @Test func aForgottenSubscribersOldLinkAnswers404AndLeavesTheNextSubscriberAlone() async throws {
    // reader3 is the newest subscriber: SQLite would give the next one the same id.
    let oldToken = try fixture.unsubscribeToken("reader3@example.com")
    let oldID = try #require(try fixture.store.subscriber(address: "reader3@example.com")).id
    let oldConfirmation = try fixture.workspace.linkSigner().confirmationToken(subscriber: oldID.description, list: "press-en", issued: fixture.clock.now)
    try fixture.store.forget(email: "reader3@example.com")
    let buttonToken = fixture.formToken("unsubscribe")
    let confirmToken = fixture.formToken("confirm")
    try await fixture.test { client in
      let subscribed = try await self.subscribe(client, list: "press-en", email: "newcomer@example.net")
      #expect(subscribed.status == .ok)
      // The form is answered first and handled after (issue 14, item 4).
      await self.fixture.server.subscriptions.idle()
      #expect(try self.fixture.status("newcomer@example.net") == .subscribed)
      let unknown = try await client.execute(uri: "/no/such/page", method: .get)
      let page = try await client.execute(uri: "/unsubscribe/\(oldToken)", method: .get)
      #expect(page.status == .notFound && page.text == unknown.text)
      #expect(!page.text.contains("newcomer@example.net"), "the next person's address is never shown")
      let oneClick = try await client.execute(
        uri: "/unsubscribe/\(oldToken)", method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      #expect(oneClick.status == .notFound && oneClick.text == unknown.text)
      let button = try await client.execute(
        uri: "/unsubscribe/\(oldToken)", method: .post, headers: formHeaders, body: formBody([("form_token", buttonToken), ("scope", "all")]))
      #expect(button.status == .notFound)
      let confirmPage = try await client.execute(uri: "/confirm/\(oldConfirmation)", method: .get)
      #expect(confirmPage.status == .notFound)
      let confirm = try await client.execute(
        uri: "/confirm/\(oldConfirmation)", method: .post, headers: formHeaders, body: formBody([("form_token", confirmToken)]))
      #expect(confirm.status == .notFound)
    }
    let newcomer = try #require(try fixture.store.subscriber(address: "newcomer@example.net"))
    #expect(newcomer.id != oldID, "ids are never given twice")
    #expect(try fixture.status("newcomer@example.net") == .subscribed, "the next subscriber is untouched")
  }

  @Test func aFormSubmittedAfterAnUnsubscribeChangesNothingUntilItsConfirmation() async throws {
    let token = try fixture.unsubscribeToken("reader2@example.com")
    // The unsubscribe a little earlier (the Outbox lists only mail created by now).
    fixture.clock.advance(by: -5)
    try await fixture.test { client in
      let oneClick = try await client.execute(
        uri: "/unsubscribe/\(token)", method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      #expect(oneClick.status == .ok)
    }
    #expect(try fixture.status("reader2@example.com") == .unsubscribed)
    // A stranger fills in the form for that address a little later.
    fixture.clock.advance(by: 5)
    try await fixture.test { client in
      let response = try await self.subscribe(client, list: "press-en", email: "reader2@example.com")
      #expect(response.status == .ok)
    }
    #expect(try fixture.status("reader2@example.com") == .unsubscribed, "a form proves nothing")
    // An import without --resubscribe, as the press office runs it.
    let csv = fixture.workspace.root.appendingPathComponent("people.csv")
    try Data("email,name\nreader2@example.com,Reader 2\nreader1@example.com,Reader 1\n".utf8).write(to: csv)
    let imported = try HeraldProcess.run(["lists", "import", "press-en", "people.csv"], in: fixture.workspace.root)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("reader2@example.com") && imported.stdout.contains("kept out"), "\(imported.stdout)")
    #expect(try fixture.status("reader2@example.com") == .unsubscribed, "still unsubscribed after the import")
    // The history shows the request, without a change of state.
    let history = try fixture.store.profile(email: "reader2@example.com").history.filter { $0.list == "press-en" }
    let request = try #require(history.first { $0.kind == .request })
    #expect(request.status == .unsubscribed && request.source.kind == .webForm)
    let shown = try HeraldProcess.run(["subscribers", "show", "reader2@example.com"], in: fixture.workspace.root)
    #expect(shown.stdout.contains("requested (stayed unsubscribed until confirmed)  web ("), "\(shown.stdout)")
    // The confirmation mailed to the address brings its owner back.
    let path = try confirmationPath(for: "reader2@example.com")
    let formToken = fixture.formToken("confirm")
    try await fixture.test { client in
      let page = try await client.execute(uri: path, method: .get)
      #expect(page.status == .ok && page.text.contains("reader2@example.com"))
      let confirmed = try await client.execute(uri: path, method: .post, headers: formHeaders, body: formBody([("form_token", formToken)]))
      #expect(confirmed.status == .ok && confirmed.text.contains("You are subscribed"), "\(confirmed.text)")
    }
    let membership = try #require(try fixture.store.profile(email: "reader2@example.com").memberships.first { $0.list == "press-en" })
    #expect(membership.status == .subscribed && membership.source.kind == .confirmation)
  }

  @Test func aConfirmationIssuedBeforeAnUnsubscribeDoesNotUndoItEvenAfterANewRequest() async throws {
    // kim asks for press-de (double opt-in) and keeps the mail; confirms; later unsubscribes.
    try await fixture.test { client in _ = try await self.subscribe(client, list: "press-de", email: "kim@example.net") }
    let path = try confirmationPath(for: "kim@example.net")
    fixture.clock.advance(by: 5)
    try await fixture.test { client in
      let confirmed = try await client.execute(uri: path, method: .post, headers: formHeaders, body: formBody([("form_token", self.fixture.formToken("confirm"))]))
      #expect(confirmed.status == .ok)
    }
    fixture.clock.advance(by: 5)
    let token = try fixture.unsubscribeToken("kim@example.net", list: "press-de")
    try await fixture.test { client in
      _ = try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
      // Someone asks for the address again, then clicks the old confirmation (anyone who
      // has the old mail can).
      _ = try await self.subscribe(client, list: "press-de", email: "kim@example.net")
      let again = try await client.execute(uri: path, method: .post, headers: formHeaders, body: formBody([("form_token", self.fixture.formToken("confirm"))]))
      #expect(again.status == .conflict)
    }
    #expect(try fixture.status("kim@example.net", "press-de") == .unsubscribed)
  }
}
