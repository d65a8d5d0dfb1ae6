import Foundation
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldTesting
import Testing

/// The Deliverer's decisions (pause, give up, retry, stop) against a relay in memory: no
/// sockets, so every case is exact and quick.
struct DelivererLogicTests {
  let outbox: Outbox

  init() throws {
    outbox = try Outbox(directory: FileManager.default.temporaryDirectory.appendingPathComponent("herald-logic-\(UUID().uuidString)"))
  }

  @discardableResult
  func enqueue(_ recipients: [String], created: Date = Date()) throws -> [OutboxMessage] {
    let messages = recipients.map {
      OutboxMessage(campaign: "logic-1", sender: "bounces@example.org", recipient: $0, created: created, nextAttempt: Date(), bytes: Array("Subject: x\r\n\r\nx\r\n".utf8))
    }
    try outbox.enqueue(messages)
    return messages
  }

  static func reply(_ line: String) -> TransportOutcome { .reply(SMTPReply(line)!) }

  func deliverer(_ relay: MemoryRelay, connections: Int = 1, pauseAfter: Int = 10) -> Deliverer {
    var policy = DeliveryPolicy()
    policy.connections = connections
    policy.pauseAfterConsecutiveRelayFailures = pauseAfter
    return Deliverer(outbox: outbox, policy: policy, transport: relay.transport)
  }

  @Test func aRelayThatKeepsRefusingPausesTheRunAndTheRestWaits() throws {
    try enqueue((0..<20).map { "reader\($0)@example.com" })
    let relay = MemoryRelay { _ in Self.reply("421 4.3.2 Service shutting down") }
    let report = deliverer(relay, pauseAfter: 4).deliverDue()
    #expect(report.deferred == 4 && report.sent == 0 && report.failed == 0)
    #expect(report.paused?.contains("failed 4 times in a row") == true, "\(report)")
    #expect(relay.tried.count == 4)
    let counts = try outbox.counts().byState
    #expect(counts[.deferred] == 4 && counts[.queue] == 16 && counts[.active] == 0)
  }

  @Test func aSuccessBetweenFailuresStartsTheCountAgain() throws {
    try enqueue((0..<12).map { "reader\($0)@example.com" })
    let relay = MemoryRelay { recipient in
      Int(recipient.dropFirst(6).prefix { $0.isNumber })! % 3 == 2 ? Self.reply("250 2.0.0 Ok") : Self.reply("421 4.3.2 Busy")
    }
    let report = deliverer(relay, pauseAfter: 3).deliverDue()
    #expect(report.paused == nil, "two failures, then a success, again and again")
    #expect(report.sent == 4 && report.deferred == 8)
  }

  @Test func refusalsOfOurSenderAreTheRelaysProblemNotTheRecipients() throws {
    try enqueue(["a@example.com", "b@example.com"])
    let relay = MemoryRelay { _ in Self.reply("553 5.1.8 Sender address rejected: Domain not found") }
    let results = ResultLog()
    let report = deliverer(relay, pauseAfter: 2).deliverDue { results.append($0) }
    #expect(report.deferred == 2 && report.failed == 0)
    #expect(report.paused != nil)
    #expect(results.all.allSatisfy { $0.outcome == .deferred && !$0.mailboxGone })
  }

  @Test(arguments: [
    ("550 5.1.1 <x@example.com>: no such user", DeliveryOutcome.failed, true),
    ("550 5.2.1 mailbox disabled", .failed, true),
    ("554 5.7.1 rejected by policy", .failed, false),
    ("550 Requested action not taken", .failed, false),
    ("452 4.2.2 Mailbox full", .deferred, false),
    ("552 5.2.2 Mailbox full", .deferred, false),
    ("250 2.0.0 Ok", .sent, false),
  ])
  func eachReplyDecidesTheOutcomeAndWhetherTheMailboxIsGone(_ line: String, _ outcome: DeliveryOutcome, _ gone: Bool) throws {
    try enqueue(["x@example.com"])
    let results = ResultLog()
    _ = deliverer(MemoryRelay { _ in Self.reply(line) }).deliverDue { results.append($0) }
    let result = try #require(results.all.first)
    #expect(result.outcome == outcome)
    #expect(result.mailboxGone == gone)
    #expect(result.detail == line)
    #expect(try outbox.message(id: result.message.id).message.attempts.last?.reply == line)
  }

  @Test func aMessageDeferredPastTheQueueLifetimeFailsAndSaysSo() throws {
    try enqueue(["old@example.com"], created: Date().addingTimeInterval(-6 * 86_400))
    let results = ResultLog()
    let report = deliverer(MemoryRelay { _ in Self.reply("451 4.3.0 Temporary lookup failure") }).deliverDue { results.append($0) }
    #expect(report.failed == 1 && report.deferred == 0)
    let result = try #require(results.all.first)
    #expect(result.outcome == .failed && !result.mailboxGone)
    #expect(result.reason == "gave up after 5 days in the queue; last: 451 4.3.0 Temporary lookup failure")
    #expect(try outbox.counts().byState[.failed] == 1)
  }

  @Test(arguments: [(age: 60.0, wait: 300.0), (age: 1800, wait: 1800), (age: 7200, wait: 4020)])
  func aDeferredMessageWaitsAsLongAsItIsOldWithinTheBounds(_ age: TimeInterval, _ wait: TimeInterval) throws {
    try enqueue(["later@example.com"], created: Date().addingTimeInterval(-age))
    let before = Date()
    _ = deliverer(MemoryRelay { _ in Self.reply("450 4.2.0 Try later") }).deliverDue()
    let next = try #require(try outbox.nextDeferredAttempt())
    #expect(abs(next.timeIntervalSince(before) - wait) < 5, "waits \(next.timeIntervalSince(before)) s")
    // Not due again now: a second run sends nothing.
    #expect(deliverer(MemoryRelay()).deliverDue() == Deliverer.Report())
  }

  @Test func reasonsAreCountedOncePerMessageAndGroupAcrossRecipients() throws {
    try enqueue((0..<6).map { "reader\($0)@example.com" })
    let relay = MemoryRelay { recipient in
      recipient.hasPrefix("reader0") || recipient.hasPrefix("reader1") ? Self.reply("550 5.1.1 <\(recipient)>: User unknown")
        : .noReply(TransportFailure(.refused, detail: "Couldn't connect to server"))
    }
    let report = deliverer(relay, pauseAfter: 100).deliverDue()
    #expect(report.reasons(for: .failed).map { "\($0.reason): \($0.count)" } == ["550 5.1.1 <…>: User unknown: 2"])
    #expect(report.reasons(for: .deferred).map { "\($0.reason): \($0.count)" } == ["the relay refused the connection: 4"])
  }

  @Test func stoppingLeavesNothingClaimed() throws {
    try enqueue((0..<50).map { "reader\($0)@example.com" })
    let box = DelivererBox()
    let relay = MemoryRelay { _ in
      if box.sent.add(1, ordering: .relaxed).newValue == 10 { box.deliverer?.stop() }
      return Self.reply("250 2.0.0 Ok")
    }
    let deliverer = deliverer(relay, connections: 3)
    box.deliverer = deliverer
    let report = deliverer.deliverDue()
    #expect(report.sent >= 10 && report.sent < 50)
    let counts = try outbox.counts().byState
    #expect(counts[.active] == 0 && counts[.sent] == report.sent && counts[.queue] == 50 - report.sent)
  }
}

import Synchronization

/// The deliverer a relay's answer can stop.
final class DelivererBox: @unchecked Sendable {
  var deliverer: Deliverer?
  let sent = Atomic<Int>(0)
}
