import Foundation
import Synchronization
import HeraldCore
import HeraldDelivery
import HeraldTesting
import Testing

/// The sender end to end: Outbox → libcurl → a real SMTP server (aiosmtpd) on 127.0.0.1.
struct DelivererTests {
  let directory: URL
  let outbox: Outbox

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-deliver-\(UUID().uuidString)")
    outbox = try Outbox(directory: directory)
  }

  func enqueue(_ recipients: [String], campaign: CampaignID = "c1") throws -> [OutboxMessage] {
    let messages = recipients.map { recipient in
      OutboxMessage(
        campaign: campaign, sender: "bounces@example.org", recipient: recipient,
        bytes: Array("From: press@example.org\r\nTo: \(recipient)\r\nSubject: Test\r\n\r\nHello \(recipient)\r\n".utf8))
    }
    try outbox.enqueue(messages)
    return messages
  }

  func policy(connections: Int = 3) -> DeliveryPolicy {
    var policy = DeliveryPolicy()
    policy.connections = connections
    return policy
  }

  @Test func deliversEveryQueuedMessageOverSeveralConnections() throws {
    let server = try ScriptedSMTPServer()
    let recipients = (0..<30).map { "reader\($0)@example.com" }
    let messages = try enqueue(recipients)
    let deliverer = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy())
    let report = deliverer.deliverDue()
    #expect(report == Deliverer.Report(sent: 30, deferred: 0, failed: 0, paused: nil))
    let received = try server.received()
    #expect(Set(received.flatMap(\.recipients)) == Set(recipients), "each recipient once")
    #expect(received.count == 30)
    for message in messages {
      let entry = try outbox.message(id: message.id)
      #expect(entry.state == .sent)
      #expect(entry.message.attempts.last?.reply.hasPrefix("250 2.0.0 Ok: queued as") == true)
    }
    #expect(try outbox.list(state: .active).isEmpty)
  }

  @Test func whileACampaignIsBeingEnqueuedTheSendersWaitForMore() throws {
    let server = try ScriptedSMTPServer()
    let deliverer = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy())
    let producing = Mutex(true)
    let maildir = server.maildir
    let producer = Thread { [self] in
      for batch in 0..<3 {
        _ = try? enqueue((0..<10).map { "reader\(batch)-\($0)@example.com" })
        // The next batch only once this one is through: the queue is empty in between,
        // and the senders must wait for more rather than end the run.
        let deadline = Date().addingTimeInterval(30)
        let done = maildir.appendingPathComponent("\(10 * (batch + 1)).json").path
        while !FileManager.default.fileExists(atPath: done) && Date() < deadline { usleep(5_000) }
      }
      producing.withLock { $0 = false }
    }
    producer.start()
    let report = deliverer.deliverDue(producing: { producing.withLock { $0 } })
    // It did not return at the first empty queue, and took the last batch too.
    #expect(report.sent == 30, "\(report)")
    #expect(try server.received().count == 30)
    #expect(try outbox.counts().byState[.sent] == 30)
  }

  @Test func repliesDecideSentDeferredAndFailed() throws {
    let server = try ScriptedSMTPServer()
    _ = try enqueue(["ok@example.com", "reject@example.com", "defer@example.com", "full@example.com", "denied@example.com"])
    let results = ResultLog()
    let deliverer = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy(connections: 2))
    let report = deliverer.deliverDue { results.append($0) }
    #expect(report.sent == 1 && report.deferred == 2 && report.failed == 2 && report.paused == nil)
    let outcomes = Dictionary(uniqueKeysWithValues: results.all.map { ($0.message.recipient, ($0.outcome, $0.mailboxGone)) })
    #expect(outcomes["ok@example.com"]! == (.sent, false))
    #expect(outcomes["reject@example.com"]! == (.failed, true), "5.1.1: no such mailbox")
    #expect(outcomes["denied@example.com"]! == (.failed, false))
    #expect(outcomes["defer@example.com"]! == (.deferred, false))
    #expect(outcomes["full@example.com"]! == (.deferred, false), "552 is treated as temporary")
    let deferred = try outbox.list(state: .deferred)
    #expect(deferred.count == 2)
    // Postfix's rule: a new message waits the minimal backoff (300 s) before its retry.
    for entry in deferred {
      #expect(entry.message.nextAttempt.timeIntervalSinceNow > 250)
      let reply = entry.message.attempts.last?.reply ?? ""
      #expect(reply.hasPrefix("451 4.7.1") || reply.hasPrefix("552 5.2.2"), "\(reply)")
    }
    // Deferred messages are not due again now.
    #expect(deliverer.deliverDue() == Deliverer.Report())
  }

  @Test func aRelayThatIsDownPausesTheRunAndLosesNothing() throws {
    let closed = try ClosedPort()
    let port = closed.port
    _ = try enqueue((0..<40).map { "reader\($0)@example.com" })
    var relay = RelayConfiguration(url: "smtp://127.0.0.1:\(port)")
    relay.connectTimeout = 2
    var policy = policy(connections: 2)
    policy.pauseAfterConsecutiveRelayFailures = 5
    let report = Deliverer(outbox: outbox, relay: relay, policy: policy).deliverDue()
    #expect(report.paused?.contains("times in a row") == true)
    #expect(report.failed == 0)
    #expect(report.deferred >= 5 && report.deferred < 40, "it stopped early: \(report.deferred)")
    let counts = try outbox.counts()
    #expect(counts.total == 40)
    #expect((counts.byState[.queue] ?? 0) + (counts.byState[.deferred] ?? 0) == 40)
    #expect((counts.byState[.active] ?? 0) == 0)
  }

  @Test func theRateLimitHoldsAcrossConnections() throws {
    let server = try ScriptedSMTPServer()
    _ = try enqueue((0..<25).map { "reader\($0)@example.com" })
    var policy = policy(connections: 4)
    policy.perSecond = 20
    let clock = PaceClock.virtual()
    let relay = RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)")
    let report = Deliverer(outbox: outbox, policy: policy, clock: clock) { try SMTPConnection(configuration: relay) }.deliverDue()
    #expect(report.sent == 25)
    // 25 messages at 20 per second, starting with one token, on four connections: the
    // pace's clock shows at least 1.2 s (four connections with a pace each would need 0.25 s).
    #expect(clock.now >= 1.2 - 1e-9, "\(clock.now) s")
    #expect(clock.now < 1.5, "no more waiting than the pace needs: \(clock.now) s")
    #expect(try server.received().count == 25)
  }

  @Test func stopEndsTheRunWithNothingLeftClaimed() throws {
    let server = try ScriptedSMTPServer()
    _ = try enqueue((0..<200).map { "reader\($0)@example.com" })
    let deliverer = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy(connections: 2))
    // A stop from another thread in the middle of the run: after the 20th result.
    let results = Mutex(0)
    let report = deliverer.deliverDue(onResult: { _ in
      if results.withLock({ count in
        count += 1
        return count == 20
      }) {
        Thread { deliverer.stop() }.start()
      }
    })
    #expect(report.sent > 0 && report.sent < 200)
    let counts = try outbox.counts()
    #expect(counts.byState[.active] ?? 0 == 0, "nothing left in active/")
    // Every message is somewhere: sent, back in the queue, or (a slow answer) deferred.
    #expect(counts.total == 200, "\(counts.byState) \(report)")
    #expect(counts.byState[.sent] == report.sent && counts.byState[.deferred] ?? 0 == report.deferred)
    #expect(try server.received().count == report.sent)
  }
}

/// Results collected from the sending threads.
final class ResultLog: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Deliverer.Result] = []
  func append(_ result: Deliverer.Result) { lock.withLock { results.append(result) } }
  var all: [Deliverer.Result] { lock.withLock { results } }
}
