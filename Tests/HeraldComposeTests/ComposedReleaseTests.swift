import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldTesting
import Testing

struct ComposedReleaseTests {
  let sample = try! Fixtures.compose(Fixtures.sampleRelease, file: "Releases/2020-03-31-water-report.md")

  @Test func pythonReadsTheSampleWithoutDefectsAndDecodesWhatWasRendered() throws {
    let message = sample.message(for: Fixtures.alex, list: "press-en", stamp: .fixed)
    let rendered = sample.personalisedParts(for: Fixtures.alex, list: "press-en")
    let parsed = try inspectMessage(message.bytes)
    #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    #expect(parsed.contentType == "multipart/alternative")
    #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
    #expect(parsed.parts.allSatisfy { $0.charset == "utf-8" })
    #expect(parsed.parts[0].content == rendered.text)
    #expect(parsed.parts[1].content == rendered.html)
    #expect(parsed.maxLineOctets <= 998)
    #expect(!parsed.bareLF && !parsed.bareCR)
    #expect(!parsed.boundaryInContent)
    #expect(parsed.header("Subject") == ["New study: cities lose a third of their drinking water to leaks"])
    #expect(parsed.addresses?["To"] == [.init(displayName: "Alex Example", addrSpec: "alex@example.com")])
    #expect(parsed.addresses?["From"] == [.init(displayName: "Institute for Example Studies", addrSpec: "press@example.org")])
    #expect(parsed.addresses?["Reply-To"] == [.init(displayName: "Press Office", addrSpec: "pressoffice@example.org")])
    #expect(parsed.header("Date") == ["Tue, 31 Mar 2020 10:00:00 +0200"])
    #expect(parsed.header("MIME-Version") == ["1.0"])
  }

  @Test func listHeadersFollowRFC2369And8058() throws {
    let message = sample.message(for: Fixtures.alex, list: "press-en", stamp: .fixed)
    let rendered = sample.personalisedParts(for: Fixtures.alex, list: "press-en")
    let parsed = try inspectMessage(message.bytes)
    #expect(parsed.header("List-Id") == ["<press-en.example.org>"])
    #expect(parsed.header("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"])
    let unsubscribe = try #require(parsed.header("List-Unsubscribe").first)
    let https = try #require(unsubscribe.firstMatch(of: /<(https:\/\/news\.example\.org\/unsubscribe\/([^>]+))>/))
    #expect(unsubscribe.contains("<mailto:unsubscribe@example.org?subject=unsubscribe%20"))
    // The token in the link is genuine and names this recipient and list.
    #expect(try Fixtures.signer.verify(String(https.2), purpose: .unsubscribe) == ["alex@example.com", "press-en"])
    // The same URL is the visible link in both parts.
    #expect(rendered.text.contains("Unsubscribe: \(https.1)"))
    #expect(rendered.html.contains("href=\"\(https.1)\""))
  }

  @Test func aSubscribersLinksNameTheirStoreIDNotTheirAddress() throws {
    var recipient = Fixtures.alex
    recipient.subscriberID = SubscriberID(4711)
    let text = sample.personalisedParts(for: recipient, list: "press-en").text
    let token = try #require(text.firstMatch(of: /unsubscribe\/([A-Za-z0-9_.-]+)/)).1
    let (subscriber, list) = try Fixtures.signer.verifyUnsubscribeToken(String(token))
    #expect(subscriber == "4711" && list == "press-en")
    #expect(!String(token).contains(Base64.encodeURLSafe(Array("alex@example.com".utf8))))
    #expect(throws: MailError.self) { try Fixtures.signer.verifyConfirmationToken(String(token)) }
    #expect(throws: MailError.self) { try LinkSigner(secret: Array(repeating: 1, count: 32)).verifyUnsubscribeToken(String(token)) }
  }

  @Test func messageIDNamesReleaseAndRecipientAndIsUnique() throws {
    let one = sample.message(for: Fixtures.alex, list: "press-en", stamp: MessageStamp(date: Date(), unique: "aaaa"))
    let two = sample.message(for: Fixtures.alex, list: "press-en", stamp: MessageStamp(date: Date(), unique: "bbbb"))
    #expect(one.messageID != two.messageID)
    let parsed = try #require(MessageID(parsing: try inspectMessage(one.bytes).header("Message-ID")[0]))
    #expect(parsed.release == "2020-03-31-water-report")
    #expect(parsed.recipient == Fixtures.signer.recipientKey(for: "Alex@Example.com"))
    #expect(parsed.domain == "example.org")
  }

  @Test func personalisesBodyAndTemplatesWithSubscriberValues() throws {
    let composed = try Fixtures.compose(Fixtures.releaseText(body: """
      Dear {{subscriber.name}} of {{subscriber.organization}}, your beat is {{subscriber.beat}}.
      [Leave]({{unsubscribe_url}}).

      """))
    let recipient = Recipient(
      mailbox: Mailbox(name: "Jo <Smith> & Co", address: "jo@example.com"), organization: "Daily \"News\"",
      attributes: ["beat": "energy"])
    let message = composed.personalisedParts(for: recipient, list: "press-en")
    #expect(message.text.contains("Dear Jo <Smith> & Co of Daily \"News\", your beat is energy. Leave [1]."))
    #expect(message.html.contains("Dear Jo &lt;Smith&gt; &amp; Co of Daily &quot;News&quot;, your beat is energy."))
    #expect(message.html.contains("<a href=\"https://news.example.org/unsubscribe/"))
  }

  @Test func missingValuesRenderEmptyNeverAsTags() throws {
    let composed = try Fixtures.compose(Fixtures.releaseText(body: "Hello {{subscriber.name}}, {{subscriber.nothing}}!{{#subscriber.organization}} ({{subscriber.organization}}){{/subscriber.organization}}\n"))
    let message = composed.personalisedParts(for: Recipient(mailbox: Mailbox(address: "bare@example.com")), list: "press-en")
    #expect(message.text.contains("Hello , !"))
    #expect(!message.text.contains("{{"))
    #expect(!message.html.contains("{{"))
    #expect(message.text.contains("because bare@example.com is subscribed"))
  }

  @Test func malformedTagsInTheBodyAreReportedAtTheirLine() throws {
    let text = Fixtures.releaseText(body: "First line.\n\n{{#subscriber.name}}Hello\n")
    let error = try #require(throws: ComposeError.self) { try Fixtures.compose(text) }
    #expect(error.diagnostics[0].file == "Releases/test.md")
    #expect(error.diagnostics[0].line == 9)
    #expect(error.description.contains("never closed"))
  }

  @Test func personalisedParagraphsAreWrappedWithTheRealValues() throws {
    let body = "- Dear {{subscriber.name}}, " + Array(repeating: "water", count: 25).joined(separator: " ") + "\n\n> {{subscriber.name}} " + Array(repeating: "leak", count: 25).joined(separator: " ") + "\n"
    let composed = try Fixtures.compose(Fixtures.releaseText(body: body))
    let long = composed.personalisedParts(for: Recipient(mailbox: Mailbox(name: String(repeating: "N", count: 40), address: "n@example.com")), list: "l").text
    let short = composed.personalisedParts(for: Recipient(mailbox: Mailbox(name: "Al", address: "a@example.com")), list: "l").text
    for text in [long, short] {
      let lines = text.split(separator: "\n")
      #expect(lines.allSatisfy { $0.count <= 72 || $0.contains("https://") }, "\(text)")
      #expect(!text.contains("\u{E000}") && !text.contains("\u{E001}"))
    }
    // List continuation lines hang under the item; quote lines keep their marker.
    #expect(long.contains("- Dear NNNN"))
    #expect(long.split(separator: "\n").contains { $0.hasPrefix("  water") })
    #expect(long.split(separator: "\n").filter { $0.hasPrefix("> ") }.count >= 2)
    #expect(short.contains("- Dear Al, water water"))
  }

  @Test func templateSyntaxErrorNamesFileAndLine() throws {
    let error = try #require(throws: ComposeError.self) {
      try ReleaseTemplates(html: "<p>\n{{#open}}\n<p>", htmlFile: "Templates/release.html.mustache", text: "x", textFile: "t")
    }
    #expect(error.code == .template)
    #expect(error.diagnostics[0].file == "Templates/release.html.mustache")
    #expect(error.diagnostics[0].line != nil)
    #expect(error.description.contains("never closed"))
  }

  @Test(arguments: [
    "Evil\r\nBcc: victim@example.com", "Evil\nBcc: victim@example.com", "Evil\rBcc: victim@example.com",
    "Evil\u{2028}Bcc: victim@example.com",
  ])
  func newlinesInNamesAndSubjectsNeverStartAHeader(_ hostile: String) throws {
    // Front matter refuses a multi-line subject; set one directly, as other code could.
    var release = try Release(text: Fixtures.releaseText(body: "Body\n"), file: "r.md")
    release.subject = hostile
    let composed = try ComposedRelease(release: release, templates: Fixtures.templates, settings: Fixtures.settings, signer: Fixtures.signer)
    let message = composed.message(
      for: Recipient(mailbox: Mailbox(name: hostile, address: "reader@example.com")), list: "press-en", stamp: .fixed)
    let head = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
    #expect(!head.split(separator: "\r\n").contains { $0.lowercased().hasPrefix("bcc") })
    let parsed = try inspectMessage(message.bytes)
    #expect(parsed.header("Bcc").isEmpty)
    #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    #expect(parsed.addresses?["To"]?.first?.addrSpec == "reader@example.com")
    #expect(parsed.header("Subject").first?.hasSuffix("Bcc: victim@example.com") == true)
  }

  @Test func frontMatterRefusesAMultiLineSubject() throws {
    let error = try #require(throws: ComposeError.self) {
      try Release(text: "---\ntitle: T\ndate: 2020-03-31\nsubject: \"a\\nBcc: x@example.com\"\n---\nBody", file: "r.md")
    }
    #expect(error.description.contains("r.md:4: “subject” must be a single line"))
  }

  @Test func nonASCIINamesAndSubjectsAreEncodedWordsThatDecodeExactly() throws {
    let subject = "Доклад: города теряют треть питьевой воды — новое исследование 💧 института"
    let composed = try Fixtures.compose("---\ntitle: \"\(subject)\"\ndate: 2020-03-31\n---\nТекст.\n")
    let name = "Иванов, Иван Петрович"
    let message = composed.message(for: Recipient(mailbox: Mailbox(name: name, address: "ivan@example.com")), list: "press-ru", stamp: .fixed)
    let head = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
    #expect(head.utf8.allSatisfy { $0 < 0x80 }, "headers are ASCII")
    #expect(head.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
    let parsed = try inspectMessage(message.bytes)
    #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    #expect(parsed.header("Subject") == [subject])
    #expect(parsed.addresses?["To"] == [.init(displayName: name, addrSpec: "ivan@example.com")])
  }

  @Test func aRussianReleaseGoesOutAsBase64InCanonicalForm() throws {
    let paragraph = "Городские водопроводы теряют в среднем треть очищенной воды, говорится в исследовании, опубликованном сегодня."
    let composed = try Fixtures.compose(Fixtures.releaseText(body: "\(paragraph)\n\n\(paragraph) {{subscriber.name}}\n"))
    let recipient = Recipient(mailbox: Mailbox(name: "Анна", address: "anna@example.com"))
    let message = composed.message(for: recipient, list: "press-ru", stamp: .fixed)
    let rendered = composed.personalisedParts(for: recipient, list: "press-ru")
    let parsed = try inspectMessage(message.bytes)
    #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    #expect(parsed.parts[0].transferEncoding == "base64")
    func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }
    #expect(parsed.parts[0].content == crlf(rendered.text))
    #expect(rendered.text.contains("сегодня. Анна"))
    // Body lines are short; only a header holding a long URL may pass 78 (never 998).
    let body = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    #expect(parsed.maxLineOctets <= 998)
  }

  @Test func deterministicStampGivesIdenticalBytes() throws {
    let one = sample.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes
    let two = try Fixtures.compose(Fixtures.sampleRelease, file: "Releases/2020-03-31-water-report.md")
      .message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes
    #expect(one == two)
  }

  /// The whole sample message, byte for byte. After an intended change, regenerate with
  /// HERALD_UPDATE_GOLDEN=1 swift test --filter goldenSample, and review the diff.
  @Test func goldenSample() throws {
    let message = sample.message(for: Fixtures.alex, list: "press-en", stamp: .fixed)
    let golden = Fixtures.fixturesDirectory.appendingPathComponent("sample-release.eml")
    if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] != nil {
      try Data(message.bytes).write(to: golden)
    }
    let expected = try [UInt8](Data(contentsOf: golden))
    #expect(message.bytes == expected, "the sample message differs from Fixtures/sample-release.eml")
  }

  @Test func aLongTitleIsWrappedInThePlainTextAndUnderlinedToItsLongestLine() throws {
    let title = "Cities across Europe lose a third of their drinking water to leaking pipes, and the repairs that pay back fastest are the cheapest"
    let composed = try Fixtures.compose(Fixtures.releaseText(body: "Body.\n").replacingOccurrences(of: "title: \"Test release\"", with: "title: \"\(title)\""))
    let parts = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    let lines = parts.text.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex { $0.hasPrefix("Cities across Europe") })
    let underline = try #require(lines[start...].firstIndex { $0.hasPrefix("===") })
    let titleLines = Array(lines[start..<underline])
    #expect(titleLines.count == 2, "\(titleLines)")
    #expect(titleLines.allSatisfy { $0.count <= 72 }, "\(titleLines)")
    #expect(titleLines.joined(separator: " ") == title)
    #expect(lines[underline] == String(repeating: "=", count: titleLines.map(\.count).max()!))
    // The HTML keeps the title whole; the message stays valid.
    #expect(parts.html.contains(">\(title)</h1>"))
    #expect(try inspectMessage(composed.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes).defects.isEmpty)
  }
}
