import Foundation
import HeraldTesting
import Testing

/// End-to-end: herald send and herald deliver, from the store through the Outbox to a real
/// SMTP server (aiosmtpd) on 127.0.0.1.
struct SendCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.temporaryDirectory()
    #expect(try HeraldProcess.run(["init", "."], in: root).status == 0)
    #expect(try HeraldProcess.run(["lists", "create", "press-en"], in: root).status == 0)
    #expect(try HeraldProcess.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root).status == 0)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func sendDeliversThePersonalisedReleaseToEveryMember() throws {
    let server = try ScriptedSMTPServer()
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Recipients 8"))
    #expect(result.stdout.contains("Sent 8, deferred 0"), "\(result.stdout)")
    let received = try server.received()
    #expect(received.count == 8)
    #expect(Set(received.flatMap(\.recipients)).contains("dmitri.ivanov@example.com"))
    #expect(received.allSatisfy { $0.sender == "press@example.org" })
    // Each message is the recipient's own: Python reads it without defects, To names them.
    let dmitri = try #require(received.first { $0.recipients == ["dmitri.ivanov@example.com"] })
    let parsed = try inspectMessage(dmitri.bytes)
    #expect(parsed.defects.isEmpty)
    #expect(parsed.addresses?["To"]?.first?.displayName == "Дмитрий Иванов")
    #expect(parsed.header("List-Unsubscribe").first?.contains("https://news.example.org/unsubscribe/") == true)
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    #expect((outbox["states"] as! [String: Int])["sent"] == 8)
    // The report is kept beside the Outbox, for scripts and for people.
    let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/reports").path).sorted()
    #expect(reports.count == 2 && reports[0].hasSuffix(".json") && reports[1].hasSuffix(".txt"))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Outbox/reports/\(reports[0])"))) as! [String: Any]
    #expect(json["sent"] as? Int == 8 && json["enqueued"] as? Int == 8)
    #expect(result.stdout.contains("Report: Outbox/reports/"))
  }

  @Test func queueOnlyThenDeliver() throws {
    let server = try ScriptedSMTPServer()
    let queued = try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes")
    #expect(queued.status == 0, "\(queued.stderr)")
    #expect(queued.stdout.contains("Enqueued 8 messages"))
    #expect(try server.received().isEmpty)
    let delivered = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(server.port)", "--json")
    #expect(delivered.status == 0, "\(delivered.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(delivered.stdout.utf8)) as! [String: Any]
    #expect(report["sent"] as? Int == 8)
    #expect(try server.received().count == 8)
  }

  @Test func heldMessagesWaitUntilReleased() throws {
    let server = try ScriptedSMTPServer()
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes").status == 0)
    let list = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "list", "--state", "queue", "--json").stdout.utf8)) as! [[String: Any]]
    #expect(list.count == 8)
    let campaign = list[0]["campaign"] as! String
    #expect(try herald("outbox", "hold", "--campaign", campaign).stdout.contains("Held 8 message(s)"))
    _ = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(server.port)")
    #expect(try server.received().isEmpty, "held messages are not sent")
    #expect(try herald("outbox", "release", "--campaign", campaign).status == 0)
    _ = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(server.port)")
    #expect(try server.received().count == 8)
    let show = try herald("outbox", "show", list[0]["id"] as! String)
    #expect(show.stdout.contains("State      sent"))
    #expect(show.stdout.contains("250 2.0.0 Ok: queued as"))
    #expect(try herald("outbox", "show", "NOSUCHID").stderr.contains("error:"))
  }

  @Test func refusedAndDeferredRecipientsAreRecorded() throws {
    _ = try herald("subscribers", "add", "reject.me@example.com", "--list", "press-en")
    _ = try herald("subscribers", "add", "defer.me@example.com", "--list", "press-en")
    let server = try ScriptedSMTPServer()
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes", "--json")
    let report = try JSONSerialization.jsonObject(with: Data(result.stdout.split(separator: "\n").drop { !$0.hasPrefix("{") }.joined(separator: "\n").utf8)) as! [String: Any]
    #expect(report["sent"] as? Int == 8)
    #expect(report["failed"] as? Int == 1)
    #expect(report["deferred"] as? Int == 1)
    // The 550 5.1.1 marks the membership bounced and suppresses the address.
    let show = try herald("subscribers", "show", "reject.me@example.com")
    #expect(show.stdout.contains("press-en  bounced"), "\(show.stdout)")
    #expect(show.stdout.contains("Suppressed    hard bounce: 550 5.1.1"))
    #expect(!(try herald("subscribers", "show", "defer.me@example.com").stdout.contains("bounced")))
  }

  @Test func sendingAgainReachesOnlyThoseWhoHaveNotReceivedIt() throws {
    let server = try ScriptedSMTPServer()
    let relay = "smtp://127.0.0.1:\(server.port)"
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes").status == 0)
    _ = try herald("subscribers", "add", "late@example.com", "--list", "press-en")
    let second = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("Recipients 1 (8 already received it; --again to include them)"), "\(second.stdout)")
    #expect(try server.received().count == 9)
    let third = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(third.status != 0 && third.stderr.contains("already received"))
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes", "--again").status == 0)
    #expect(try server.received().count == 18)
    let show = try herald("subscribers", "show", "late@example.com")
    #expect(show.stdout.contains("Deliveries"))
    #expect(show.stdout.contains("2020-03-31-water-report  sent  250 2.0.0 Ok: queued as"))
  }

  @Test func withoutAYesOrATerminalNothingIsSent() throws {
    let server = try ScriptedSMTPServer()
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)")
    #expect(result.status != 0)
    #expect(result.stderr.contains("--yes"))
    #expect(try server.received().isEmpty)
  }
}
