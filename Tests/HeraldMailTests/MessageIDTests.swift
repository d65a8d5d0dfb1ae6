import HeraldCore
import HeraldMail
import HeraldTesting
import Testing

struct MessageIDTests {
  @Test func descriptionParsesBackToTheSameParts() throws {
    let id = MessageID(release: "spring-launch", recipient: "mzxw6ytboi234567", unique: "k3x9_1", domain: "news.example.org")
    #expect(id.description == "<spring-launch.mzxw6ytboi234567.k3x9_1@news.example.org>")
    let parsed = try #require(MessageID(parsing: id.description))
    #expect(parsed == id)
    #expect(parsed.release == "spring-launch")
    #expect(parsed.recipient == "mzxw6ytboi234567")
    #expect(parsed.unique == "k3x9_1")
    #expect(parsed.domain == "news.example.org")
    #expect(MessageID(parsing: "  spring-launch.mzxw6ytboi234567.k3x9_1@news.example.org \r\n") == id)
  }

  @Test(arguments: [
    ("Spring Launch 2025!", "Spring-Launch-2025-"),
    ("v1.2", "v1-2"),
    ("<a>@b", "-a--b"),
    ("a\r\nb", "a--b"),
    ("Привет", "------"),
    ("", "x"),
    ("ok_part-1", "ok_part-1"),
  ])
  func partsAreReducedToDotAtomCharacters(_ input: String, _ expected: String) throws {
    let id = MessageID(release: input, recipient: input, unique: input, domain: "example.org")
    #expect(id.release == expected)
    #expect(id.recipient == expected)
    #expect(id.unique == expected)
    // Whatever went in, the id still parses into its three parts.
    #expect(MessageID(parsing: id.description) == id)
  }

  @Test func pythonReadsTheIdWithoutDefects() throws {
    let id = MessageID(release: "Launch: Spring/2025", recipient: "abc", unique: "1 2", domain: "news.example.org")
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@news.example.org")]))
      header.append("Message-ID", .raw(id.description))
    }
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.header("Message-ID") == [id.description])
  }

  @Test func idsDifferingOnlyInTheUniquePartDiffer() {
    let ids = (0..<100).map { MessageID(release: "r", recipient: "k", unique: "u\($0)", domain: "example.org") }
    #expect(Set(ids.map(\.description)).count == 100)
    #expect(Set(ids).count == 100)
    let sameRelease = MessageID(release: "r", recipient: "other", unique: "u0", domain: "example.org")
    #expect(sameRelease != ids[0])
  }

  @Test(arguments: [
    "<CAF1234567890@mail.gmail.com>",
    "<a.b@example.org>",
    "<a.b.c.d@example.org>",
    "<a..c@example.org>",
    "<.b.c@example.org>",
    "no-at-sign",
    "",
  ])
  func foreignIdsAreNotReadAsHerald(_ text: String) {
    #expect(MessageID(parsing: text) == nil)
  }
}

struct OneOffMessageIDTests {
  @Test(arguments: [MailKind.confirmation, .contactNotice, .inquiryReply, .contactMessage])
  func oneOffMailNamesItsKindAndNoRelease(_ kind: MailKind) throws {
    let id = MessageID(kind: kind, unique: "k3x9", domain: "news.example.org")
    #expect(id.description == "<\(kind.rawValue).k3x9@news.example.org>")
    let parsed = try #require(MessageID(parsing: id.description))
    #expect(parsed == id && parsed.kind == kind && parsed.release == nil && parsed.recipient == nil)
  }

  @Test func aReleasesIdIsAReleaseEvenWhenItsSlugLooksLikeAKind() throws {
    let id = try #require(MessageID(parsing: "<confirmation.mzxw6ytboi234567.k3x9@news.example.org>"))
    #expect(id.kind == .release && id.release == "confirmation")
  }

  @Test(arguments: [
    ("<reply.inquiry.ABC@example.org>", MailKind.inquiryReply), ("<confirm.notice.ABC@example.org>", .confirmation),
    ("<contact.notice.ABC@example.org>", .contactNotice), ("<contact.form.ABC@example.org>", .contactMessage),
  ])
  func idsOfEarlierVersionsOneOffMailAreReadAsTheirKind(_ text: String, _ kind: MailKind) throws {
    let id = try #require(MessageID(parsing: text))
    #expect(id.kind == kind && id.release == nil)
  }

  @Test(arguments: ["<release.k3x9@example.org>", "<newsletter.k3x9@example.org>"])
  func twoPartsThatNameNoOneOffKindAreNotOurs(_ text: String) {
    #expect(MessageID(parsing: text) == nil)
  }
}
