import Foundation
import HeraldTesting
import Testing

/// End to end: what others wrote reaches the terminal with its control characters shown,
/// not obeyed, and names come in without bidirectional overrides (issue 14, item 6).
struct TerminalSafetyTests {
  let root: URL
  init() throws { root = try HeraldProcess.workspace(list: "press-en", readers: 2).root }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func anInquiryWithALoneCRAndABidiOverrideIsShownEscaped() throws {
    // A reply whose subject reverses the rest of the line and whose text returns the
    // cursor to overwrite its own line; the sender's name carries an override too.
    let message = """
      From: =?UTF-8?Q?Eve_=E2=80=AEnamreH?= <eve@example.com>\r
      To: Press Office <press@example.org>\r
      Subject: =?UTF-8?Q?Figures_=E2=80=AEfdp.exe?=\r
      Date: Tue, 01 Dec 2026 09:00:00 +0000\r
      Message-ID: <question-1@example.com>\r
      MIME-Version: 1.0\r
      Content-Type: text/plain; charset=utf-8\r
      Content-Transfer-Encoding: quoted-printable\r
      \r
      Could you send the figures for Leipzig?=0DSender verified by the press office.\r
      \r
      """
    let file = root.appendingPathComponent("question.eml")
    try Data(message.utf8).write(to: file)
    let imported = try herald("inbox", "import", file.path)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(!imported.stdout.contains("\u{202E}") && imported.stdout.contains("Figures \\u{202E}fdp.exe"), "\(imported.stdout)")

    let show = try herald("inquiries", "show", "1")
    #expect(show.status == 0, "\(show.stderr)")
    #expect(show.stdout.contains("Could you send the figures for Leipzig?\\rSender verified"), "\(show.stdout)")
    #expect(show.stdout.contains("Figures \\u{202E}fdp.exe"), "\(show.stdout)")
    #expect(!show.stdout.contains("\r") && !show.stdout.contains("\u{202E}"), "no raw CR or override reaches the terminal")
    // The sender's name lost its override when it came in.
    #expect(show.stdout.contains("Eve namreH <eve@example.com>"), "\(show.stdout)")
    for listing in [try herald("inquiries"), try herald("inbox", "show", "1"), try herald("inbox")] {
      #expect(!listing.stdout.contains("\r") && !listing.stdout.contains("\u{202E}"), "\(listing.stdout)")
    }
    // JSON keeps the text as it is (JSON escapes it itself).
    let json = try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "show", "1", "--json").stdout.utf8)) as? [String: Any]
    #expect((json?["subject"] as? String) == "Figures \u{202E}fdp.exe")
  }

  @Test func namesFromAnImportAndTheCommandLineAreStoredWithoutBidiOverrides() throws {
    let csv = "email,name,organization\nanna@example.org,Anna \u{202E}tfahcS,\u{2067}Example Daily\u{2069}\n"
    try Data(csv.utf8).write(to: root.appendingPathComponent("people.csv"))
    let imported = try herald("lists", "import", "press-en", "people.csv")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("bidirectional control character (removed)"), "\(imported.stdout)")
    let anna = try JSONSerialization.jsonObject(with: Data(try herald("subscribers", "show", "anna@example.org", "--json").stdout.utf8)) as? [String: Any]
    let subscriber = (anna?["profile"] as? [String: Any])?["subscriber"] as? [String: Any]
    #expect(subscriber?["name"] as? String == "Anna tfahcS")
    #expect(subscriber?["organization"] as? String == "Example Daily")

    let added = try herald("subscribers", "add", "bert@example.org", "--list", "press-en", "--name", "Bert \u{202E}nosnhoJ")
    #expect(added.status == 0 && added.stderr.contains("--name had a bidirectional control character (removed)"), "\(added.stderr)")
    let bert = try JSONSerialization.jsonObject(with: Data(try herald("subscribers", "show", "bert@example.org", "--json").stdout.utf8)) as? [String: Any]
    #expect(((bert?["profile"] as? [String: Any])?["subscriber"] as? [String: Any])?["name"] as? String == "Bert nosnhoJ")
  }
}

/// End to end: herald send says whether it published, and publishes a private list's
/// release only when the release says so; herald check tells beforehand (issue 14, item 7).
struct PublishOnSendCommandTests {
  let root: URL
  init() throws { root = try HeraldProcess.workspace(list: "partners", readers: 2).root }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func release(_ name: String, front: String = "") throws -> String {
    let path = "Releases/\(name).md"
    try Data("---\ntitle: \"Briefing\"\ndate: 2026-12-02\nlists: [partners]\n\(front)---\n\nFor partners only.\n".utf8)
      .write(to: root.appendingPathComponent(path))
    return path
  }

  @Test func sendingToAPrivateListSaysItIsNotPublishedAndWhy() throws {
    let path = try release("2026-12-02-briefing")
    let check = try herald("check", path)
    #expect(check.status == 0)
    #expect(check.stdout.contains("\(path):4: note: herald send will not publish this release in the web archive: the list partners is private"), "\(check.stdout)")
    let sent = try herald("send", path, "--queue-only", "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stdout.contains("Not published to the archive: the list partners is private; add publish: true to the front matter to publish it."), "\(sent.stdout)")
    let again = try herald("send", try release("2026-12-02-other"), "--queue-only", "--yes", "--json")
    let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
    let archive = json?["archive"] as? [String: Any]
    #expect(archive?["published"] as? Bool == false && archive?["url"] is NSNull, "\(again.stdout)")
  }

  @Test func publishTrueOverAPrivateListPublishesAndCheckWarns() throws {
    let path = try release("2026-12-02-announced", front: "publish: true\n")
    let check = try herald("check", path)
    #expect(check.stdout.contains("\(path):5: warning: herald send publishes this release in the public web archive and feed (publish: true), although the list partners is private"), "\(check.stdout)")
    let sent = try herald("send", path, "--queue-only", "--yes", "--json")
    #expect(sent.status == 0, "\(sent.stderr)")
    let archive = (try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])?["archive"] as? [String: Any]
    #expect(archive?["published"] as? Bool == true)
    #expect(archive?["url"] as? String == "https://news.example.org/releases/2026-12-02-announced", "\(sent.stdout)")
  }
}

/// End to end: a public list without double opt-in must be asked for by name, says why
/// it is not advised, and herald check warns about it (issue 14, item 8).
struct SingleOptInTests {
  let root: URL
  init() throws { root = try HeraldProcess.workspace(list: "press-en", readers: 1).root }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func aPublicListWithoutDoubleOptInIsAUsageErrorUnlessSaid() throws {
    let refused = try herald("lists", "create", "open", "--public")
    #expect(refused.status == 64, "\(refused.stderr)")
    #expect(refused.stderr.contains("GDPR") && refused.stderr.contains("Gmail") && refused.stderr.contains("--single-opt-in"), "\(refused.stderr)")
    #expect(try herald("lists", "--json").stdout.contains("\"open\"") == false, "nothing was made")

    let said = try herald("lists", "create", "open", "--public", "--single-opt-in")
    #expect(said.status == 0, "\(said.stderr)")
    #expect(said.stderr.contains("warning: the list open is public without double opt-in") && said.stderr.contains("GDPR"), "\(said.stderr)")
    #expect(try herald("lists", "create", "confirmed", "--public", "--double-opt-in").status == 0)
  }

  @Test func updatingAListToPublicSingleOptInNeedsSayingSoToo() throws {
    let refused = try herald("lists", "update", "press-en", "--public")
    #expect(refused.status == 64 && refused.stderr.contains("--single-opt-in"), "\(refused.stderr)")
    let lists = try JSONSerialization.jsonObject(with: Data(try herald("lists", "--json").stdout.utf8)) as? [[String: Any]]
    #expect(lists?.first?["public"] as? Bool == false, "nothing was changed")

    #expect(try herald("lists", "update", "press-en", "--public", "--enable-double-opt-in").status == 0)
    let off = try herald("lists", "update", "press-en", "--disable-double-opt-in")
    #expect(off.status == 64, "\(off.stderr)")
    let said = try herald("lists", "update", "press-en", "--single-opt-in")
    #expect(said.status == 0 && said.stderr.contains("warning: the list press-en is public without double opt-in"), "\(said.stderr)")
  }

  @Test func checkWarnsAboutPublicSingleOptInLists() throws {
    #expect(try herald("lists", "create", "open", "--public", "--single-opt-in").status == 0)
    let check = try herald("check", "Releases/2020-03-31-water-report.md")
    #expect(check.stdout.contains("warning: the list open has a public subscription form without double opt-in"), "\(check.stdout)")
  }
}
