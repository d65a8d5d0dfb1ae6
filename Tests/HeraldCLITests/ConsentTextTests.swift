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
