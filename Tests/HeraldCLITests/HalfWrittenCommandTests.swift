import Foundation
import HeraldTesting
import Testing

/// End to end: nothing half-written goes out. `herald check` (and so `send`) finds what
/// `herald new` left, lists and fields the store does not have, and empty personal fields;
/// a test copy goes to the press office only; a dry run lists who would get it.
struct HalfWrittenCommandTests {
  let root: URL
  let release = "Releases/2020-03-31-water-report.md"

  init() throws {
    root = try HeraldProcess.workspace()
    #expect(try HeraldProcess.run(["lists", "create", "press-en"], in: root).status == 0)
    #expect(try HeraldProcess.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root).status == 0)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  /// Rewrites the sample release.
  func editRelease(_ edit: (String) -> String) throws {
    let file = root.appendingPathComponent(release)
    try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
  }

  /// Puts a paragraph at the start of the sample release's text.
  func personalise(_ line: String) throws {
    try editRelease { $0.replacingOccurrences(of: "\nMunicipal water networks", with: "\n\(line)\n\nMunicipal water networks") }
  }

  @Test func checkReportsTheDraftsPlaceholdersAsErrorsAndSendRefusesIt() throws {
    let drafted = try herald("new", "Coastal cities brace for record tides", "--list", "press-en", "--date", "2021-05-06")
    #expect(drafted.status == 0, "\(drafted.stderr)")
    let path = drafted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let check = try herald("check", path)
    #expect(check.status == 1)
    for text in ["“CITY”", "“summary” is still the sample", "“Full Name”", "“The first fact.”"] {
      #expect(check.stdout.contains(text), "\(text): \(check.stdout)")
    }
    let send = try herald("send", path, "--dry-run")
    #expect(send.status == 1 && send.stderr.contains("“Full Name”") && send.stderr.contains("nothing was sent"), "\(send.stderr)")
  }

  @Test func checkNamesAListThatDoesNotExistAndAFieldNoSubscriberHas() throws {
    try editRelease { $0.replacingOccurrences(of: "lists: [press-en]", with: "lists: [press-en, press-fr]") }
    try personalise("On your beat, {{subscriber.beet}}:")
    let check = try herald("check", release)
    #expect(check.status == 1)
    #expect(check.stdout.contains("error: the list “press-fr” in “lists:” does not exist"), "\(check.stdout)")
    #expect(check.stdout.contains("“beet”") && check.stdout.contains("did you mean “beat”?"), "\(check.stdout)")
  }

  @Test func checkWarnsWhenAPersonalFieldIsEmptyForSomeRecipients() throws {
    for index in 0..<3 { #expect(try herald("subscribers", "add", "desk\(index)@example.com", "--list", "press-en").status == 0) }
    try personalise("Dear {{subscriber.name}},")
    let check = try herald("check", release)
    #expect(check.status == 0, "a warning: \(check.stdout)")
    #expect(check.stdout.contains("warning: {{subscriber.name}} is empty for 3 of 11 recipients, who read “Dear ,”"), "\(check.stdout)")
  }

  @Test func aHeadingThatRepeatsTheTitleIsWarned() throws {
    try personalise("# Cities lose a third of their drinking water to leaks, new study finds")
    let check = try herald("check", release)
    #expect(check.stdout.contains("warning: this heading repeats the title"), "\(check.stdout)")
  }

  @Test func aTestCopyReachesOnlyTheGivenAddressesAsTheChosenSubscriberAndTheRealSendStillReachesEveryone() throws {
    try personalise("Dear {{subscriber.name}},")
    let server = try ScriptedSMTPServer()
    let relay = "smtp://127.0.0.1:\(server.port)"
    let test = try herald("send", release, "--test-to", "me@example.org, desk@example.org", "--as", "bob.jones@example.com", "--smtp", relay)
    #expect(test.status == 0, "\(test.stderr)")
    #expect(test.stdout.contains("Sent a test copy to me@example.org.") && test.stdout.contains("bob.jones@example.com (Jones, Bob, The Example Times)"))
    let copies = try server.received()
    #expect(copies.count == 2 && Set(copies.flatMap(\.recipients)) == ["me@example.org", "desk@example.org"])
    for copy in copies {
      let message = try inspectMessage(copy.bytes)
      #expect(message.header("Subject") == ["[TEST] New study: cities lose a third of their drinking water to leaks"])
      #expect(message.header("To") == copy.recipients)
      #expect(message.header("List-Unsubscribe").isEmpty)
      let text = try #require(message.parts.first { $0.contentType == "text/plain" }?.content)
      #expect(text.contains("Dear Jones, Bob,") && text.contains("bob.jones@example.com") && text.contains("(The Example Times)"), "\(text)")
    }

    // The real send is not held back by the test copy: everyone gets it, and the report counts only them.
    let sent = try herald("send", release, "--smtp", relay, "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stdout.contains("Recipients 8") && sent.stdout.contains("Sent 8,"), "\(sent.stdout)")
    #expect(try server.received().count == 10)
    let report = try JSONSerialization.jsonObject(with: Data(try herald("report", release, "--json").stdout.utf8)) as! [String: Any]
    #expect(report["sent"] as? Int == 8, "\(report)")
    #expect((report["campaigns"] as? [Any])?.count == 1, "\(report)")
  }

  @Test func aTestCopyAsAnAddressThatIsNoRecipientIsRefused() throws {
    let server = try ScriptedSMTPServer()
    let test = try herald("send", release, "--test-to", "me@example.org", "--as", "nobody@example.net", "--smtp", "smtp://127.0.0.1:\(server.port)")
    #expect(test.status == 1 && test.stderr.contains("no subscriber has the address nobody@example.net"), "\(test.stderr)")
    #expect(try herald("send", release, "--as", "bob.jones@example.com", "--yes").status == 64, "--as without --test-to")
    #expect(try server.received().isEmpty)
  }

  @Test func previewToASubscriberUsesTheirNameOrganisationAndFields() throws {
    try personalise("Dear {{subscriber.name}} of {{subscriber.organization}}, on {{subscriber.beat}}:")
    let preview = try herald("preview", release, "--to", "eva.novak@example.org", "--out", "p")
    #expect(preview.status == 0, "\(preview.stderr)")
    #expect(preview.stdout.contains("Eva Novák <eva.novak@example.org>"), "\(preview.stdout)")
    let text = try String(contentsOf: root.appendingPathComponent("p/message.txt"), encoding: .utf8)
    #expect(text.contains("Dear Eva Novák of Example Weekly, on water:"), "\(text)")
  }

  @Test func aDryRunListsItsRecipientsOnRequestAndInJSON() throws {
    #expect(try herald("subscribers", "suppress", "grace.obi@example.org", "--reason", "test").status == 0)
    let listed = try herald("send", release, "--dry-run", "--list-recipients")
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("EMAIL") && listed.stdout.contains("Jones, Bob") && listed.stdout.contains("hiro.tanaka@example.com"))
    #expect(!listed.stdout.contains("grace.obi@example.org"), "suppressed: not a recipient")
    let json = try JSONSerialization.jsonObject(with: Data(try herald("send", release, "--dry-run", "--json").stdout.utf8)) as! [String: Any]
    let recipients = try #require(json["recipient_list"] as? [[String: Any]])
    #expect(recipients.count == 7 && json["recipients"] as? Int == 7)
    #expect(recipients.first?["email"] as? String == "anna.schmidt@example.org" && recipients.first?["list"] as? String == "press-en")
    #expect(recipients.first?["organization"] as? String == "Example Daily")
    #expect(try herald("send", release, "--list-recipients", "--yes").status == 64, "--list-recipients needs --dry-run")
  }
}
