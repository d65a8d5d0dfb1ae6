import Foundation
import GRDB
import HeraldCore
import HeraldMail

extension SubscriberStore {
  /// A release's figures (or one campaign's): what its deliveries came to, what came back,
  /// and its inquiries. Read from the tallies the store keeps as rows are written
  /// (`ReportTallies`), never counted from the delivery log per request. `herald report`
  /// and the desk's reports show this one value.
  package struct ReleaseFigures: Sendable, Codable, Hashable {
    package var release: String
    /// The campaign these figures are of; nil for the whole release (all its campaigns).
    package var campaign: String?
    package var campaigns: [String] = []
    /// Subscribers the relay accepted a message of the release for.
    package var sent = 0
    /// Subscribers whose last attempt was deferred (still being retried).
    package var deferred = 0
    /// Subscribers whose message failed for good (SMTP 5xx or given up).
    package var failed = 0
    /// Bounces: subscribers whose message the relay refused for good, and bounces that came
    /// back to the inbox about the release (the sum of `bounces`).
    package var bounced = 0
    /// Complaints about the release.
    package var complained = 0
    /// Unsubscribes that came back from the release (mail to the unsubscribe address, replies).
    package var unsubscribed = 0
    /// Automatic replies to the release.
    package var autoReplies = 0
    package var inquiries = 0
    package var answered = 0
    package var open = 0
    /// The median time from an inquiry's arrival to its first answer, in seconds.
    package var medianFirstAnswer: TimeInterval?
    /// For a release sent in several languages: the deliveries per language of the
    /// translation sent, by each subscriber's last attempt; empty otherwise.
    package var languages: [LanguageFigures] = []
    /// Bounces by reason, every reason in `BounceReason`'s order (zeros included).
    package var bounces: [BounceFigures] = []
    /// The receiving domains with the most recipients (by each one's last attempt), most first.
    package var domains: [DomainFigures] = []
    /// How many receiving domains there are in all.
    package var domainCount = 0
    /// Delivery attempts per hour, oldest first (every attempt at its hour: a deferral and
    /// the later success are both there).
    package var hours: [HourFigures] = []
    /// Inquiries per day of arrival, oldest first (days in the time zone asked for).
    package var inquiryDays: [DayFigures] = []

    /// Whether anything was ever sent or came back.
    package var isEmpty: Bool { campaigns.isEmpty && inquiries == 0 && complained + unsubscribed + autoReplies + bounced == 0 }
  }

  /// A release's deliveries in one language.
  package struct LanguageFigures: Sendable, Codable, Hashable {
    /// The language (a primary subtag, "ru").
    package var language: String
    /// Subscribers whose last attempt the relay accepted.
    package var sent = 0
    /// Subscribers whose last attempt was deferred (still being retried).
    package var deferred = 0
    /// Subscribers whose message failed for good.
    package var failed = 0
  }

  /// Bounces of one reason.
  package struct BounceFigures: Sendable, Codable, Hashable {
    package var reason: BounceReason
    /// Subscribers whose last attempt the relay refused for good for this reason.
    package var refused = 0
    /// Bounces about the release that came back to the inbox for this reason.
    package var returned = 0
    /// Both.
    package var total: Int { refused + returned }
  }

  /// One receiving domain: where deliverability problems show first.
  package struct DomainFigures: Sendable, Codable, Hashable {
    /// The domain of the recipients' addresses: "example.org".
    package var domain: String
    package var sent = 0
    package var deferred = 0
    package var failed = 0
    /// Why its recipients' last attempts were deferred, most first.
    package var deferrals: [ReasonCount] = []
    /// Its recipients.
    package var total: Int { sent + deferred + failed }
  }

  /// A count of one reason.
  package struct ReasonCount: Sendable, Codable, Hashable {
    package var reason: BounceReason
    package var count: Int
  }

  /// Delivery attempts in one hour.
  package struct HourFigures: Sendable, Codable, Hashable {
    /// When the hour starts.
    package var start: Date
    package var sent = 0
    package var deferred = 0
    package var failed = 0
  }

  /// Inquiries that arrived on one day.
  package struct DayFigures: Sendable, Codable, Hashable {
    /// The day, "2026-12-07".
    package var day: String
    package var count: Int

    /// Makes a day's count.
    package init(day: String, count: Int) {
      self.day = day
      self.count = count
    }
  }

  /// The figures of a release (by its slug, or a correction's release key `SLUG-correction`),
  /// or of one of its campaigns. What came back (bounces received, complaints, unsubscribes,
  /// auto-replies, inquiries) is known per release, not per campaign, and is in the
  /// release's figures only.
  /// - Parameters:
  ///   - timeZone: The time zone of the inquiries' days.
  ///   - topDomains: How many receiving domains to give.
  package func releaseFigures(
    _ release: String, campaign: CampaignID? = nil, timeZone: TimeZone = TimeZone(identifier: "UTC")!, topDomains: Int = 10
  ) throws -> ReleaseFigures {
    try read { db in
      var figures = ReleaseFigures(release: release, campaign: campaign?.rawValue)
      // Campaigns with an attempt ('hour' tallies count attempts and never go down).
      if let campaign {
        let known = try Bool.fetchOne(db, sql: Self.reportSQL.campaignKnown, arguments: [release, campaign.rawValue]) ?? false
        figures.campaigns = known ? [campaign.rawValue] : []
      } else {
        figures.campaigns = try String.fetchAll(db, sql: Self.reportSQL.campaigns, arguments: [release])
      }
      var languages: [String: LanguageFigures] = [:]
      var domains: [String: DomainFigures] = [:]
      var deferrals: [String: [ReasonCount]] = [:]
      var refused: [BounceReason: Int] = [:]
      var returned: [BounceReason: Int] = [:]
      var hours: [Int: HourFigures] = [:]
      let rows = try Row.fetchCursor(db, sql: Self.reportSQL.tallies, arguments: [release, campaign?.rawValue ?? ""])
      while let row = try rows.next() {
        let figure: String = row[0]
        let key: String = row[1]
        let detail: String = row[2]
        let count: Int = row[3]
        let outcome = DeliveryOutcome(rawValue: detail)
        func add(_ sent: inout Int, _ deferred: inout Int, _ failed: inout Int) {
          switch outcome {
          case .sent: sent += count
          case .deferred: deferred += count
          case .failed: failed += count
          case nil: break
          }
        }
        switch figure {
        case "outcome":
          add(&figures.sent, &figures.deferred, &figures.failed)
        case "language":
          var entry = languages[key] ?? LanguageFigures(language: key)
          add(&entry.sent, &entry.deferred, &entry.failed)
          languages[key] = entry
        case "domain":
          var entry = domains[key] ?? DomainFigures(domain: key)
          add(&entry.sent, &entry.deferred, &entry.failed)
          domains[key] = entry
        case "domain-reason":
          deferrals[key, default: []].append(ReasonCount(reason: BounceReason(rawValue: detail) ?? .other, count: count))
        case "reason":
          if outcome == .failed { refused[BounceReason(rawValue: key) ?? .other, default: 0] += count }
        case "inbound-bounce":
          returned[BounceReason(rawValue: key) ?? .other, default: 0] += count
        case "inbound":
          switch InboundClass(rawValue: key) {
          case .complaint: figures.complained += count
          case .unsubscribe: figures.unsubscribed += count
          case .autoReply: figures.autoReplies += count
          default: break
          }
        case "hour":
          guard let hour = Int(key) else { break }
          var entry = hours[hour] ?? HourFigures(start: Date(timeIntervalSince1970: TimeInterval(hour) * 3600))
          add(&entry.sent, &entry.deferred, &entry.failed)
          hours[hour] = entry
        default:
          break
        }
      }
      figures.languages = languages.values.sorted { $0.language < $1.language }
      figures.bounces = BounceReason.allCases.map { BounceFigures(reason: $0, refused: refused[$0] ?? 0, returned: returned[$0] ?? 0) }
      figures.bounced = figures.bounces.reduce(0) { $0 + $1.total }
      figures.domainCount = domains.count
      figures.domains = domains.values.sorted { ($0.total, $1.domain) > ($1.total, $0.domain) }.prefix(topDomains).map { domain in
        var domain = domain
        domain.deferrals = (deferrals[domain.domain] ?? []).sorted { ($0.count, $1.reason.rawValue) > ($1.count, $0.reason.rawValue) }
        return domain
      }
      figures.hours = hours.keys.sorted().compactMap { hours[$0] }
      guard campaign == nil else { return figures }
      // An indexed read of this release's inquiries only (inquiry_release).
      let inquiries = try Row.fetchAll(db, sql: Self.reportSQL.inquiries, arguments: [release])
      figures.inquiries = inquiries.count
      var waits: [TimeInterval] = []
      var days: [String: Int] = [:]
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = timeZone
      for row in inquiries {
        let status = InquiryStatus(rawValue: row[0])
        if status == .answered || status == .closed { figures.answered += 1 } else { figures.open += 1 }
        let created: Double = row[1]
        if let answered = row[2] as Double? { waits.append(answered - created) }
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: created))
        days[String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0), default: 0] += 1
      }
      figures.medianFirstAnswer = Self.median(waits)
      figures.inquiryDays = days.keys.sorted().map { DayFigures(day: $0, count: days[$0] ?? 0) }
      return figures
    }
  }

  /// Every query the reports run: each reads an index (see `ReportTallyTests`), none the delivery log.
  static let reportSQL = (
    tallies: "SELECT figure, key, detail, count FROM report_tally WHERE release = ? AND campaign = ? AND count <> 0",
    campaignKnown: "SELECT EXISTS (SELECT 1 FROM report_tally WHERE release = ? AND campaign = ? AND figure = 'hour')",
    campaigns: "SELECT DISTINCT campaign FROM report_tally WHERE release = ? AND campaign <> '' AND figure = 'hour' ORDER BY campaign",
    // An indexed read of one release's inquiries (inquiry_release).
    inquiries: "SELECT status, created_at, first_answer_at FROM inquiry WHERE release = ?",
    headlines: """
      SELECT release, figure, key, detail, count FROM report_tally
      WHERE figure IN ('outcome', 'reason', 'inbound', 'inbound-bounce', 'hour') AND campaign = '' AND count <> 0
      """,
    // Counted on the inquiry_release index alone.
    headlineInquiries: "SELECT release, COUNT(*) FROM inquiry WHERE release IS NOT NULL GROUP BY release"
  )

  /// The middle value (the mean of the two middle ones for an even count); nil for none.
  package static func median(_ values: [TimeInterval]) -> TimeInterval? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }

  /// A release's headline figures, for the list of every release's report.
  package struct ReleaseHeadline: Sendable, Codable, Hashable {
    package var release: String
    package var sent = 0
    package var deferred = 0
    package var failed = 0
    package var bounced = 0
    package var complained = 0
    package var unsubscribed = 0
    package var inquiries = 0
    /// The hour of the last delivery attempt; nil when nothing was sent.
    package var lastAttempt: Date?
  }

  /// Every release the tallies or the inquiries know, with its headline figures, the most
  /// recently sent first (releases only asked about come last). Reads the release-wide
  /// tallies through `report_tally_figure` and counts inquiries on `inquiry_release`.
  package func releaseHeadlines() throws -> [ReleaseHeadline] {
    try read { db in
      var headlines: [String: ReleaseHeadline] = [:]
      let rows = try Row.fetchCursor(db, sql: Self.reportSQL.headlines)
      while let row = try rows.next() {
        let release: String = row[0]
        let figure: String = row[1]
        let key: String = row[2]
        let detail: String = row[3]
        let count: Int = row[4]
        var entry = headlines[release] ?? ReleaseHeadline(release: release)
        switch figure {
        case "outcome":
          switch DeliveryOutcome(rawValue: detail) {
          case .sent: entry.sent += count
          case .deferred: entry.deferred += count
          case .failed: entry.failed += count
          case nil: break
          }
        case "reason" where detail == DeliveryOutcome.failed.rawValue, "inbound-bounce":
          entry.bounced += count
        case "inbound":
          if key == InboundClass.complaint.rawValue { entry.complained += count }
          if key == InboundClass.unsubscribe.rawValue { entry.unsubscribed += count }
        case "hour":
          if let hour = Int(key) {
            let start = Date(timeIntervalSince1970: TimeInterval(hour) * 3600)
            entry.lastAttempt = max(entry.lastAttempt ?? start, start)
          }
        default:
          break
        }
        headlines[release] = entry
      }
      for row in try Row.fetchAll(db, sql: Self.reportSQL.headlineInquiries) {
        let release: String = row[0]
        headlines[release, default: ReleaseHeadline(release: release)].inquiries = row[1]
      }
      return headlines.values.sorted {
        ($0.lastAttempt ?? .distantPast, $1.release) > ($1.lastAttempt ?? .distantPast, $0.release)
      }
    }
  }

  /// The reason a bounce report stored with a received message (`InboundRecord.details`)
  /// gives: its first recipient's status and diagnostic, classified as the relay's replies are.
  static func bounceReason(details: String?) -> BounceReason {
    struct Report: Decodable {
      struct Recipient: Decodable {
        var status: String?
        var diagnostic: String?
      }
      var recipients: [Recipient]?
    }
    guard let details, let report = try? JSONDecoder().decode(Report.self, from: Data(details.utf8)),
      let first = report.recipients?.first
    else { return .other }
    return BounceReason.classify(status: first.status.flatMap { EnhancedStatusCode($0) }, text: first.diagnostic)
  }
}
