import Foundation
import HeraldCampaign
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// /contact: a message becomes an inquiry through the inbox, and the press office hears of it.
struct ContactTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  func contact(_ client: any TestClientProtocol, _ fields: [(String, String)]) async throws -> TestResponse {
    try await client.execute(
      uri: "/contact", method: .post, headers: formHeaders, body: formBody([("form_token", fixture.formToken("contact")), ("website", "")] + fields))
  }

  @Test func aMessageBecomesAnInquiryAboutItsReleaseAndThePressOfficeIsTold() async throws {
    try await fixture.test { client in
      let form = try await client.execute(uri: "/contact?release=2020-03-31-water-report", method: .get)
      #expect(form.text.contains("<option value=\"2020-03-31-water-report\" selected>"))
      let response = try await self.contact(client, [
        ("name", "Dana Reporter"), ("email", "dana@example.com"), ("organization", "Example Daily"), ("release", "2020-03-31-water-report"),
        ("subject", "Figures for Leipzig"), ("message", "Could you send the figures for Leipzig?\nAnd please unsubscribe me from nothing."),
      ])
      #expect(response.status == .ok && response.text.contains("reached the press office"), "\(response.text)")
    }
    let inquiries = try fixture.store.inquiries(status: nil, release: nil)
    let inquiry = try #require(inquiries.first)
    #expect(inquiries.count == 1 && inquiry.fromAddress == "dana@example.com" && inquiry.fromName == "Dana Reporter")
    #expect(inquiry.organization == "Example Daily" && inquiry.release == "2020-03-31-water-report" && inquiry.subject == "Figures for Leipzig")
    let entries = try fixture.store.inquiry(inquiry.id).entries
    #expect(entries.first?.text.contains("figures for Leipzig") == true)
    // Kept in the inbox like mail, with where it came from.
    let inbound = try #require(try fixture.store.inboundMessages(kind: nil, limit: 5).first)
    #expect(inbound.kind == .inquiry && inbound.origin.hasPrefix("web contact form (127.0.0.1"))
    // The notice: to the press office, answering it answers Dana.
    let notice = try #require(try fixture.queued().first)
    let parsed = try inspectMessage(notice.bytes)
    #expect(notice.recipient == "pressoffice@example.org", "the Reply-To of herald.yml")
    #expect(parsed.header("Reply-To").first?.contains("dana@example.com") == true)
    #expect(parsed.header("Subject").first == "Inquiry \(inquiry.id): Figures for Leipzig")
  }

  @Test func theNoticeQuotesEveryParagraphOfAMessageSentWithCRLFLineBreaks() async throws {
    // Browsers send a textarea's line breaks as CRLF; the third paragraph tries to pass
    // for the notice's own words.
    let message = "Could you send the figures?\r\n\r\nWe print tomorrow.\r\n\r\nSender verified: this is the minister's office.\rCall us."
    try await fixture.test { client in
      let response = try await self.contact(client, [
        ("name", "Dana\r\nSender verified \u{202E}Reporter"), ("email", "dana@example.com"), ("subject", "Figures"), ("message", message),
      ])
      #expect(response.status == .ok, "\(response.text)")
    }
    let notice = try #require(try fixture.queued().first)
    let parsed = try inspectMessage(notice.bytes)
    let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.content)
    let html = try #require(parsed.parts.first { $0.contentType == "text/html" }?.content)
    let words = ["Could you send", "We print tomorrow", "Sender verified: this is", "Call us"]
    for word in words {
      let lines = text.split(whereSeparator: \.isNewline).filter { $0.contains(word) }
      #expect(lines.count == 1 && lines.allSatisfy { $0.hasPrefix(">") }, "“\(word)” quoted in the text part: \(text)")
    }
    // In the HTML part the writer's words are inside the one blockquote, none outside it.
    let start = try #require(html.range(of: "<blockquote"))
    let end = try #require(html.range(of: "</blockquote>"))
    let inside = html[start.lowerBound..<end.upperBound]
    for word in words { #expect(inside.contains(word), "“\(word)” inside the quote") }
    let outside = html[..<start.lowerBound] + html[end.upperBound...]
    #expect(!outside.contains("Sender verified:") && !outside.contains("Call us") && !outside.contains("We print"))
    // A name is one line without bidirectional overrides: its line break is a space, in
    // the notice and in the record, and U+202E is gone.
    #expect(!text.contains("Dana\nSender") && text.contains("Dana Sender verified Reporter"))
    let inquiry = try #require(try fixture.store.inquiries(status: nil, release: nil).first)
    #expect(inquiry.fromName == "Dana Sender verified Reporter")
    #expect(try fixture.store.inquiry(inquiry.id).entries.first?.text.contains("\r") == false, "line breaks are LF from the door on")
  }

  @Test func wordsAskingToUnsubscribeInTheFormUnsubscribeNobody() async throws {
    try await fixture.test { client in
      _ = try await self.contact(client, [
        ("name", "Someone"), ("email", "reader1@example.com"), ("subject", "unsubscribe"), ("message", "Please unsubscribe me."),
      ])
    }
    #expect(try fixture.status("reader1@example.com") == .subscribed, "a form proves nothing about who wrote it")
    #expect(try fixture.store.inquiries(status: nil, release: nil).count == 1)
  }

  @Test func everyFieldHasALimitAndMistakesAreShownWhereTheyAre() async throws {
    try await fixture.test { client in
      let response = try await self.contact(client, [
        ("name", ""), ("email", "dana@example.com"), ("subject", String(repeating: "s", count: 201)), ("message", "<script>alert(1)</script>"),
      ])
      #expect(response.status == .unprocessableContent)
      #expect(response.text.contains("id=\"name-error\"") && response.text.contains("id=\"subject-error\""))
      #expect(response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !response.text.contains("<script>"))
    }
    #expect(try fixture.store.inquiries(status: nil, release: nil).isEmpty)
  }
}

/// The archive: rendered once, embargo honoured, nothing personal, a valid Atom feed.
struct ArchiveTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  @Test func theIndexAndTheReleasePageShowThePublishedReleaseWithNothingPersonal() async throws {
    try await fixture.test { client in
      let index = try await client.execute(uri: "/", method: .get)
      #expect(index.status == .ok && index.text.contains("/releases/2020-03-31-water-report"))
      let page = try await client.execute(uri: "/releases/2020-03-31-water-report", method: .get)
      #expect(page.status == .ok)
      #expect(page.text.contains("Cities lose a third of their drinking water") && page.text.contains("<strong>31 per cent</strong>"))
      #expect(!page.text.lowercased().contains("/unsubscribe/") && !page.text.contains("@example.com"), "no links or data of a recipient")
      #expect(!page.text.contains("style=\""), "no inline styles, which the CSP would block")
      for (name, value) in SecurityHeaders.all { #expect(page.headers[HTTPField.Name(name)!] == value) }
      // Served from memory with a validator: the same page again is 304.
      let etag = try #require(page.headers[.eTag])
      let again = try await client.execute(uri: "/releases/2020-03-31-water-report", method: .get, headers: [.ifNoneMatch: etag])
      #expect(again.status == .notModified)
      let css = try await client.execute(uri: "/style.css", method: .get)
      #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
    }
  }

  @Test func anEmbargoedReleaseIsNowhereUntilItsTime() async throws {
    let release = """
      ---
      title: "Tides rise faster than forecast"
      date: 2026-12-02
      subject: "Coastal cities brace for record tides"
      lists: [press-en]
      embargo: \(ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: 3600)))
      ---

      Sea levels rose faster than forecast.

      """
    let file = fixture.workspace.releasesDirectory.appendingPathComponent("2026-12-02-tides.md")
    try Data(release.utf8).write(to: file)
    let publication = try fixture.mailroom.publish(release: file.path)
    #expect(publication.visibleFrom > Date())
    fixture.server.archive.refresh()
    try await fixture.test { client in
      let early = try await client.execute(uri: "/releases/2026-12-02-tides", method: .get)
      #expect(early.status == .notFound)
      let index = try await client.execute(uri: "/", method: .get)
      let feed = try await client.execute(uri: "/feed.atom", method: .get)
      #expect(!index.text.contains("Tides") && !feed.text.contains("Tides"))
      // The embargo lifts while the server runs (the clock is moved past it rather than
      // waited for): the first request after it renders the archive again, no restart.
      self.fixture.clock.set(publication.visibleFrom.addingTimeInterval(-1))
      let justBefore = try await client.execute(uri: "/releases/2026-12-02-tides", method: .get)
      #expect(justBefore.status == .notFound)
      self.fixture.clock.set(publication.visibleFrom.addingTimeInterval(1))
      let late = try await client.execute(uri: "/releases/2026-12-02-tides", method: .get)
      #expect(late.status == .ok && late.text.contains("Tides rise faster than forecast"))
      let lateFeed = try await client.execute(uri: "/feed.atom", method: .get)
      #expect(lateFeed.text.contains("Tides rise faster than forecast"))
      #expect(lateFeed.text.contains("<updated>\(ISO8601DateFormatter().string(from: publication.visibleFrom))</updated>"), "its publication time")
    }
  }

  @Test func aReleaseThatExistsButIsNotPublishedIsNotShown() async throws {
    let file = fixture.workspace.releasesDirectory.appendingPathComponent("2021-01-01-draft.md")
    try Data("---\ntitle: \"Draft\"\ndate: 2021-01-01\nsubject: \"Draft\"\nlists: [press-en]\n---\n\nNot yet.\n".utf8).write(to: file)
    try await fixture.test { client in
      let response = try await client.execute(uri: "/releases/2021-01-01-draft", method: .get)
      #expect(response.status == .notFound)
    }
  }

  @Test func theFeedIsAtomAsRFC4287Requires() async throws {
    try await fixture.test { client in
      let feed = try await client.execute(uri: "/feed.atom", method: .get)
      #expect(feed.headers[.contentType] == "application/atom+xml; charset=utf-8")
      let checked = try python("""
        import sys, xml.etree.ElementTree as ET
        ns = {"a": "http://www.w3.org/2005/Atom"}
        feed = ET.fromstring(sys.stdin.buffer.read())
        assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
        for tag in ["id", "title", "updated", "author/a:name"]:
            assert feed.find("a:" + tag, ns) is not None, tag
        assert any(l.get("rel") == "self" for l in feed.findall("a:link", ns))
        entries = feed.findall("a:entry", ns)
        assert len(entries) == 1
        for entry in entries:
            for tag in ["id", "title", "updated", "content"]:
                assert entry.find("a:" + tag, ns) is not None, tag
            assert "<strong>31 per cent</strong>" in entry.find("a:content", ns).text
        print("ok")
        """, stdin: Array(feed.body.readableBytesView))
      #expect(String(decoding: checked, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
  }

  @Test func requestTargetsThatAreTooLongAre414() async throws {
    try await fixture.test { client in
      let response = try await client.execute(uri: "/" + String(repeating: "a", count: 3_000), method: .get)
      #expect(response.status == .uriTooLong)
    }
  }
}
