import Foundation
import GRDB
import HeraldCore
import HeraldMail
import Testing

@testable import HeraldStore

/// The reports' figures are kept as rows are written (triggers on the delivery log, the
/// inbox and forgetting), and must agree with counting the rows: the scanning query the
/// report used before, kept here only as the oracle.
struct ReportTallyTests {
  static let release = "2020-03-31-report"
  static let campaigns: [CampaignID] = ["2020-03-31-report-1000", "2020-03-31-report-2000", "2020-03-31-report-correction-3000"]
  static let replies: [(DeliveryOutcome, String)] = [
    (.sent, "250 2.0.0 Ok: queued"), (.sent, "250 Ok"),
    (.deferred, "451 4.2.2 <x@example.org>: mailbox full"), (.deferred, "421 4.4.2 connection timed out"),
    (.deferred, "450 4.7.1 Client host rejected: greylisted, try again later"),
    (.failed, "550 5.1.1 <x@example.org>: Recipient address rejected: User unknown"),
    (.failed, "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"), (.failed, "552 5.2.2 Mailbox full"),
    (.failed, "550 gave up after 5 days"),
  ]

  func path() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("herald-report-\(UUID().uuidString).sqlite").path
  }

  /// A store with readers at three domains.
  func store(readers: Int = 24) throws -> (SubscriberStore, [SubscriberID], [String]) {
    let store = try SubscriberStore(path: path())
    _ = try store.createList(name: "press")
    var ids: [SubscriberID] = []
    var emails: [String] = []
    let domains = ["example.org", "example.com", "mail.test"]
    for index in 0..<readers {
      let email = "reader\(index)@\(domains[index % domains.count])"
      try store.addSubscriber(email: email, list: "press", source: .commandLine("test"))
      ids.append(try #require(try store.subscriber(address: email)).id)
      emails.append(email)
    }
    return (store, ids, emails)
  }

  /// A random history of attempts (deferred → sent, deferred → failed, retries, several
  /// campaigns and a correction, languages), recorded in batches of random sizes.
  func recordHistory(_ store: SubscriberStore, _ ids: [SubscriberID], seed: UInt64, attempts: Int = 500) throws {
    var random = SplitMix64(seed: seed)
    var records: [SubscriberStore.DeliveryRecord] = []
    for index in 0..<attempts {
      let (outcome, reply) = Self.replies.randomElement(using: &random)!
      let language = [nil, "en", "ru"].randomElement(using: &random)!
      records.append(.init(
        subscriber: ids.randomElement(using: &random)!, campaign: Self.campaigns.randomElement(using: &random)!, list: "press",
        language: language, outcome: outcome, reply: reply, at: Date(timeIntervalSince1970: 1_800_000_000 + Double(index) * 97)))
    }
    var start = 0
    while start < records.count {
      let end = min(records.count, start + Int.random(in: 1...90, using: &random))
      try store.recordDeliveries(Array(records[start..<end]))
      start = end
    }
  }

  @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
  func tallyFiguresEqualTheScanningOracleOnRandomHistories(seed: UInt64) throws {
    let (store, ids, emails) = try store()
    try recordHistory(store, ids, seed: seed)
    let forgets = seed % 2 == 0
    if forgets {
      // Forgetting a subscriber takes their attempts out of the figures.
      try store.forget(email: emails[1])
      try store.forget(email: emails[5])
      try recordHistory(store, Array(ids.dropFirst(6)), seed: seed + 100, attempts: 120)
    }
    for release in [Self.release, Self.release + "-correction"] {
      let oracle = try ScanningOracle(store, release: release)
      let figures = try store.releaseFigures(release)
      oracle.expectEqual(figures, hours: !forgets)
      if !forgets { #expect(figures.campaigns == oracle.campaigns) }
    }
    for campaign in Self.campaigns {
      let oracle = try ScanningOracle(store, release: campaign.releaseKey, campaign: campaign.rawValue)
      let figures = try store.releaseFigures(campaign.releaseKey, campaign: campaign)
      oracle.expectEqual(figures, hours: !forgets)
    }
  }

  @Test func theBackfillFromExistingRowsEqualsTheTalliesKeptAsTheyHappened() throws {
    let (store, ids, _) = try store()
    try recordHistory(store, ids, seed: 42)
    let kept = try store.releaseFigures(Self.release)
    let keptCampaign = try store.releaseFigures(Self.release, campaign: Self.campaigns[0])
    // As before the migration: no tallies, no reasons; then the migration's filling.
    try store.write { db in
      try db.execute(sql: "DELETE FROM report_tally; DELETE FROM report_last; UPDATE delivery SET reason = NULL")
      try ReportTallies.fill(in: db)
    }
    #expect(try store.releaseFigures(Self.release) == kept)
    #expect(try store.releaseFigures(Self.release, campaign: Self.campaigns[0]) == keptCampaign)
    try ScanningOracle(store, release: Self.release).expectEqual(kept, hours: true)
  }

  @Test func theMigrationFillsTheTalliesFromAStoreWrittenBeforeIt() throws {
    let path = path()
    // A store as the version before the reports left it, with deliveries and received mail.
    let queue = try DatabaseQueue(path: path)
    try Migrations.migrator.migrate(queue, upTo: "desk: sends")
    try queue.write { db in
      for index in 0..<6 {
        try db.execute(
          sql: "INSERT INTO subscriber (id, email, email_key, domain, created_at) VALUES (?, ?, ?, ?, 0)",
          arguments: [index + 1, "r\(index)@example.org", "r\(index)@example.org", index < 4 ? "example.org" : "example.com"])
      }
      let attempts: [(Int, String, String, String?)] = [
        (1, "deferred", "451 4.2.2 mailbox full", "en"), (1, "sent", "250 Ok", "en"), (2, "failed", "550 5.1.1 User unknown", "ru"),
        (3, "deferred", "421 4.4.2 timeout", nil), (4, "failed", "554 5.7.1 blocked using Spamhaus", "en"), (5, "sent", "250 Ok", "ru"),
        (3, "deferred", "451 4.2.2 mailbox full", nil), (6, "deferred", "451 4.7.1 greylisted", "en"), (6, "failed", "550 gave up", "en"),
      ]
      for (index, attempt) in attempts.enumerated() {
        try db.execute(
          sql: "INSERT INTO delivery (subscriber_id, release, campaign, list_name, outcome, reply, at, language) VALUES (?, ?, ?, 'press', ?, ?, ?, ?)",
          arguments: [attempt.0, Self.release, index % 2 == 0 ? Self.campaigns[0].rawValue : Self.campaigns[1].rawValue, attempt.1, attempt.2,
            1_800_000_000 + Double(index) * 1800, attempt.3])
      }
      let bounce = #"{"format":"RFC 3464","recipients":[{"action":"failed","address":"r0@example.org","blamesSender":false,"status":"5.2.2"}]}"#
      for (index, kind) in ["bounce", "complaint", "unsubscribe", "auto-reply", "auto-reply"].enumerated() {
        try db.execute(
          sql: """
            INSERT INTO inbound (digest, received_at, imported_at, origin, class, reason, release, raw_file, details)
            VALUES (?, 0, 0, 'test', ?, 'test', ?, 'x.eml', ?)
            """, arguments: ["d\(index)", kind, Self.release, kind == "bounce" ? bounce : nil])
      }
    }
    try queue.close()
    let store = try SubscriberStore(path: path)
    let figures = try store.releaseFigures(Self.release)
    try ScanningOracle(store, release: Self.release).expectEqual(figures, hours: true)
    #expect(figures.sent == 2 && figures.deferred == 1 && figures.failed == 3)
    #expect(figures.complained == 1 && figures.unsubscribed == 1 && figures.autoReplies == 2)
    let byReason = Dictionary(uniqueKeysWithValues: figures.bounces.map { ($0.reason, ($0.refused, $0.returned)) })
    #expect(byReason[.mailboxGone]! == (1, 0))
    #expect(byReason[.policy]! == (1, 0))
    #expect(byReason[.other]! == (1, 0))
    #expect(byReason[.mailboxFull]! == (0, 1))
    #expect(figures.bounced == 4)
    // The tallies go on from there.
    try store.recordDeliveries([.init(subscriber: SubscriberID(rawValue: 3), campaign: Self.campaigns[0], list: "press", outcome: .sent, reply: "250 Ok")])
    #expect(try store.releaseFigures(Self.release).sent == 3)
  }

  @Test func eachCampaignCountsItsOwnRecipientsAndTheReleaseEachSubscribersLastAttempt() throws {
    let (store, ids, _) = try store(readers: 3)
    try store.recordDeliveries([
      .init(subscriber: ids[0], campaign: Self.campaigns[0], list: "press", outcome: .deferred, reply: "451 4.2.2 full", at: Date(timeIntervalSince1970: 100)),
      .init(subscriber: ids[1], campaign: Self.campaigns[0], list: "press", outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: 100)),
      // A second campaign of the release reaches the first reader.
      .init(subscriber: ids[0], campaign: Self.campaigns[1], list: "press", outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: 7300)),
      .init(subscriber: ids[2], campaign: Self.campaigns[1], list: "press", outcome: .failed, reply: "550 5.1.1 unknown", at: Date(timeIntervalSince1970: 7300)),
    ])
    let first = try store.releaseFigures(Self.release, campaign: Self.campaigns[0])
    #expect((first.sent, first.deferred, first.failed) == (1, 1, 0))
    let second = try store.releaseFigures(Self.release, campaign: Self.campaigns[1])
    #expect((second.sent, second.deferred, second.failed) == (1, 0, 1))
    let release = try store.releaseFigures(Self.release)
    #expect((release.sent, release.deferred, release.failed) == (2, 0, 1))
    #expect(release.campaigns == Self.campaigns.prefix(2).map(\.rawValue))
    // Attempts per hour: the deferral and the success both show, at their hours.
    #expect(release.hours.map { [$0.sent, $0.deferred, $0.failed] } == [[1, 1, 0], [1, 0, 1]])
    #expect(release.hours.map(\.start) == [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 7200)])
    // An unknown campaign has no campaigns and nothing counted.
    #expect(try store.releaseFigures(Self.release, campaign: "2020-03-31-report-9").campaigns.isEmpty)
  }

  @Test func bouncesAreCountedByReasonFromTheRelaysRepliesAndFromTheInbox() throws {
    let (store, ids, _) = try store(readers: 4)
    try store.recordDeliveries([
      .init(subscriber: ids[0], campaign: Self.campaigns[0], list: "press", outcome: .failed, reply: "550 5.1.1 <a@example.org>: User unknown"),
      .init(subscriber: ids[1], campaign: Self.campaigns[0], list: "press", outcome: .failed, reply: "552 5.2.2 Mailbox full"),
      .init(subscriber: ids[2], campaign: Self.campaigns[0], list: "press", outcome: .failed, reply: "554 5.7.1 blocked using Spamhaus"),
      .init(subscriber: ids[3], campaign: Self.campaigns[0], list: "press", outcome: .sent, reply: "250 Ok"),
    ])
    func bounce(_ status: String, _ diagnostic: String) -> InboundRecord {
      let details = #"{"format":"RFC 3464","recipients":[{"action":"failed","address":"x@example.org","blamesSender":false,"diagnostic":"\#(diagnostic)","status":"\#(status)"}]}"#
      return InboundRecord(
        messageID: nil, digest: UUID().uuidString, receivedAt: Date(), origin: "test", fromAddress: "mailer-daemon@example.org", fromName: nil,
        subject: "Undelivered", kind: .bounce, reason: "test", release: Self.release, subscriber: nil, rawFile: "x.eml", details: details)
    }
    _ = try store.recordInbound(bounce("5.1.1", "550 5.1.1 no such user")) { _ in }
    _ = try store.recordInbound(bounce("5.2.2", "552 mailbox over quota")) { _ in }
    let wrong = try store.recordInbound(bounce("5.7.1", "550 5.7.1 rejected by policy")) { _ in }
    var figures = try store.releaseFigures(Self.release)
    var byReason = Dictionary(uniqueKeysWithValues: figures.bounces.map { ($0.reason, [$0.refused, $0.returned]) })
    #expect(byReason == [.mailboxGone: [1, 1], .mailboxFull: [1, 1], .policy: [1, 1], .other: [0, 0]])
    #expect(figures.bounced == 6)
    // A bounce corrected to an automatic reply leaves the bounces and counts as one.
    _ = try store.reclassifyInbound(wrong.id, as: .autoReply, reason: "corrected", details: nil, source: .commandLine("test")) { _ in }
    figures = try store.releaseFigures(Self.release)
    byReason = Dictionary(uniqueKeysWithValues: figures.bounces.map { ($0.reason, [$0.refused, $0.returned]) })
    #expect(byReason[.policy] == [1, 0])
    #expect(figures.autoReplies == 1 && figures.bounced == 5)
  }

  @Test func theReportsQueriesReadIndexesAndNeverTheDeliveryLog() throws {
    let (store, ids, _) = try store(readers: 3)
    try recordHistory(store, ids, seed: 7, attempts: 50)
    let sql = SubscriberStore.reportSQL
    for query in [sql.tallies, sql.campaignKnown, sql.campaigns, sql.inquiries, sql.headlines, sql.headlineInquiries] {
      let arguments: StatementArguments = query.contains("?") ? (query.components(separatedBy: "?").count == 3 ? [Self.release, ""] : [Self.release]) : []
      let plan = try store.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query, arguments: arguments).map { $0["detail"] as String } }
      #expect(!plan.contains { $0.contains("delivery") }, "\(query): \(plan)")
      // Every table is searched by a key or read through an index, never scanned row by row.
      #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") || $0.contains("INDEX") || $0 == "SCAN CONSTANT ROW" }, "\(query): \(plan)")
    }
  }

  @Test func theMedianTimeToTheFirstAnswerIsTheMiddleOfTheAnsweredInquiries() {
    #expect(SubscriberStore.median([]) == nil)
    #expect(SubscriberStore.median([300]) == 300)
    #expect(SubscriberStore.median([900, 60, 300]) == 300)
    #expect(SubscriberStore.median([60, 7200, 300, 900]) == 600)
  }

  @Test func theListOfReportsHasEveryReleaseWithItsHeadlineFiguresMostRecentlySentFirst() throws {
    let (store, ids, _) = try store(readers: 2)
    try store.recordDeliveries([
      .init(subscriber: ids[0], campaign: "2020-01-01-old-1", list: "press", outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: 3600)),
      .init(subscriber: ids[0], campaign: Self.campaigns[0], list: "press", outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: 36000)),
      .init(subscriber: ids[1], campaign: Self.campaigns[0], list: "press", outcome: .failed, reply: "550 5.1.1 unknown", at: Date(timeIntervalSince1970: 36000)),
    ])
    let headlines = try store.releaseHeadlines()
    #expect(headlines.map(\.release) == [Self.release, "2020-01-01-old"])
    #expect(headlines.first.map { [$0.sent, $0.failed, $0.bounced] } == [1, 1, 1])
    #expect(headlines.first?.lastAttempt == Date(timeIntervalSince1970: 36000))
  }
}

/// The figures counted from the rows: the query the report ran on every request before the
/// tallies (each subscriber's last attempt by the highest id), for one release or campaign.
struct ScanningOracle {
  var campaigns: [String] = []
  var outcomes: [String: Int] = [:]
  var languages: [String: [String: Int]] = [:]
  var domains: [String: [String: Int]] = [:]
  var failedReasons: [BounceReason: Int] = [:]
  var inbound: [String: Int] = [:]
  var hours: [Int: [String: Int]] = [:]

  private init() {}

  init(_ store: SubscriberStore, release: String, campaign: String? = nil) throws {
    let (column, value) = campaign.map { ("campaign", $0) } ?? ("release", release)
    self = try store.read { db in
      var oracle = ScanningOracle()
      oracle.campaigns = try String.fetchAll(db, sql: "SELECT DISTINCT campaign FROM delivery WHERE \(column) = ? ORDER BY campaign", arguments: [value])
      let last = try Row.fetchAll(db, sql: """
        SELECT d.outcome, d.language, s.domain, d.reply FROM delivery d
        JOIN (SELECT subscriber_id, MAX(id) AS last FROM delivery WHERE \(column) = ? GROUP BY subscriber_id) l ON l.last = d.id
        JOIN subscriber s ON s.id = d.subscriber_id
        """, arguments: [value])
      for row in last {
        let outcome: String = row[0]
        oracle.outcomes[outcome, default: 0] += 1
        if let language = row[1] as String? { oracle.languages[language, default: [:]][outcome, default: 0] += 1 }
        oracle.domains[row[2] as String, default: [:]][outcome, default: 0] += 1
        if outcome == "failed" { oracle.failedReasons[BounceReason.classify(text: row[3]), default: 0] += 1 }
      }
      for row in try Row.fetchAll(db, sql: "SELECT at, outcome FROM delivery WHERE \(column) = ?", arguments: [value]) {
        oracle.hours[Int((row[0] as Double) / 3600), default: [:]][row[1] as String, default: 0] += 1
      }
      if campaign == nil {
        for row in try Row.fetchAll(db, sql: "SELECT class, COUNT(*) FROM inbound WHERE release = ? GROUP BY class", arguments: [release]) {
          oracle.inbound[row[0]] = row[1]
        }
      }
      return oracle
    }
  }

  /// Expects the tallies' figures to be the oracle's.
  func expectEqual(_ figures: SubscriberStore.ReleaseFigures, hours compareHours: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(figures.sent == outcomes["sent", default: 0], sourceLocation: sourceLocation)
    #expect(figures.deferred == outcomes["deferred", default: 0], sourceLocation: sourceLocation)
    #expect(figures.failed == outcomes["failed", default: 0], sourceLocation: sourceLocation)
    let languages = Dictionary(uniqueKeysWithValues: figures.languages.map {
      ($0.language, ["sent": $0.sent, "deferred": $0.deferred, "failed": $0.failed].filter { $0.value > 0 })
    })
    #expect(languages == self.languages, sourceLocation: sourceLocation)
    #expect(figures.domainCount == domains.count, sourceLocation: sourceLocation)
    for domain in figures.domains {
      #expect(["sent": domain.sent, "deferred": domain.deferred, "failed": domain.failed].filter { $0.value > 0 } == domains[domain.domain],
        "\(domain.domain)", sourceLocation: sourceLocation)
    }
    #expect(Dictionary(uniqueKeysWithValues: figures.bounces.filter { $0.refused > 0 }.map { ($0.reason, $0.refused) }) == failedReasons,
      sourceLocation: sourceLocation)
    if figures.campaign == nil {
      #expect(figures.complained == inbound["complaint", default: 0], sourceLocation: sourceLocation)
      #expect(figures.unsubscribed == inbound["unsubscribe", default: 0], sourceLocation: sourceLocation)
      #expect(figures.autoReplies == inbound["auto-reply", default: 0], sourceLocation: sourceLocation)
    }
    if compareHours {
      let hours = Dictionary(uniqueKeysWithValues: figures.hours.map {
        (Int($0.start.timeIntervalSince1970 / 3600), ["sent": $0.sent, "deferred": $0.deferred, "failed": $0.failed].filter { $0.value > 0 })
      })
      #expect(hours == self.hours, sourceLocation: sourceLocation)
    }
  }
}

/// A seeded generator: the same history for the same seed, on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
