import Foundation
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// The reports in the desk: every release's headline figures, a release's and a campaign's
/// report with charts and tables, the same numbers as CSV and from `herald report --json`.
struct DeskReportTests {
  static let file = "2020-03-31-water-report.md"
  static let slug = "2020-03-31-water-report"
  static let campaign: CampaignID = "2020-03-31-water-report-1800000000"
  static let second: CampaignID = "2020-03-31-water-report-1800090000"
  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  /// The sample workspace's release sent to readers at three domains in two languages, with
  /// what came back: a bounce, a complaint, an automatic reply and two inquiries (one answered).
  static func sentFixture() throws -> DeskFixture {
    let fixture = try DeskFixture()
    let store = fixture.mailroom.store
    _ = try store.createList(name: "reporters")
    var ids: [SubscriberID] = []
    for (index, domain) in ["example.org", "example.com", "example.org", "mail.test", "example.org", "example.com"].enumerated() {
      let email = "reader\(index)@\(domain)"
      try store.addSubscriber(email: email, list: "reporters", source: .commandLine("test"))
      ids.append(try #require(try store.subscriber(address: email)).id)
    }
    func attempt(_ index: Int, _ outcome: DeliveryOutcome, _ reply: String, after seconds: TimeInterval, campaign: CampaignID = Self.campaign)
      -> SubscriberStore.DeliveryRecord
    {
      .init(subscriber: ids[index], campaign: campaign, list: "reporters", language: index % 2 == 0 ? "en" : "ru", outcome: outcome, reply: reply,
        at: start.addingTimeInterval(seconds))
    }
    try store.recordDeliveries([
      attempt(0, .sent, "250 2.0.0 Ok", after: 10), attempt(1, .deferred, "451 4.2.2 mailbox full", after: 10),
      attempt(2, .failed, "550 5.1.1 User unknown", after: 20), attempt(3, .deferred, "421 4.4.2 timed out", after: 30),
      attempt(4, .sent, "250 Ok", after: 40), attempt(5, .failed, "554 5.7.1 blocked using Spamhaus", after: 50),
      attempt(1, .sent, "250 Ok", after: 3700), attempt(3, .deferred, "421 4.4.2 timed out", after: 7300),
      attempt(0, .sent, "250 Ok", after: 90000, campaign: second),
    ])
    func inbound(_ kind: InboundClass, details: String? = nil) -> InboundRecord {
      InboundRecord(
        messageID: nil, digest: UUID().uuidString, receivedAt: start.addingTimeInterval(600), origin: "test", fromAddress: "reader0@example.org",
        fromName: "Reader", subject: "Re: water", kind: kind, reason: "test", release: slug, subscriber: nil, rawFile: "x.eml", details: details)
    }
    _ = try store.recordInbound(inbound(.bounce, details: #"{"format":"RFC 3464","recipients":[{"action":"failed","address":"reader4@example.org","blamesSender":false,"status":"5.2.2"}]}"#)) { _ in }
    _ = try store.recordInbound(inbound(.complaint)) { _ in }
    _ = try store.recordInbound(inbound(.autoReply)) { _ in }
    var inquiries: [Int64] = []
    for (index, day) in [0.0, 2.0].enumerated() {
      _ = try store.recordInbound(inbound(.inquiry)) { changes in
        inquiries.append(try SubscriberStore.addToInquiry(
          .init(fromAddress: "reader\(index)@example.org", fromName: "Reader", subject: "Leaks", release: slug, messageID: "q\(index)@example.org",
            answers: [], text: "How many cities?", attachments: [], at: start.addingTimeInterval(day * 86400)), inbound: changes.inbound, changes: &changes))
      }
    }
    _ = try store.recordInquiryReply(inquiries[0], messageID: "a0@example.org", text: "48.", by: "editor", at: start.addingTimeInterval(5400))
    return fixture
  }

  static let pages = [
    "/reports", "/releases/\(file)/report", "/releases/\(file)/report.csv", "/campaigns/\(campaign)/report", "/campaigns/\(campaign)/report.csv",
  ]

  @Test(arguments: DeskRole.allCases)
  func everyReportAnswersEveryRoleSignedIn(role: DeskRole) async throws {
    let fixture = try Self.sentFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      for page in Self.pages {
        let response = try await client.execute(uri: page, method: .get, headers: browser.headers())
        #expect(response.status == .ok, "\(role) \(page): \(response.status)")
      }
    }
  }

  @Test func withoutASessionEveryReportRedirectsToSignIn() async throws {
    let fixture = try Self.sentFixture()
    try await fixture.test { client in
      for page in Self.pages {
        let response = try await client.execute(uri: page, method: .get, headers: [:])
        #expect(response.status == .seeOther, "\(page)")
        #expect(response.headers[.location]?.hasPrefix("/sign-in") == true, "\(page)")
        #expect(!response.text.contains("reader"))
      }
    }
  }

  @Test func anUnknownReleaseOrCampaignIsNotFound() async throws {
    let fixture = try Self.sentFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for page in [
        "/releases/nothing-here.md/report", "/releases/nothing-here.md/report.csv", "/releases/..%2Fherald.yml/report",
        "/campaigns/2020-03-31-water-report-1/report", "/campaigns/2020-03-31-water-report-1/report.csv", "/campaigns/_confirmation-1800000000/report",
      ] {
        let response = try await client.execute(uri: page, method: .get, headers: browser.headers())
        #expect(response.status == .notFound, "\(page): \(response.status)")
      }
    }
  }

  @Test func theReleaseReportShowsItsFiguresChartsAndTheirTables() async throws {
    let fixture = try Self.sentFixture()
    let figures = try fixture.mailroom.store.releaseFigures(Self.slug)
    // Last attempts: 0, 1, 4 sent; 3 deferred; 2, 5 failed. The bounce in the inbox adds one.
    #expect((figures.sent, figures.deferred, figures.failed, figures.bounced) == (3, 1, 2, 3))
    #expect((figures.complained, figures.autoReplies, figures.inquiries, figures.answered) == (1, 1, 2, 1))
    #expect(figures.medianFirstAnswer == 5400)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/releases/\(Self.file)/report", method: .get, headers: browser.headers()).text
      for chart in ["chart-deliveries", "chart-bounces", "chart-inquiries"] {
        #expect(page.contains("role=\"img\" aria-labelledby=\"\(chart)-title \(chart)-desc\""), "\(chart)")
      }
      #expect(page.contains("<dt>Sent</dt><dd>3</dd>") && page.contains("<dt>Failed</dt><dd>2</dd>") && page.contains("<dt>Bounced</dt><dd>3</dd>"))
      #expect(page.contains("<dt>Median time to the first answer</dt><dd>1 h 30 min</dd>"))
      // The text equivalents: bounces by reason, the domains with their deferrals, languages.
      #expect(page.contains("<tr><th scope=\"row\">Mailbox gone</th><td>1</td><td>0</td><td>1</td></tr>"))
      #expect(page.contains("<tr><th scope=\"row\">Mailbox full</th><td>0</td><td>1</td><td>1</td></tr>"))
      #expect(page.contains("<tr><th scope=\"row\">mail.test</th><td>0</td><td><strong>1</strong></td><td>0</td><td>Other 1</td></tr>"))
      #expect(page.contains("<th scope=\"row\">русский (ru)</th>") || page.contains("(ru)</th>"))
      // Its campaigns, each with its own report.
      #expect(page.contains("href=\"/campaigns/\(Self.campaign)/report\""))
      #expect(page.contains("href=\"/releases/\(Self.file)/report.csv\""))
      let list = try await client.execute(uri: "/reports", method: .get, headers: browser.headers()).text
      #expect(list.contains("href=\"/releases/\(Self.file)/report\""))
      let overview = try await client.execute(uri: "/releases/\(Self.file)", method: .get, headers: browser.headers()).text
      #expect(overview.contains("href=\"/releases/\(Self.file)/report\""))
    }
  }

  @Test func aCampaignsReportCountsItsOwnDeliveries() async throws {
    let fixture = try Self.sentFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let csv = try await client.execute(uri: "/campaigns/\(Self.second)/report.csv", method: .get, headers: browser.headers())
      let numbers = Self.parse(csv.text)
      #expect(numbers["summary"]?["sent"] == 1 && numbers["summary"]?["failed"] == 0 && numbers["summary"]?["complained"] == nil)
      let page = try await client.execute(uri: "/campaigns/\(Self.second)/report", method: .get, headers: browser.headers()).text
      #expect(page.contains("href=\"/releases/\(Self.file)/report\""))
    }
  }

  @Test func aReleaseNeverSentSaysSoPlainly() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/releases/\(Self.file)/report", method: .get, headers: browser.headers()).text
      #expect(page.contains("This release has not been sent yet, and nothing has come back about it."))
      #expect(!page.contains("<svg"))
      let list = try await client.execute(uri: "/reports", method: .get, headers: browser.headers()).text
      #expect(list.contains("Nothing has been sent yet"))
    }
  }

  @Test func theCSVIsADownloadOfTheSameNumbers() async throws {
    let fixture = try Self.sentFixture()
    let figures = try fixture.mailroom.store.releaseFigures(Self.slug, timeZone: fixture.mailroom.configuration.compose.timeZone)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let response = try await client.execute(uri: "/releases/\(Self.file)/report.csv", method: .get, headers: browser.headers())
      #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(Self.slug)-report.csv\"")
      #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
      #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
      #expect(response.text == ReportCSV(figures).text)
      let numbers = Self.parse(response.text)
      #expect(numbers["summary"] == [
        "sent": 3, "deferred": 1, "failed": 2, "bounced": 3, "complained": 1, "unsubscribed": 0, "auto_replies": 1, "inquiries": 2,
        "answered": 1, "open": 1, "median_first_answer_seconds": 5400,
      ])
      #expect(numbers["bounces_refused"] == ["mailbox-gone": 1, "mailbox-full": 0, "policy": 1, "other": 0])
      #expect(numbers["bounces_returned"] == ["mailbox-gone": 0, "mailbox-full": 1, "policy": 0, "other": 0])
      #expect(numbers["domain_deferred_other"] == ["mail.test": 1])
    }
  }

  @Test func theCommandLinesJSONAndTheDesksCSVShowTheSameNumbers() async throws {
    let fixture = try Self.sentFixture()
    let csv = try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      return [
        try await client.execute(uri: "/releases/\(Self.file)/report.csv", method: .get, headers: browser.headers()).text,
        try await client.execute(uri: "/campaigns/\(Self.campaign)/report.csv", method: .get, headers: browser.headers()).text,
      ]
    }
    for (index, arguments) in [["report", Self.file, "--json"], ["report", Self.file, "--campaign", Self.campaign.rawValue, "--json"]].enumerated() {
      let result = try HeraldProcess.run(arguments, in: fixture.workspace.root)
      #expect(result.status == 0, "\(result.stderr)")
      let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      let desk = Self.parse(csv[index])
      for key in ["sent", "deferred", "failed", "bounced"] {
        #expect(json[key] as? Int == desk["summary"]?[key], "\(key)")
      }
      if index == 0 {
        for (key, name) in [("complained", "complained"), ("unsubscribed", "unsubscribed"), ("auto_replies", "auto_replies"), ("inquiries", "inquiries"), ("answered", "answered"), ("open", "open")] {
          #expect(json[key] as? Int == desk["summary"]?[name], "\(key)")
        }
        #expect((json["median_first_answer"] as? Double).map { Int($0) } == desk["summary"]?["median_first_answer_seconds"])
      }
      for bounce in json["bounces"] as? [[String: Any]] ?? [] {
        let reason = bounce["reason"] as? String ?? "?"
        #expect(bounce["refused"] as? Int == desk["bounces_refused"]?[reason], "\(reason)")
        #expect(bounce["returned"] as? Int == desk["bounces_returned"]?[reason], "\(reason)")
      }
      let domains = json["domains"] as? [[String: Any]] ?? []
      #expect(!domains.isEmpty)
      for domain in domains {
        let name = domain["domain"] as? String ?? "?"
        for outcome in ["sent", "deferred", "failed"] { #expect(domain[outcome] as? Int == desk["domain_\(outcome)"]?[name], "\(name) \(outcome)") }
      }
      for language in json["languages"] as? [[String: Any]] ?? [] {
        let name = language["language"] as? String ?? "?"
        for outcome in ["sent", "deferred", "failed"] { #expect(language[outcome] as? Int == desk["language_\(outcome)"]?[name], "\(name) \(outcome)") }
      }
      let hours = json["hours"] as? [[String: Any]] ?? []
      #expect(hours.reduce(0) { $0 + ($1["sent"] as? Int ?? 0) } == desk["hour_sent"]?.values.reduce(0, +))
    }
  }

  /// The performance target's case: a 20,000-recipient campaign. The figures are exact, and
  /// the time to read them (without the desk's cache) and to serve the page is printed: the
  /// tallies are read, the delivery log is not. A measurement, not a test of behaviour (the
  /// tallies' exactness is ReportTallyTests'; the page's speed under load is `make bench`'s):
  /// run it with HERALD_REPORT_BENCH=1 swift test --filter DeskReportTests. In the whole
  /// suite its seconds of work on the blocking pool came beside the press kit's test of
  /// concurrent requests, which then twice missed its client's 20 s limit.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["HERALD_REPORT_BENCH"] != nil))
  func aTwentyThousandRecipientCampaignsReportIsReadFromTheTallies() async throws {
    let fixture = try DeskFixture()
    let store = fixture.mailroom.store
    _ = try store.createList(name: "everyone")
    let csv = FileManager.default.temporaryDirectory.appendingPathComponent("herald-20k-\(UUID().uuidString).csv")
    try ("email\n" + (0..<20_000).map { "reader\($0)@news\($0 % 400).example.org" }.joined(separator: "\n") + "\n")
      .write(to: csv, atomically: true, encoding: .utf8)
    _ = try store.importCSV(csv, into: "everyone")
    var ids: [SubscriberID] = []
    for index in 0..<20_000 { ids.append(try #require(try store.subscriber(address: "reader\(index)@news\(index % 400).example.org")).id) }
    let recordStart = Date()
    var records: [SubscriberStore.DeliveryRecord] = []
    for (index, id) in ids.enumerated() {
      let at = Self.start.addingTimeInterval(Double(index) / 10)
      switch index % 100 {
      case 0: records.append(.init(subscriber: id, campaign: Self.campaign, list: "everyone", outcome: .failed, reply: "550 5.1.1 User unknown", at: at))
      case 1, 2: records.append(.init(subscriber: id, campaign: Self.campaign, list: "everyone", outcome: .deferred, reply: "451 4.7.1 try later", at: at))
      case 3, 4:
        records.append(.init(subscriber: id, campaign: Self.campaign, list: "everyone", outcome: .deferred, reply: "451 4.2.2 full", at: at))
        records.append(.init(subscriber: id, campaign: Self.campaign, list: "everyone", outcome: .sent, reply: "250 Ok", at: at.addingTimeInterval(3600)))
      default: records.append(.init(subscriber: id, campaign: Self.campaign, list: "everyone", outcome: .sent, reply: "250 Ok", at: at))
      }
      if records.count >= 1000 {
        try store.recordDeliveries(records)
        records.removeAll()
      }
    }
    try store.recordDeliveries(records)
    let recorded = Date().timeIntervalSince(recordStart)
    var reads: [TimeInterval] = []
    var figures = try store.releaseFigures(Self.slug)
    for _ in 0..<30 {
      let start = Date()
      figures = try store.releaseFigures(Self.slug)
      reads.append(Date().timeIntervalSince(start))
    }
    #expect((figures.sent, figures.deferred, figures.failed, figures.bounced) == (19_400, 400, 200, 200))
    #expect(figures.domainCount == 400 && figures.domains.count == 10)
    let pages = try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      var times: [TimeInterval] = []
      for index in 0..<100 {
        let start = Date()
        let response = try await client.execute(uri: index % 2 == 0 ? "/releases/\(Self.file)/report" : "/reports", method: .get, headers: browser.headers())
        times.append(Date().timeIntervalSince(start))
        #expect(response.status == .ok)
      }
      return times
    }
    func milliseconds(_ values: [TimeInterval], _ quantile: Double) -> String {
      let sorted = values.sorted()
      return String(format: "%.1f ms", sorted[min(sorted.count - 1, Int(Double(sorted.count) * quantile))] * 1000)
    }
    print("20,000 recipients: recorded \(ids.count + 400) attempts in \(String(format: "%.2f s", recorded)); "
      + "releaseFigures p50 \(milliseconds(reads, 0.5)), max \(milliseconds(reads, 1)); "
      + "report and reports pages p50 \(milliseconds(pages, 0.5)), p99 \(milliseconds(pages, 0.99))")
  }

  /// The CSV's `section,key,value` lines, by section and key.
  static func parse(_ csv: String) -> [String: [String: Int]] {
    var sections: [String: [String: Int]] = [:]
    for line in csv.split(separator: "\r\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 3, let value = Int(fields[2]) else { continue }
      sections[fields[0], default: [:]][fields[1]] = value
    }
    return sections
  }
}
