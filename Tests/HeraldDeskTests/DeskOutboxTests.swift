import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

struct DeskOutboxTests {
  /// Writes messages of a campaign to the fixture's Outbox; `deferred` of them are tried and
  /// deferred with `replies` in turn (the relay's answers to different recipients).
  @discardableResult
  static func enqueue(
    _ fixture: DeskFixture, campaign: CampaignID, count: Int, deferred: Int = 0, replies: [String] = []
  ) throws -> [OutboxMessage] {
    // The Outbox goes by the real clock (a message dated later waits in deferred/ for its time).
    let now = Date()
    let outbox = fixture.mailroom.outbox
    let messages = (0..<count).map { index in
      OutboxMessage(
        campaign: campaign, sender: "press@example.org", recipient: "reader\(index)@example.com", created: now - 60, nextAttempt: now - 60,
        bytes: Array("Subject: x\r\n\r\nx\r\n".utf8))
    }
    try outbox.enqueue(messages)
    if deferred > 0 {
      for (index, message) in try outbox.claim(limit: deferred, now: now).enumerated() {
        _ = try outbox.markDeferred(message, reply: replies[index % replies.count], retryAt: now + 300 + Double(index), at: now)
      }
      try outbox.flushResults()
    }
    return messages
  }

  @Test func deferralsAreGroupedByTheRelaysReplyWithoutWhatIsParticularToOneMessage() throws {
    let fixture = try DeskFixture()
    try Self.enqueue(
      fixture, campaign: "2027-01-15-report", count: 5, deferred: 4,
      replies: [
        "451 4.7.1 <reader0@example.com>: Greylisted, try again later", "451 4.7.1 <reader1@example.com>: Greylisted, try again later",
        "452 4.2.2 Mailbox full", "451 4.7.1 <reader3@example.com>: Greylisted, try again later",
      ])
    let now = Date()
    let overview = try fixture.mailroom.outboxOverview(now: now)
    #expect(overview.byState[.deferred] == 4)
    #expect(overview.byState[.queued] == 1)
    #expect(overview.byCampaign["2027-01-15-report"]?[.deferred] == 4)
    #expect(overview.deferredReasons.map(\.count) == [3, 1])
    #expect(overview.deferredReasons.first?.reply.hasPrefix("451 4.7.1 <…>: Greylisted") == true)
    let next = try #require(overview.deferredReasons.first?.nextRetry)
    #expect(abs(next.timeIntervalSince(now + 300)) < 5)
    #expect(overview.deferredReasons.last?.reply == "452 4.2.2 Mailbox full")
  }

  @Test(arguments: DeskRole.allCases)
  func everyRoleSeesTheOutboxAndOnlySendersAct(role: DeskRole) async throws {
    let fixture = try DeskFixture()
    let messages = try Self.enqueue(fixture, campaign: "2027-01-15-report", count: 3)
    let target = messages[0].id
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      let page = try await client.execute(uri: "/outbox", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("reader0@example.com"))
      #expect(page.headers[.cacheControl] == "no-store")
      // A message never tried shows no empty reply nor next try.
      #expect(!page.text.contains("<code></code>"))
      #expect(page.text.contains("action=\"/outbox/hold\"") == role.allows(.sender))
      let hold = try await client.post("/outbox/hold", browser, [("message", target)])
      if role.allows(.sender) {
        #expect(hold.status == .seeOther)
        #expect(try fixture.mailroom.outbox.message(id: target).state == .hold)
        #expect(try await client.post("/outbox/release", browser, [("message", target)]).status == .seeOther)
        #expect(try fixture.mailroom.outbox.message(id: target).state == .queue)
        #expect(try await client.post("/outbox/hold", browser, [("campaign", "2027-01-15-report")]).status == .seeOther)
        #expect(try fixture.mailroom.outbox.counts().byState[.hold] == 3)
        #expect(try await client.post("/outbox/release", browser, [("campaign", "2027-01-15-report")]).status == .seeOther)
        #expect(try fixture.mailroom.outbox.counts().byState[.queue] == 3)
      } else {
        #expect(hold.status == .forbidden)
        #expect(try fixture.mailroom.outbox.message(id: target).state == .queue)
        for (path, fields) in [("/outbox/release", [("campaign", "2027-01-15-report")]), ("/outbox/retry", [("all", "1")]), ("/outbox/purge", [("state", "sent"), ("days", "1")])] {
          #expect(try await client.post(path, browser, fields).status == .forbidden, "\(path)")
        }
        #expect(try fixture.mailroom.outbox.counts().byState[.queue] == 3)
      }
    }
    let recorded = try fixture.mailroom.store.auditEntries(AuditFilter(action: .outboxHold))
    if role.allows(.sender) {
      #expect(recorded.map(\.target) == ["campaign 2027-01-15-report", "message \(target)"])
      #expect(recorded.first?.detail == "3 held")
      #expect(recorded.allSatisfy { $0.outcome == .done && $0.actor.name == "The \(role)" })
    } else {
      #expect(recorded.map(\.outcome) == [.refused])
    }
  }

  @Test func retryMakesDeferredMessagesDueAndPurgeDeletesOnlyOldFinishedOnes() async throws {
    let fixture = try DeskFixture()
    let messages = try Self.enqueue(fixture, campaign: "2027-01-15-report", count: 2, deferred: 2, replies: ["451 4.3.0 Try later"])
    try await fixture.test { client in
      let sender = try await client.signIn("sender@example.org")
      #expect(try await client.post("/outbox/retry", sender, [("message", messages[0].id)]).status == .seeOther)
      #expect(try fixture.mailroom.outbox.message(id: messages[0].id).state == .queue)
      #expect(try await client.post("/outbox/retry", sender, [("all", "1")]).status == .seeOther)
      #expect(try fixture.mailroom.outbox.counts().byState[.queue] == 2)
      // Not a state that can be retried any more: said beside the form, nothing moved.
      let again = try await client.post("/outbox/retry", sender, [("message", messages[0].id)])
      #expect(again.status == .unprocessableContent)
      #expect(again.text.contains("no longer there"))
      let purge = try await client.post("/outbox/purge", sender, [("state", "queue"), ("days", "1")])
      #expect(purge.status == .unprocessableContent)
      #expect(try fixture.mailroom.outbox.counts().byState[.queue] == 2)
    }
  }

  @Test func aPageOfMessagesIsFilteredByStateAndCampaign() throws {
    let fixture = try DeskFixture()
    try Self.enqueue(fixture, campaign: "2027-01-15-report", count: 3, deferred: 1, replies: ["451 4.3.0 Try later"])
    try Self.enqueue(fixture, campaign: "2027-01-16-other", count: 2)
    let deferred = try fixture.mailroom.outboxListing(state: .deferred, campaign: nil, after: nil, limit: 10)
    #expect(deferred.messages.count == 1)
    #expect(deferred.messages.first?.lastReply == "451 4.3.0 Try later")
    let other = try fixture.mailroom.outboxListing(state: nil, campaign: "2027-01-16-other", after: nil, limit: 1)
    #expect(other.messages.count == 1 && other.more)
    let next = try fixture.mailroom.outboxListing(state: nil, campaign: "2027-01-16-other", after: other.messages[0].id, limit: 1)
    #expect(next.messages.count == 1 && !next.more)
    #expect(next.messages[0].id != other.messages[0].id)
  }

  /// The figures of the README: how long listing the Outbox and making the Outbox page's
  /// figures take with 20,000 messages (HERALD_OUTBOX_BENCH=1 swift test --filter DeskOutboxTests).
  @Test(.enabled(if: ProcessInfo.processInfo.environment["HERALD_OUTBOX_BENCH"] != nil))
  func measuresTheOutboxWithTwentyThousandMessages() throws {
    let fixture = try DeskFixture()
    let outbox = fixture.mailroom.outbox
    let now = Date()
    let body = Array(String(repeating: "x", count: 8_000).utf8)
    let messages = (0..<20_000).map { index in
      OutboxMessage(campaign: "2027-01-15-report", sender: "press@example.org", recipient: "reader\(index)@example.com", created: now - 60, nextAttempt: now - 60, bytes: body)
    }
    try outbox.enqueue(messages)
    for (index, message) in try outbox.claim(limit: 2_000, now: now).enumerated() {
      _ = try outbox.markDeferred(message, reply: "451 4.7.1 <reader\(index)@example.com>: Greylisted", retryAt: now + 300, at: now)
    }
    try outbox.flushResults()
    func time(_ label: String, _ body: () throws -> Void) rethrows {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      print("\(label): \((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) ms")
    }
    try time("outbox.list() of 20,000") { _ = try outbox.list() }
    try time("outbox.counts() of 20,000") { _ = try outbox.counts() }
    try time("outboxOverview, first (reads every header)") { _ = try fixture.mailroom.outboxOverview(now: now) }
    try time("outboxOverview, again (2,000 deferred read whole)") { _ = try fixture.mailroom.outboxOverview(now: now) }
    try time("outboxListing, a page of 50") { _ = try fixture.mailroom.outboxListing(state: nil, campaign: nil, after: nil, limit: 50) }
    try time("progress(of:) of the campaign") { _ = try fixture.mailroom.progress(of: "2027-01-15-report", now: now) }
  }
}
