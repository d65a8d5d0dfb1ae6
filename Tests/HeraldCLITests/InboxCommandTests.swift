import Foundation
import HeraldTesting
import Testing

/// End to end: herald inbox, herald inquiries and herald report, on a workspace whose list
/// press-en has the readers the fixtures are about (reader0…reader12@example.com).
struct InboxCommandTests {
  let root: URL
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("HeraldInboxTests/Fixtures")

  init() throws {
    root = try HeraldProcess.workspace(list: "press-en", readers: 13).root
  }

  func herald(_ arguments: String..., environment: [String: String] = [:]) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root, environment: environment)
  }

  /// A Maildir holding the fixtures `names`.
  func maildir(_ names: [String]) throws -> String {
    let folder = root.appendingPathComponent("Maildir")
    for sub in ["new", "cur", "tmp"] {
      try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    for (index, name) in names.enumerated() {
      try FileManager.default.copyItem(
        at: Self.fixtures.appendingPathComponent(name), to: folder.appendingPathComponent("new/17000000\(index).M\(index).test"))
    }
    return folder.path
  }

  func lines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
  }

  @Test func importPrintsOneObjectPerMessageWithWhatWasRead() throws {
    let path = try maildir(["postfix-dsn-5.1.1.eml", "reply-with-attachment.eml", "exchange-ooo.eml", "postfix-dsn-delayed.eml"])
    let result = try herald("inbox", "import", path, "--json")
    #expect(result.status == 0, "\(result.stderr)")
    let objects = try lines(result.stdout)
    #expect(objects.count == 4)
    for object in objects {
      for key in ["message_id", "from", "subject", "class"] { #expect(object[key] != nil, "\(key) in \(object)") }
    }
    let bounce = try #require(objects.first { ($0["class"] as? String) == "bounce" && ($0["subject"] as? String)?.contains("Undelivered") == true && ($0["recipients"] as? [[String: Any]])?.first?["status"] as? String == "5.1.1" })
    let recipient = try #require((bounce["recipients"] as? [[String: Any]])?.first)
    #expect(recipient["address"] as? String == "reader1@example.com")
    #expect(recipient["permanent"] as? Bool == true)
    #expect(recipient["result"] as? String == "bounced-and-suppressed", "the BounceAction's raw value")
    let delayed = try #require(objects.first { (($0["recipients"] as? [[String: Any]])?.first?["status"] as? String) == "4.4.1" })
    #expect((delayed["recipients"] as? [[String: Any]])?.first?["permanent"] as? Bool == false)
    #expect((delayed["recipients"] as? [[String: Any]])?.first?["result"] as? String == "not-a-failure")
    let inquiry = try #require(objects.first { $0["class"] as? String == "inquiry" })
    #expect(inquiry["inquiry"] as? Int != nil)
    #expect(inquiry["release"] as? String == "2020-03-31-water-report")
    #expect(objects.contains { $0["class"] as? String == "auto-reply" && $0["inquiry"] == nil })

    // What the bounce did shows in the subscriber's record; the delay changed nothing.
    let profile = try herald("subscribers", "show", "reader1@example.com")
    #expect(profile.stdout.contains("bounced"), "\(profile.stdout)")
    #expect(!(try herald("subscribers", "show", "reader2@example.com").stdout.contains("bounced")))

    // Again: nothing new, and the summary says so.
    let again = try herald("inbox", "import", path)
    #expect(again.status == 0)
    #expect(again.stdout.contains("Read 0 new messages; 4 seen before."), "\(again.stdout)")
    let list = try JSONSerialization.jsonObject(with: Data(try herald("inbox", "list", "--json").stdout.utf8)) as! [[String: Any]]
    #expect(list.count == 4)
  }

  @Test func fetchReadsTheMailboxOnceWithTheCredentialsFromTheEnvironment() throws {
    let password = "imap-S3cret:pass"
    let server = try DovecotServer(password: password)
    for name in ["reply-html-only.eml", "gmail-5.1.1.eml", "icloud-vacation.eml"] {
      _ = try server.deliver([UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
    }
    let yml = root.appendingPathComponent("herald.yml")
    try (String(contentsOf: yml, encoding: .utf8) + "\ninbox:\n  url: \(server.url())\n  tls: none\n").write(to: yml, atomically: true, encoding: .utf8)
    let environment = ["HERALD_IMAP_USERNAME": server.username, "HERALD_IMAP_PASSWORD": password, "HERALD_LOG": "trace"]

    let first = try herald("inbox", "fetch", "--json", environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    let objects = try lines(first.stdout)
    #expect(Set(objects.compactMap { $0["class"] as? String }) == ["inquiry", "bounce", "auto-reply"])
    #expect(!first.stderr.contains(password) && !first.stdout.contains(password), "the password never appears, even in a trace")
    #expect(try server.flags().values.allSatisfy { !$0.contains("\\Seen") }, "read with BODY.PEEK[]")

    let second = try herald("inbox", "fetch", environment: environment)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("Read 0 new messages."), "\(second.stdout)")

    // Without a password: a clear error, exit 1.
    let missing = try herald("inbox", "fetch", environment: ["HERALD_IMAP_USERNAME": server.username])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("HERALD_IMAP_PASSWORD"), "\(missing.stderr)")
  }

  @Test func anInquiryIsAssignedNotedAnsweredAndCounted() throws {
    let path = try maildir(["reply-html-only.eml", "postfix-dsn-5.1.1.eml"])
    #expect(try herald("inbox", "import", path).status == 0)
    let inquiries = try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "--json").stdout.utf8)) as! [[String: Any]]
    #expect(inquiries.count == 1)
    let id = try #require(inquiries.first?["id"] as? Int)
    #expect(inquiries.first?["status"] as? String == "new")
    #expect(inquiries.first?["release"] as? String == "2020-03-31-water-report")

    #expect(try herald("inquiries", "assign", "\(id)", "Dr. Claire Durand").status == 0)
    #expect(try herald("inquiries", "note", "\(id)", "Figures for Leipzig are in the annex.").status == 0)
    #expect(try herald("inquiries", "--status", "open", "--json").stdout.contains("Dr. Claire Durand"), "assigning opens it")

    #expect(try herald("dkim", "keygen").status == 0)
    let yml = root.appendingPathComponent("herald.yml")
    try (String(contentsOf: yml, encoding: .utf8) + "\ndkim:\n  selector: herald\n  key: .herald/dkim/herald.pem\n").write(to: yml, atomically: true, encoding: .utf8)
    let server = try ScriptedSMTPServer()
    let reply = root.appendingPathComponent("reply.md")
    try "Dear Dana,\n\nthe figures for **Leipzig** and Dresden are attached; Dr. Durand can speak on Thursday.\n".write(to: reply, atomically: true, encoding: .utf8)
    let sent = try herald("inquiries", "reply", "\(id)", "--file", reply.path, "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes", "--json")
    #expect(sent.status == 0, "\(sent.stderr)")
    let answer = try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as! [String: Any]
    #expect(answer["delivered"] as? String == "sent")
    let received = try server.received()
    #expect(received.count == 1 && received[0].recipients == ["reader17@example.com"])
    let message = try inspectMessage(received[0].bytes)
    #expect(message.defects.isEmpty)
    let question = "AM6PR0102MB31750C5A9E2B1D4F6A7C8E9BD0A10@AM6PR0102MB3175.eurprd01.prod.example.net"
    #expect(message.header("In-Reply-To").first == "<\(question)>")
    #expect(message.header("References").first?.contains("<\(question)>") == true)
    #expect(message.header("Subject").first == "Re: New study: cities lose a third of their drinking water to leaks")
    #expect(message.header("Auto-Submitted") == ["no"] && message.header("List-Unsubscribe").isEmpty, "a person's answer, not bulk mail")
    #expect(message.header("DKIM-Signature").count == 1, "signed like every message")

    let show = try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "show", "\(id)", "--json").stdout.utf8)) as! [String: Any]
    #expect(show["status"] as? String == "answered")
    let thread = try #require(show["thread"] as? [[String: Any]])
    #expect(thread.map { $0["kind"] as? String } == ["message", "assign", "note", "reply"])
    #expect((thread.last?["text"] as? String)?.contains("Leipzig") == true)

    let report = try herald("report", "Releases/2020-03-31-water-report.md", "--json")
    #expect(report.status == 0, "\(report.stderr)")
    let figures = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as! [String: Any]
    #expect(figures["inquiries"] as? Int == 1 && figures["answered"] as? Int == 1 && figures["open"] as? Int == 0)
    #expect(figures["bounced"] as? Int == 1, "\(figures)")
    #expect(figures["median_first_answer"] as? Double != nil)
    let text = try herald("report", "Releases/2020-03-31-water-report.md")
    #expect(text.stdout.contains("Inquiries") && text.stdout.contains("median time to the first answer"), "\(text.stdout)")
  }

  @Test func automaticMailIsNeverAnswered() throws {
    let path = try maildir(["reply-via-list.eml"])
    #expect(try herald("inbox", "import", path).status == 0)
    let list = try JSONSerialization.jsonObject(with: Data(try herald("inbox", "list", "--json").stdout.utf8)) as! [[String: Any]]
    let message = try #require(list.first?["id"] as? Int)
    let inquiry = try #require((try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "--json").stdout.utf8)) as! [[String: Any]]).first?["id"] as? Int)
    // Corrected by hand: it was an auto-reply after all. The inquiry goes, and cannot be answered.
    let corrected = try herald("inbox", "reclassify", "\(message)", "auto-reply")
    #expect(corrected.status == 0, "\(corrected.stderr)")
    #expect((try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "--json").stdout.utf8)) as? [Any])?.isEmpty == true)
    let reply = root.appendingPathComponent("reply.md")
    try "Thank you.\n".write(to: reply, atomically: true, encoding: .utf8)
    let refused = try herald("inquiries", "reply", "\(inquiry)", "--file", reply.path, "--queue-only")
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("error:"), "\(refused.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/queue").path).isEmpty)
  }
}
