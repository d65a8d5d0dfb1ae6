import Foundation
import HeraldTesting
import Testing

/// End-to-end: herald send and herald deliver, from the store through the Outbox to a real
/// SMTP server (aiosmtpd) on 127.0.0.1.
struct SendCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
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

  @Test func aCorrectionGoesToExactlyThoseTheCampaignReached() throws {
    _ = try herald("subscribers", "add", "reject.me@example.com", "--list", "press-en")
    let server = try ScriptedSMTPServer()
    let relay = "smtp://127.0.0.1:\(server.port)"
    let first = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(first.stdout.contains("Sent 8, deferred 0"), "\(first.stdout)")
    let campaign = try #require(first.stdout.split(whereSeparator: \.isWhitespace).last { $0.hasPrefix("2020-03-31-water-report-") }.map { String($0.dropLast()) })
    // Since then: one reader unsubscribed, one joined the list (the original never reached her).
    #expect(try herald("subscribers", "unsubscribe", "bob.jones@example.com", "--list", "press-en").status == 0)
    _ = try herald("subscribers", "add", "late@example.com", "--list", "press-en")
    let correction = try herald("send", "Releases/2020-03-31-water-report.md", "--correction-of", campaign, "--smtp", relay, "--yes")
    #expect(correction.status == 0, "\(correction.stderr)")
    #expect(correction.stdout.contains("Recipients 7"), "\(correction.stdout)")
    let corrected = try server.received().dropFirst(8).flatMap(\.recipients)
    #expect(corrected.count == 7)
    #expect(!corrected.contains("bob.jones@example.com") && !corrected.contains("late@example.com") && !corrected.contains("reject.me@example.com"))
    // The same correction again reaches no one; an unknown campaign is named.
    let again = try herald("send", "Releases/2020-03-31-water-report.md", "--correction-of", campaign, "--smtp", relay, "--yes")
    #expect(again.status != 0 && again.stderr.contains("already received"), "\(again.stderr)")
    let unknown = try herald("send", "Releases/2020-03-31-water-report.md", "--correction-of", "no-such-1", "--smtp", relay, "--yes")
    #expect(unknown.status != 0 && unknown.stderr.contains("no-such-1"), "\(unknown.stderr)")
  }

  @Test func messagesOfTheReleaseStillInTheOutboxAreNotSentTwice() throws {
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes").status == 0)
    _ = try herald("subscribers", "add", "late@example.com", "--list", "press-en")
    // The first campaign waits in the Outbox, not yet in the delivery log: only the newcomer.
    let second = try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes")
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("Recipients 1 (8 have it in the Outbox already"), "\(second.stdout)")
    let third = try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes")
    #expect(third.status != 0 && third.stderr.contains("already received"), "\(third.stderr)")
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    #expect((outbox["states"] as! [String: Int])["queue"] == 9)
  }

  @Test func aCorrectionWaitsUntilTheOriginalIsOut() throws {
    let queued = try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes")
    let campaign = try #require(queued.stdout.split(whereSeparator: \.isWhitespace).last { $0.hasPrefix("2020-03-31-water-report-") }.map { String($0.dropLast()) })
    let correction = try herald("send", "Releases/2020-03-31-water-report.md", "--correction-of", campaign, "--queue-only", "--yes")
    #expect(correction.status != 0)
    #expect(correction.stderr.contains("still has 8 message(s) waiting"), "\(correction.stderr)")
  }

  // An embargo no longer refuses a send (EmbargoCommandTests): --at stays "send later".
  @Test func aSendScheduledAfterTheEmbargoGoesAtItsTime() throws {
    let file = root.appendingPathComponent("Releases/2020-03-31-water-report.md")
    let embargo = Date().addingTimeInterval(86_400)
    let text = try String(contentsOf: file, encoding: .utf8)
    try text.replacingOccurrences(of: "\ntitle:", with: "\nembargo: \(ISO8601DateFormatter().string(from: embargo))\ntitle:").write(to: file, atomically: true, encoding: .utf8)
    let later = ISO8601DateFormatter().string(from: embargo.addingTimeInterval(3600))
    let scheduled = try herald("send", "Releases/2020-03-31-water-report.md", "--at", later, "--yes", "--smtp", "smtp://127.0.0.1:9")
    #expect(scheduled.status == 0, "\(scheduled.stderr)")
    #expect(scheduled.stdout.contains("They go out at \(later)"), "\(scheduled.stdout)")
    // Waiting in deferred/ for their time; a deliver now sends nothing (and needs no relay).
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    #expect((outbox["states"] as! [String: Int])["deferred"] == 8)
    // A time that is not one is a usage error: exit 64, and the option named.
    let wrong = try herald("send", "Releases/2020-03-31-water-report.md", "--at", "tomorrow", "--yes")
    #expect(wrong.status == 64 && wrong.stderr.contains("--at"), "\(wrong.stderr)")
  }

  @Test func deliverWatchSendsScheduledMessagesWhenDueAndStopsCleanly() throws {
    let server = try ScriptedSMTPServer()
    let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3))
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--at", at, "--yes").status == 0)
    let once = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(server.port)", "--json")
    #expect(once.stdout.contains("\"sent\" : 0") || once.stdout.contains("\"sent\":0"), "\(once.stdout)")
    let watch = Process()
    watch.executableURL = HeraldProcess.binary
    watch.arguments = ["deliver", "--watch", "--interval", "0.5", "--smtp", "smtp://127.0.0.1:\(server.port)"]
    watch.currentDirectoryURL = root
    let output = Pipe()
    watch.standardOutput = output
    watch.standardError = FileHandle.nullDevice
    try watch.run()
    let deadline = Date().addingTimeInterval(20)
    while try server.received().count < 8 && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
    #expect(try server.received().count == 8)
    // Messages queued while it watches go out too.
    #expect(try herald("send", "Releases/2020-03-31-water-report.md", "--queue-only", "--again", "--yes").status == 0)
    while try server.received().count < 16 && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
    #expect(try server.received().count == 16)
    watch.terminate()  // SIGTERM: a clean stop
    watch.waitUntilExit()
    #expect(watch.terminationStatus == 0)
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(printed.contains("Sent 16, deferred 0"), "\(printed)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/active").path).isEmpty)
  }

  @Test(arguments: ["rsa", "ed25519"])
  func withADKIMKeyEveryMessageIsSignedAndVerifies(_ algorithm: String) throws {
    #expect(try herald("dkim", "keygen", "--algorithm", algorithm).status == 0)
    let shown = try JSONSerialization.jsonObject(with: Data(try herald("dkim", "show", "--json").stdout.utf8)) as! [String: Any]
    let record = try #require((shown["keys"] as? [[String: Any]])?.first)
    let config = root.appendingPathComponent("herald.yml")
    try (try String(contentsOf: config, encoding: .utf8) + "dkim:\n  selector: herald\n  key: .herald/dkim/herald.pem\n")
      .write(to: config, atomically: true, encoding: .utf8)
    let server = try ScriptedSMTPServer()
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("DKIM       herald._domainkey.example.org (\(algorithm))"), "\(result.stdout)")
    let received = try server.received()
    #expect(received.count == 8)
    for message in received {
      let verdict = try PythonOracle.verifyDKIM(message: message.bytes, txtRecord: record["value"] as! String)
      #expect(verdict.valid, "\(verdict.log)")
      #expect(verdict.queried == ["herald._domainkey.example.org."])
    }
    // A key others can read is refused before anything is sent.
    chmod(root.appendingPathComponent(".herald/dkim/herald.pem").path, 0o644)
    let refused = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes", "--again")
    #expect(refused.status != 0 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
    #expect(try server.received().count == 8)
  }

  @Test func theDeliverySectionOfHeraldYmlGovernsTheRun() throws {
    let config = root.appendingPathComponent("herald.yml")
    let base = try String(contentsOf: config, encoding: .utf8)
    // A password file others can read is refused before anything is written or sent.
    let secret = root.appendingPathComponent(".herald/smtp-password")
    try "not-a-real-password\n".write(to: secret, atomically: true, encoding: .utf8)
    chmod(secret.path, 0o644)
    try (base + "delivery:\n  username: press\n  password_file: .herald/smtp-password\n").write(to: config, atomically: true, encoding: .utf8)
    let server = try ScriptedSMTPServer()
    let refused = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes")
    #expect(refused.status != 0 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
    #expect(try server.received().isEmpty)

    // One connection: the relay sees every message on its first connection. (The pace
    // herald.yml sets is tested on a virtual clock, DelivererTests.)
    try (base + "delivery:\n  connections: 1\n  messages_per_connection: 100\n").write(to: config, atomically: true, encoding: .utf8)
    let scenario = try ScenarioSMTPServer(.plain)
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(scenario.port)", "--yes")
    #expect(result.status == 0, "\(result.stderr)")
    let received = try scenario.received()
    #expect(received.count == 8)
    #expect(Set(received.map(\.connection)) == [1], "\(received.map(\.connection))")
  }
}
