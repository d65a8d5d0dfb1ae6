import Foundation
import HeraldCampaign
import HeraldCore
import HeraldInbox
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldDesk

/// The received messages in Fixtures/ (see its README.md), read from disk.
enum ReceivedFixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }
}

extension DeskFixture {
  /// Reads a message into the inbox as `herald inbox import` does; returns its id.
  @discardableResult
  func receive(_ bytes: [UInt8], origin: String = "test.eml") throws -> Int64 {
    try Inbox(mailroom: mailroom).read(bytes, origin: origin, now: clock.now).record.id
  }

  /// Reads the fixture `name`; returns its id.
  @discardableResult
  func receive(fixture name: String) throws -> Int64 {
    try receive(ReceivedFixtures.bytes(name), origin: name)
  }

  /// A plain message of `size` bytes of text from `sender`.
  static func plainMessage(id: String, subject: String, sender: String = "someone@example.com", body: String = "Hello.\r\n") -> [UInt8] {
    Array("""
      From: \(sender)\r
      To: pressoffice@example.org\r
      Subject: \(subject)\r
      Date: Thu, 3 Dec 2026 09:00:00 +0100\r
      Message-ID: <\(id)@example.com>\r
      MIME-Version: 1.0\r
      Content-Type: text/plain; charset=UTF-8\r
      \r
      \(body)
      """.utf8)
  }
}

struct DeskReceivedTests {
  /// A desk with the three fixtures read: the hostile HTML (1), the broken MIME (2), and
  /// reader2's request to be removed (3), which unsubscribed them from press-en.
  static func fixtureWithMail() throws -> DeskFixture {
    let fixture = try DeskFixture()
    try fixture.addReaders(3)
    try fixture.receive(fixture: "hostile-html.eml")
    try fixture.receive(fixture: "broken-mime.eml")
    try fixture.receive(fixture: "remove-me.eml")
    return fixture
  }

  func status(_ fixture: DeskFixture, _ address: String) throws -> MembershipStatus? {
    try fixture.mailroom.store.profile(email: address).memberships.first { $0.list == "press-en" }?.status
  }

  // MARK: The list

  @Test func theInboxListsEveryMessageNewestFirstWithItsClassReasonAndWhatItChanged() async throws {
    let fixture = try Self.fixtureWithMail()
    #expect(try status(fixture, "reader2@example.com") == .unsubscribed)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/inbox", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      let newest = try #require(text.range(of: "Re: New study"))
      let oldest = try #require(text.range(of: "A message with broken MIME"))
      #expect(newest.lowerBound < oldest.lowerBound, "newest first")
      #expect(text.contains("Unsubscribed reader2@example.com from press-en"))
      #expect(text.contains("Unsubscribes <span class=\"count\">1</span>"))
      #expect(text.contains("All <span class=\"count\">3</span>"))
      // Why each got its class, in the classifier's words.
      let reason = try fixture.mailroom.store.inbound(id: 3).reason
      #expect(!reason.isEmpty)
      #expect(text.contains(String(reason.prefix { $0.isLetter || $0 == " " })))

      let filtered = try await client.execute(uri: "/inbox?class=unsubscribe", method: .get, headers: browser.headers())
      #expect(filtered.text.contains("Re: New study"))
      #expect(!filtered.text.contains("A message with broken MIME"))
      #expect(filtered.text.contains("aria-current=\"page\">Unsubscribes"))
    }
  }

  @Test func theInboxShowsFiftyMessagesAPageAndLinksToOlderOnes() async throws {
    let fixture = try DeskFixture()
    for index in 1...55 {
      try fixture.receive(DeskFixture.plainMessage(id: "m\(index)", subject: "Question number \(index)"))
    }
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let first = try await client.execute(uri: "/inbox", method: .get, headers: browser.headers())
      #expect(first.text.contains("Question number 55<"))
      #expect(first.text.contains("Question number 6<"))
      #expect(!first.text.contains("Question number 5<"))
      let next = try #require(first.text.firstMatch(of: #/href="(/inbox\?before=\d+)"/#)).1
      let second = try await client.execute(uri: String(next), method: .get, headers: browser.headers())
      #expect(second.status == .ok)
      #expect(second.text.contains("Question number 5<"))
      #expect(second.text.contains("Question number 1<"))
      #expect(!second.text.contains("Question number 6<"))
      #expect(!second.text.contains("before="), "no page after the last")
    }
  }

  @Test func bidiAndControlCharactersOfStrangersAreWrittenOut() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for path in ["/inbox", "/inbox/1"] {
        let text = try await client.execute(uri: path, method: .get, headers: browser.headers()).text
        #expect(!text.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x07 }, "\(path)")
        #expect(text.contains("⟨U+202E⟩"), "\(path)")
        #expect(text.contains("⟨U+0007⟩"), "\(path)")
      }
    }
  }

  // MARK: One message

  @Test func aHostileMessagesPageShowsItsTextAndNothingOfItsMarkup() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/inbox/1", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      // The text of its HTML, as text.
      #expect(text.contains("Dear press office, I have a question about the study."))
      #expect(text.contains("<pre class=\"received-text\">"))
      // Nothing of the sender's markup: the desk's own script is its only one.
      #expect(text.components(separatedBy: "<script").count == 2)
      #expect(text.contains("<script src=\"/desk.js\" defer></script>"))
      for forbidden in ["onload=", "onerror=", "tracker.example.com/p.gif\"", "src=\"http", "<img", "<svg", "<base", "http-equiv"] {
        #expect(!text.contains(forbidden), "\(forbidden)")
      }
      // The HTML in a sandboxed frame that may not run script nor share the desk's origin.
      #expect(text.contains("<iframe class=\"preview\" sandbox src=\"/inbox/1/message.html\""))
      // Its attachments, by name, declared and sniffed type; the bidi character gone from the name.
      #expect(text.contains("href=\"/inbox/1/attachments/1/page.html\" download>page.html</a>"))
      #expect(text.contains("href=\"/inbox/1/attachments/2/drawing.svg\" download>"))
      #expect(text.contains("href=\"/inbox/1/attachments/3/invoicefdp.exe\" download>invoicefdp.exe</a>"))
      #expect(text.contains("application/pdf"))
      #expect(page.headers[HTTPField.Name("Content-Security-Policy")!] == DeskHeaders.contentSecurityPolicy)
    }
  }

  @Test func theFrameServesTheHTMLSanitisedWithItsOwnPolicy() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let frame = try await client.execute(uri: "/inbox/1/message.html", method: .get, headers: browser.headers())
      #expect(frame.status == .ok)
      #expect(frame.headers[HTTPField.Name("Content-Security-Policy")!] == ReceivedFrame.contentSecurityPolicy)
      #expect(ReceivedFrame.contentSecurityPolicy.hasPrefix(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"))
      #expect(frame.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
      let html = frame.text
      let lowered = html.lowercased()
      #expect(!lowered.contains("<script"))
      #expect(lowered.firstMatch(of: /\son[a-z]+\s*=/) == nil, "an event handler attribute")
      #expect(lowered.firstMatch(of: /src\s*=\s*["']?https?:/) == nil, "a remote src")
      #expect(!lowered.contains("url("))
      #expect(!lowered.contains("@import"))
      #expect(!lowered.contains("javascript:"))
      #expect(!lowered.contains("data:text"))
      for element in ["<base", "<meta", "<link", "<iframe", "<form", "<input", "<svg", "<object", "<embed"] {
        #expect(!lowered.contains(element), "\(element)")
      }
      #expect(!lowered.contains("evil.example.com"))
      #expect(!lowered.contains("tracker.example.com"))
      // What stays: the text, simple formatting, a web link that opens nowhere, the message's own image.
      #expect(html.contains("Dear press office"))
      #expect(html.contains("<p style=\"color: green\">Kind regards, Ana</p>"))
      #expect(html.contains("href=\"https://example.com/story\""))
      #expect(html.contains("target=\"_blank\" rel=\"noopener noreferrer\""))
      #expect(html.contains("[Image not loaded: tracking pixel]"))
      #expect(html.contains("<img src=\"data:image/png;base64,"))
    }
  }

  @Test func attachmentsAreOnlyEverDownloadsWhateverTheyClaim() async throws {
    let fixture = try Self.fixtureWithMail()
    let message = ReceivedMail(bytes: try ReceivedFixtures.bytes("hostile-html.eml"))
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for (index, name, claimed) in [(1, "page.html", "text/html"), (2, "drawing.svg", "image/svg+xml"), (3, "invoicefdp.exe", "application/pdf")] {
        let response = try await client.execute(uri: "/inbox/1/attachments/\(index)/\(name)", method: .get, headers: browser.headers())
        #expect(response.status == .ok, "\(name)")
        #expect(response.headers[.contentType] == "application/octet-stream", "\(name)")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        #expect(response.headers[HTTPField.Name("Content-Disposition")!] == "attachment; filename=\"\(name)\"; filename*=UTF-8''\(name)")
        #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.hasSuffix("; sandbox") == true)
        #expect(Array(response.body.readableBytesView) == message.attachment(index)?.1, "\(name): the bytes as sent")
        #expect(message.attachments[index - 1].declaredType == claimed)
      }
      #expect(message.attachments.map(\.sniffedType) == ["text/html", "image/svg+xml", "application/pdf"])
    }
  }

  @Test(arguments: [
    "/inbox/1/attachments/1/..%2f..%2fherald.yml", "/inbox/1/attachments/1/other.html", "/inbox/1/attachments/0/page.html",
    "/inbox/1/attachments/9/page.html", "/inbox/1/attachments/1/page.html%00", "/inbox/1/attachments/-1/page.html",
    "/inbox/1/attachments/1/%2e%2e", "/inbox/1/attachments/x/page.html", "/inbox/1/attachments/1/page.html%2f..",
    "/inbox/999", "/inbox/abc", "/inbox/0", "/inbox/-1", "/inbox/999/message.html", "/inbox/3/message.html",
    "/inbox/999/attachments/1/page.html", "/inbox/%00", "/inbox/1%2f..",
  ])
  func hostileAndUnknownAddressesAreNotFound(path: String) async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let response = try await client.execute(uri: path, method: .get, headers: browser.headers())
      #expect(response.status == .notFound, "\(path): \(response.status)")
      #expect(response.headers[HTTPField.Name("Content-Disposition")!] == nil)
    }
  }

  @Test func aTenMegabyteBodyMakesAShortPageWithANote() async throws {
    let fixture = try DeskFixture()
    let line = String(repeating: "All work and no play makes a long message. ", count: 2) + "\r\n"
    let body = String(repeating: line, count: 10_000_000 / line.utf8.count)
    let id = try fixture.receive(DeskFixture.plainMessage(id: "huge", subject: "A very long message", body: body))
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/inbox/\(id)", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.body.readableBytes < 1_000_000, "\(page.body.readableBytes) bytes")
      #expect(page.text.contains("The text is longer than the desk shows"))
      #expect(page.text.contains("All work and no play"))
    }
  }

  @Test func brokenMIMEIsShownAsFarAsItCanBeRead() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/inbox/2", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("What was wrong with the message"))
      #expect(page.text.contains("Text in a charset nobody knows"))
      #expect(page.text.contains("bad.bin"))
      let frame = try await client.execute(uri: "/inbox/2/message.html", method: .get, headers: browser.headers())
      #expect(frame.status == .ok)
      #expect(!frame.text.contains("tracker.example.com"))
      #expect(!frame.text.lowercased().contains("onclick"))
      let attachment = try await client.execute(uri: "/inbox/2/attachments/1/bad.bin", method: .get, headers: browser.headers())
      #expect(attachment.status == .ok)
      #expect(attachment.headers[HTTPField.Name("Content-Disposition")!]?.hasPrefix("attachment;") == true)
    }
  }

  // MARK: Correcting a class

  @Test func aSenderCorrectsAnUnsubscribeToAnInquiryAndBackAsTheCommandDoes() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      // The form offers the other classes, none chosen beforehand.
      let before = try await client.execute(uri: "/inbox/3", method: .get, headers: browser.headers())
      #expect(before.text.contains("<option value=\"\">Choose the right class</option>\n<option value=\"bounce\">Bounces</option>"))
      #expect(!before.text.contains("<option value=\"unsubscribe\">"))
      let response = try await client.post("/inbox/3/reclassify", browser, [("class", "inquiry")])
      #expect(response.status == .seeOther)
      #expect(response.headers[.location] == "/inbox/3")
      let record = try fixture.mailroom.store.inbound(id: 3)
      #expect(record.kind == .inquiry)
      #expect(record.reason.contains("The sender"))
      // The unsubscribe is undone; the message became an inquiry.
      #expect(try self.status(fixture, "reader2@example.com") == .subscribed)
      // With the desk user's correction as the evidence.
      let restored = try #require(try fixture.mailroom.store.profile(email: "reader2@example.com").memberships.first)
      #expect(restored.source.detail.contains("desk: inbox reclassify 3 inquiry (The sender"), "\(restored.source)")
      // (The hostile and the broken messages are questions too: inquiries of their own.)
      let inquiries = try fixture.mailroom.store.inquiries().filter { $0.fromAddress == "reader2@example.com" }
      #expect(inquiries.count == 1)
      let page = try await client.execute(uri: "/inbox/3", method: .get, headers: browser.headers())
      #expect(page.text.contains("<del>Unsubscribed reader2@example.com from press-en</del> (undone)"))
      #expect(page.text.contains("href=\"/inquiries/\(try #require(inquiries.first).id)\""))

      let back = try await client.post("/inbox/3/reclassify", browser, [("class", "unsubscribe")])
      #expect(back.status == .seeOther)
      #expect(try self.status(fixture, "reader2@example.com") == .unsubscribed)
      #expect(try fixture.mailroom.store.inquiries().filter { $0.fromAddress == "reader2@example.com" }.isEmpty)
    }
  }

  @Test(arguments: [DeskRole.viewer, .editor])
  func aLowerRoleCannotCorrectAClassAndNothingChanges(role: DeskRole) async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      let page = try await client.execute(uri: "/inbox/3", method: .get, headers: browser.headers())
      #expect(!page.text.contains("/inbox/3/reclassify"), "the form is not offered")
      let response = try await client.post("/inbox/3/reclassify", browser, [("class", "inquiry")])
      #expect(response.status == .forbidden)
    }
    #expect(try fixture.mailroom.store.inbound(id: 3).kind == .unsubscribe)
    #expect(try status(fixture, "reader2@example.com") == .unsubscribed)
    #expect(try fixture.mailroom.store.inquiries().filter { $0.fromAddress == "reader2@example.com" }.isEmpty)
  }

  @Test func aCorrectionWithoutTheFormTokenOrFromAnotherSiteChangesNothing() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("admin@example.org")
      let wrongToken = try await client.post("/inbox/3/reclassify", browser, [("class", "inquiry")], csrf: "not-the-token")
      #expect(wrongToken.status == .forbidden)
      let crossSite = try await client.post(
        "/inbox/3/reclassify", browser, [("class", "inquiry")], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
      #expect(crossSite.status == .forbidden)
    }
    #expect(try fixture.mailroom.store.inbound(id: 3).kind == .unsubscribe)
    #expect(try status(fixture, "reader2@example.com") == .unsubscribed)
  }

  @Test func anUnknownClassIsShownBesideTheFieldAndAnUnknownMessageIsNotFound() async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let unknown = try await client.post("/inbox/3/reclassify", browser, [("class", "spam")])
      #expect(unknown.status == .unprocessableContent)
      #expect(unknown.text.contains("aria-describedby=\"class-hint class-error\""))
      #expect(unknown.text.contains("<span class=\"error\" id=\"class-error\">Choose the class"))
      let same = try await client.post("/inbox/3/reclassify", browser, [("class", "unsubscribe")])
      #expect(same.status == .unprocessableContent)
      #expect(same.text.contains("already unsubscribe"))
      let missing = try await client.post("/inbox/999/reclassify", browser, [("class", "inquiry")])
      #expect(missing.status == .notFound)
    }
    #expect(try fixture.mailroom.store.inbound(id: 3).kind == .unsubscribe)
  }

  @Test(arguments: DeskRole.allCases)
  func everyRoleReadsReceivedMail(role: DeskRole) async throws {
    let fixture = try Self.fixtureWithMail()
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      for path in ["/inbox", "/inbox?class=bounce", "/inbox/1", "/inbox/1/message.html", "/inbox/1/attachments/1/page.html", "/inbox/2", "/inbox/3"] {
        let response = try await client.execute(uri: path, method: .get, headers: browser.headers())
        #expect(response.status == .ok, "\(role) \(path)")
      }
      let signedOut = try await client.execute(uri: "/inbox/1", method: .get, headers: [:])
      #expect(signedOut.status == .seeOther)
    }
  }
}
