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
    let producer = Thread { [self] in
      for batch in 0..<3 {
        Thread.sleep(forTimeInterval: 0.3)
        _ = try? enqueue((0..<10).map { "reader\(batch)-\($0)@example.com" })
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
    let port = try ScriptedSMTPServer().port  // stopped at once: nothing listens there now
    Thread.sleep(forTimeInterval: 0.2)
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
    let start = Date()
    let report = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy).deliverDue()
    let elapsed = Date().timeIntervalSince(start)
    #expect(report.sent == 25)
    // 25 messages at 20 per second, starting with one token: at least 1.2 s.
    #expect(elapsed >= 1.1, "took \(elapsed) s")
    #expect(try server.received().count == 25)
  }

  @Test func stopEndsTheRunWithNothingLeftClaimed() throws {
    let server = try ScriptedSMTPServer()
    _ = try enqueue((0..<200).map { "reader\($0)@example.com" })
    var policy = policy(connections: 2)
    policy.perSecond = 50
    let deliverer = Deliverer(outbox: outbox, relay: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"), policy: policy)
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { deliverer.stop() }
    let report = deliverer.deliverDue()
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
