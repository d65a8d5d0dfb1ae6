import Foundation
import HeraldTesting
import Testing

/// End-to-end: `herald send` killed with SIGKILL in the middle of a campaign, then the
/// recovery a person would run. The Outbox promises at least once, never lost: every
/// recipient gets the release, and only the messages in flight (one per connection) may
/// arrive twice.
struct CrashTests {
  /// Herald's default number of parallel SMTP connections, each with one message in flight.
  static let connections = 4
  static let release = "Releases/2020-03-31-water-report.md"

  @Test func aSendKilledWhileDeliveringIsFinishedByDeliverWithAtMostOneDuplicatePerConnection() throws {
    let recipients = 1_500
    let (root, addresses) = try HeraldProcess.workspace(list: "crash", readers: recipients)
    defer { try? FileManager.default.removeItem(at: root) }
    let (sink, relay, maildir) = try Self.startSink(in: root)
    defer { sink.stop() }

    // Kill the send once the whole campaign is in the Outbox (herald send delivers while it
    // enqueues) and a few hundred messages have arrived: well into the delivery.
    let send = try BackgroundProcess.herald(["send", Self.release, "--list", "crash", "--smtp", relay, "--yes"], in: root)
    let deadline = Date().addingTimeInterval(60)
    while send.isRunning && Date() < deadline && (Self.envelopes(in: maildir).count < 300 || Self.spooled(in: root) < recipients) {
      Thread.sleep(forTimeInterval: 0.005)
    }
    let finishedAlready = !send.isRunning
    send.stop()
    let arrivedBeforeKill = Self.envelopes(in: maildir).count
    try #require(
      !finishedAlready && arrivedBeforeKill < recipients,
      "the send ended before it could be killed (\(arrivedBeforeKill) of \(recipients) arrived): make the list larger. Output: \(send.output)")
    #expect(Self.spooled(in: root) == recipients)

    // What was left in active/ goes back to the queue; deliver sends the rest.
    let delivered = try HeraldProcess.run(["deliver", "--smtp", relay], in: root)
    #expect(delivered.status == 0, "\(delivered.stderr)")
    let returned = delivered.stderr.firstMatch(of: /Returned ([0-9]+) message/).flatMap { Int($0.1) } ?? 0
    // In flight (one per connection), and the next one each connection claimed meanwhile.
    #expect(returned <= 2 * Self.connections, "\(delivered.stderr)")

    let received = try Self.received(in: maildir)
    #expect(Set(received.keys) == Set(addresses), "missing: \(Set(addresses).subtracting(received.keys).sorted().prefix(5))")
    let duplicates = received.values.reduce(0, +) - recipients
    #expect(duplicates >= 0 && duplicates <= Self.connections, "\(duplicates) duplicates: \(received.filter { $0.value > 1 }.keys.sorted().prefix(10))")
    #expect(duplicates <= returned, "only a message returned from active/ can arrive twice (returned \(returned), duplicates \(duplicates))")
    #expect(received.values.allSatisfy { $0 <= 2 })

    // The Outbox adds up: every message sent, once, nothing left on the way.
    let states = try Self.outboxStates(in: root)
    #expect(states["sent"] == recipients, "\(states)")
    for state in ["active", "queue", "deferred", "failed", "hold"] {
      #expect(states[state] == 0, "\(state)/ still holds \(states[state] ?? -1) message(s)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/tmp").path).isEmpty)
  }

  @Test func aSendKilledWhileEnqueueingReachesEveryoneElseWhenSentAgain() throws {
    let recipients = 3_000
    let (root, addresses) = try HeraldProcess.workspace(list: "crash", readers: recipients)
    defer { try? FileManager.default.removeItem(at: root) }
    let (sink, relay, maildir) = try Self.startSink(in: root)
    defer { sink.stop() }

    // Kill the send as soon as messages arrive, before the campaign is all in the Outbox.
    let send = try BackgroundProcess.herald(["send", Self.release, "--list", "crash", "--smtp", relay, "--yes"], in: root)
    let deadline = Date().addingTimeInterval(60)
    while send.isRunning && Date() < deadline && Self.envelopes(in: maildir).count < 20 {
      Thread.sleep(forTimeInterval: 0.002)
    }
    send.stop()
    let enqueued = Self.spooled(in: root)
    try #require(enqueued > 0 && enqueued < recipients, "the whole campaign was enqueued (\(enqueued)) before the kill: make the list larger. Output: \(send.output)")

    // herald deliver sends what was enqueued; herald send again reaches the rest.
    let delivered = try HeraldProcess.run(["deliver", "--smtp", relay], in: root)
    #expect(delivered.status == 0, "\(delivered.stderr)")
    // It says the campaign was cut short, and what to run.
    #expect(delivered.stderr.contains("was interrupted while it was writing the Outbox"), "\(delivered.stderr)")
    #expect(delivered.stderr.contains("Run “herald send \(Self.release)” again"), "\(delivered.stderr)")
    let again = try HeraldProcess.run(["send", Self.release, "--list", "crash", "--smtp", relay, "--yes"], in: root)
    #expect(again.status == 0, "\(again.stderr)")
    // That done, the warning is gone.
    #expect(!(try HeraldProcess.run(["outbox"], in: root).stderr.contains("interrupted")))

    let received = try Self.received(in: maildir)
    #expect(Set(received.keys) == Set(addresses), "missing: \(Set(addresses).subtracting(received.keys).sorted().prefix(5))")
    let states = try Self.outboxStates(in: root)
    for state in ["active", "queue", "deferred", "failed", "hold"] {
      #expect(states[state] == 0, "\(state)/ still holds \(states[state] ?? -1) message(s)")
    }
    // Every delivery is in sent/, but for those accepted in flight when the send was killed.
    let deliveries = received.values.reduce(0, +)
    let sent = states["sent"] ?? 0
    #expect(sent >= recipients && deliveries - sent >= 0 && deliveries - sent <= Self.connections, "\(states), \(deliveries) deliveries")
    // Those whose message reached sent/ just before the kill, before the batched delivery
    // log got them, are not sent to again: herald send reads the Outbox too.
    let duplicates = deliveries - recipients
    #expect(duplicates <= Self.connections, "\(duplicates) recipients received the release twice")
    #expect(again.stdout.contains("Recipients"), "\(again.stdout)")
  }

  // MARK: Support

  /// Herald's capture sink on a free port: NNNNNN.eml and NNNNNN.envelope per message,
  /// written before it answers 250.
  static func startSink(in root: URL) throws -> (BackgroundProcess, String, URL) {
    let maildir = root.appendingPathComponent("captured")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path], in: root)
    let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "herald sink did not start: \(sink.output)")
    return (sink, "smtp://127.0.0.1:\(port)", maildir)
  }

  /// The names of the envelopes the sink has stored so far.
  static func envelopes(in maildir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []).filter { $0.hasSuffix(".envelope") }
  }

  /// How many messages are in the Outbox's state folders.
  static func spooled(in root: URL) -> Int {
    ["queue", "active", "deferred", "sent", "failed", "hold"].reduce(0) { total, state in
      total + ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/\(state)").path).count) ?? 0)
    }
  }

  /// How many times each recipient received a message, from the envelopes; checks that
  /// each message's To names its envelope recipient.
  static func received(in maildir: URL) throws -> [String: Int] {
    var received: [String: Int] = [:]
    var misaddressed: [String] = []
    for envelope in envelopes(in: maildir) {
      let text = try String(contentsOf: maildir.appendingPathComponent(envelope), encoding: .utf8)
      let recipients = text.split(separator: "\n").filter { $0.hasPrefix("RCPT TO:<") }.map { String($0.dropFirst(9).dropLast()) }
      for recipient in recipients { received[recipient, default: 0] += 1 }
      let eml = maildir.appendingPathComponent(envelope.replacingOccurrences(of: ".envelope", with: ".eml"))
      let header = String(decoding: try Data(contentsOf: eml).prefix(4096), as: UTF8.self)
      if recipients.count == 1, !header.contains("\r\nTo: Reader \(recipients[0].dropFirst(6).prefix { $0 != "@" }) <\(recipients[0])>\r\n") {
        misaddressed.append(recipients[0])
      }
    }
    #expect(misaddressed.isEmpty, "messages whose To is not their envelope recipient: \(misaddressed.prefix(3))")
    return received
  }

  /// `herald outbox --json`'s count per state.
  static func outboxStates(in root: URL) throws -> [String: Int] {
    let outbox = try HeraldProcess.run(["outbox", "--json"], in: root)
    let object = try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [String: Any]
    return try #require(object?["states"] as? [String: Int], "herald outbox --json: \(outbox.stdout) \(outbox.stderr)")
  }
}
