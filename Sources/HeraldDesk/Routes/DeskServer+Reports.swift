import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import Hummingbird
import NIOCore

extension DeskServer {
  /// The reports, for everyone signed in: every release's headline figures (`/reports`), a
  /// release's report (`/releases/FILE/report`) and a campaign's (`/campaigns/ID/report`),
  /// each with its charts and tables, and the same numbers as CSV (`…/report.csv`). All read
  /// the store's tallies (`SubscriberStore.releaseFigures`, the figures `herald report` shows),
  /// kept as deliveries are recorded: no page counts the delivery log.
  func addReportRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.reports.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let values = try await self.pageValues { try self.reportsValues() }
      return self.page("reports", values, for: signedIn)
    }
    router.get(RouterPath(DeskRoute.releaseReport.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      return try await self.keptPage("report", for: signedIn, key: file.name, fingerprint: self.fingerprint(ofRelease: file.name)) {
        let slug = Release.slug(naming: file.name)
        let figures = try self.figures(slug, campaign: nil)
        var values = self.reportValues(figures)
        values["title"] = (try? self.releaseEntry(file.name))?["title"] ?? file.name
        values["release_file"] = file.name
        values["release_link"] = DeskPage.release(file: file.name).path
        values["csv"] = DeskPage.releaseReportCSV(file: file.name).path
        values["campaign_links"] = figures.campaigns.compactMap { CampaignID($0) }.map {
          ["name": $0.rawValue, "link": DeskPage.campaignReport($0).path]
        }
        values["has_campaigns"] = !figures.campaigns.isEmpty
        return values
      }
    }
    router.get(RouterPath(DeskRoute.releaseReportCSV.pattern)) { request, context in
      _ = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let csv = try await BlockingWork.run { ReportCSV(try self.figures(Release.slug(naming: file.name), campaign: nil)).text }
      return Self.csvResponse(csv, filename: Release.slug(naming: file.name) + "-report.csv")
    }
    router.get(RouterPath(DeskRoute.campaignReport.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let campaign = try self.reportedCampaign(context)
      let values = try await self.pageValues {
        let figures = try self.figures(campaign.releaseKey, campaign: campaign)
        guard !figures.campaigns.isEmpty else { throw DeskRefusal(self.message(.notFound, "There is no campaign \(campaign) in the delivery log.")) }
        var values = self.reportValues(figures)
        values["title"] = campaign.rawValue
        values["is_campaign"] = true
        values["campaign"] = campaign.rawValue
        values["campaign_link"] = DeskPage.campaign(campaign).path
        values["csv"] = DeskPage.campaignReportCSV(campaign).path
        if let file = self.releaseFileName(slug: campaign.release ?? "") {
          values["release_file"] = file
          values["release_link"] = DeskPage.release(file: file).path
          values["release_report"] = DeskPage.releaseReport(file: file).path
        }
        return values
      }
      return self.page("report", values, for: signedIn)
    }
    router.get(RouterPath(DeskRoute.campaignReportCSV.pattern)) { request, context in
      _ = try await self.require(.viewer, request)
      let campaign = try self.reportedCampaign(context)
      let csv = try await BlockingWork.run { () -> String? in
        let figures = try self.figures(campaign.releaseKey, campaign: campaign)
        return figures.campaigns.isEmpty ? nil : ReportCSV(figures).text
      }
      guard let csv else { throw DeskRefusal(self.message(.notFound, "There is no campaign \(campaign) in the delivery log.")) }
      return Self.csvResponse(csv, filename: ReportCSV.filename(campaign.rawValue) + "-report.csv")
    }
  }

  /// The campaign the route's `:campaign` names (a release's campaign), or the 404 page.
  func reportedCampaign(_ context: DeskContext) throws -> CampaignID {
    guard let name = context.parameters.get("campaign"), let campaign = CampaignID(name), campaign.kind == .release else {
      throw DeskRefusal(message(.notFound, "There is no such campaign."))
    }
    return campaign
  }

  /// A report's figures, kept while the store does not change (`generation`).
  func figures(_ release: String, campaign: CampaignID?) throws -> SubscriberStore.ReleaseFigures {
    let zone = mailroom.configuration.compose.timeZone
    let key = "report:\(release):\(campaign?.rawValue ?? "")"
    return try cache.value(key, fingerprint: ["\(mailroom.store.generation)", zone.identifier], lifetime: DeskCache.Lifetime.releases) {
      try mailroom.store.releaseFigures(release, campaign: campaign, timeZone: zone)
    }
  }

  /// The file in Releases/ (not a translation) whose slug is `slug`, if there is one.
  func releaseFileName(slug: String) -> String? {
    releaseFilesBySlug()[slug]
  }

  /// The release files (not translations) by slug, kept while Releases/ is unchanged.
  func releaseFilesBySlug() -> [String: String] {
    let folder = mailroom.workspace.releasesDirectory
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { DeskReleaseFile.isPlainName($0) && Release.fileLanguage($0) == nil }.sorted()
    return cache.value("report-files", fingerprint: files, lifetime: DeskCache.Lifetime.releases) {
      var bySlug: [String: String] = [:]
      for file in files { bySlug[Release.slug(naming: file)] = bySlug[Release.slug(naming: file)] ?? file }
      return bySlug
    }
  }

  /// `/reports`: every release with its headline figures, the most recently sent first.
  func reportsValues() throws -> [String: Any] {
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let headlines = try cache.value("reports", fingerprint: ["\(mailroom.store.generation)"], lifetime: DeskCache.Lifetime.releases) {
      try mailroom.store.releaseHeadlines()
    }
    let files = releaseFilesBySlug()
    let rows: [[String: Any]] = headlines.map { headline in
      var row: [String: Any] = [
        "release": headline.release, "sent": headline.sent.formatted(), "deferred": headline.deferred.formatted(),
        "failed": headline.failed.formatted(), "bounced": headline.bounced.formatted(), "complained": headline.complained.formatted(),
        "unsubscribed": headline.unsubscribed.formatted(), "inquiries": headline.inquiries.formatted(),
        "last": headline.lastAttempt.map { time.day($0) } ?? "",
      ]
      if let file = files[headline.release] {
        row["link"] = DeskPage.releaseReport(file: file).path
        row["file"] = file
      }
      return row
    }
    return ["reports": rows, "has_reports": !rows.isEmpty]
  }

  /// A report's values: the headline figures, the charts (SVG, inline) with their tables,
  /// the languages, the bounces by reason and the largest receiving domains.
  func reportValues(_ figures: SubscriberStore.ReleaseFigures) -> [String: Any] {
    let zone = mailroom.configuration.compose.timeZone
    let time = LocalTime(timeZone: zone)
    var values: [String: Any] = ["release": figures.release, "never_sent": figures.isEmpty]
    func word(_ key: String) -> String { strings[key] ?? key }
    values["deliveries"] = [
      ["label": word("desk_report_sent"), "value": figures.sent.formatted()],
      ["label": word("desk_report_deferred"), "value": figures.deferred.formatted()],
      ["label": word("desk_report_failed"), "value": figures.failed.formatted()],
      ["label": word("desk_report_bounced"), "value": figures.bounced.formatted()],
    ]
    if figures.campaign == nil {
      var cameBack: [[String: String]] = [
        ["label": word("desk_report_complained"), "value": figures.complained.formatted()],
        ["label": word("desk_report_unsubscribed"), "value": figures.unsubscribed.formatted()],
        ["label": word("desk_report_auto_replies"), "value": figures.autoReplies.formatted()],
        ["label": word("desk_report_inquiries"), "value": figures.inquiries.formatted()],
        ["label": word("desk_report_answered"), "value": figures.answered.formatted()],
        ["label": word("desk_report_open"), "value": figures.open.formatted()],
      ]
      if let median = figures.medianFirstAnswer { cameBack.append(["label": word("desk_report_median"), "value": LocalTime.span(median)]) }
      values["came_back"] = cameBack
      values["has_came_back"] = true
    }
    if !figures.languages.isEmpty {
      values["has_languages"] = true
      values["languages"] = figures.languages.map {
        ["language": "\(LanguageTag.autonym($0.language)) (\($0.language))", "sent": $0.sent.formatted(), "deferred": $0.deferred.formatted(),
          "failed": $0.failed.formatted()]
      }
    }
    // Deliveries over time: per hour over three days at most, per day beyond.
    let overTime = Self.overTime(figures.hours, zone: zone)
    if !overTime.isEmpty {
      let sent = figures.hours.reduce(0) { $0 + $1.sent }
      let deferred = figures.hours.reduce(0) { $0 + $1.deferred }
      let failed = figures.hours.reduce(0) { $0 + $1.failed }
      let description = word("desk_report_chart_deliveries_desc")
        .replacingOccurrences(of: "{sent}", with: sent.formatted()).replacingOccurrences(of: "{deferred}", with: deferred.formatted())
        .replacingOccurrences(of: "{failed}", with: failed.formatted())
        .replacingOccurrences(of: "{from}", with: time.string(figures.hours.first!.start))
        .replacingOccurrences(of: "{to}", with: time.string(figures.hours.last!.start.addingTimeInterval(3600)))
      let chart = SVGChart(
        id: "chart-deliveries", title: word("desk_report_over_time"), description: description,
        series: [.init(name: word("desk_report_sent")), .init(name: word("desk_report_deferred")), .init(name: word("desk_report_failed"))],
        columns: overTime.map { SVGChart.Column(label: $0.label, values: [$0.sent, $0.deferred, $0.failed]) })
      values["delivery_chart"] = chart.svg
      values["over_time_unit"] = word(overTime.first?.hourly == true ? "desk_report_hour" : "desk_report_day")
      values["over_time_zone"] = time.zone(at: figures.hours.first!.start)
      values["over_time"] = overTime.filter { $0.sent + $0.deferred + $0.failed > 0 }.map {
        ["label": $0.fullLabel, "sent": $0.sent.formatted(), "deferred": $0.deferred.formatted(), "failed": $0.failed.formatted()]
      }
    }
    // Bounces by reason.
    values["bounces"] = figures.bounces.map {
      ["reason": reasonName($0.reason), "refused": $0.refused.formatted(), "returned": $0.returned.formatted(), "total": $0.total.formatted()]
    }
    if figures.bounced > 0 {
      let parts = figures.bounces.filter { $0.total > 0 }.map { "\(reasonName($0.reason)) \($0.total.formatted())" }.joined(separator: ", ")
      let chart = SVGChart(
        id: "chart-bounces", title: word("desk_report_bounces"),
        description: word("desk_report_chart_bounces_desc").replacingOccurrences(of: "{total}", with: figures.bounced.formatted())
          .replacingOccurrences(of: "{parts}", with: parts),
        series: [.init(name: word("desk_report_refused")), .init(name: word("desk_report_returned"))],
        columns: figures.bounces.map { SVGChart.Column(label: reasonName($0.reason), values: [$0.refused, $0.returned]) })
      values["bounce_chart"] = chart.svg
    }
    // Inquiries over time, per day.
    if !figures.inquiryDays.isEmpty {
      let days = Self.days(figures.inquiryDays)
      let chart = SVGChart(
        id: "chart-inquiries", title: word("desk_report_inquiries_over_time"),
        description: word("desk_report_chart_inquiries_desc").replacingOccurrences(of: "{total}", with: figures.inquiries.formatted())
          .replacingOccurrences(of: "{from}", with: figures.inquiryDays.first!.day).replacingOccurrences(of: "{to}", with: figures.inquiryDays.last!.day),
        series: [.init(name: word("desk_report_inquiries"))],
        columns: days.map { SVGChart.Column(label: String($0.day.dropFirst(5)), values: [$0.count]) })
      values["inquiry_chart"] = chart.svg
      values["inquiry_days"] = figures.inquiryDays.map { ["day": $0.day, "count": $0.count.formatted()] }
    }
    // The largest receiving domains, with why their recipients were deferred.
    if !figures.domains.isEmpty {
      values["has_domains"] = true
      values["domains"] = figures.domains.map { domain in
        [
          "domain": domain.domain, "sent": domain.sent.formatted(), "deferred": domain.deferred.formatted(), "failed": domain.failed.formatted(),
          "deferrals": domain.deferrals.map { "\(reasonName($0.reason)) \($0.count.formatted())" }.joined(separator: ", "),
          "has_deferrals": domain.deferred > 0,
        ] as [String: Any]
      }
      values["domains_intro"] = word("desk_report_domains_intro").replacingOccurrences(of: "{count}", with: figures.domains.count.formatted())
        .replacingOccurrences(of: "{total}", with: figures.domainCount.formatted())
    }
    return values
  }

  /// A bounce reason in the desk's words.
  func reasonName(_ reason: BounceReason) -> String {
    strings["desk_report_reason_" + reason.rawValue.replacingOccurrences(of: "-", with: "_")] ?? reason.rawValue
  }

  /// One column of the deliveries over time.
  struct OverTimeColumn {
    var label: String
    var fullLabel: String
    var hourly: Bool
    var sent = 0
    var deferred = 0
    var failed = 0
  }

  /// The attempts per hour as columns: every hour from the first to the last when they span
  /// three days at most, else every day (in `zone`), at most 400 columns (only days with
  /// attempts beyond).
  static func overTime(_ hours: [SubscriberStore.HourFigures], zone: TimeZone) -> [OverTimeColumn] {
    guard let first = hours.first?.start, let last = hours.last?.start else { return [] }
    let time = LocalTime(timeZone: zone)
    if last.timeIntervalSince(first) <= 72 * 3600 {
      let byStart = Dictionary(hours.map { ($0.start, $0) }, uniquingKeysWith: { $1 })
      var columns: [OverTimeColumn] = []
      var start = first
      while start <= last {
        let entry = byStart[start]
        let label = time.short(start)
        columns.append(OverTimeColumn(
          label: String(label.suffix(5)), fullLabel: time.string(start), hourly: true, sent: entry?.sent ?? 0, deferred: entry?.deferred ?? 0,
          failed: entry?.failed ?? 0))
        start = start.addingTimeInterval(3600)
      }
      return columns
    }
    var byDay: [String: OverTimeColumn] = [:]
    for hour in hours {
      let day = time.day(hour.start)
      var column = byDay[day] ?? OverTimeColumn(label: String(day.dropFirst(5)), fullLabel: day, hourly: false)
      column.sent += hour.sent
      column.deferred += hour.deferred
      column.failed += hour.failed
      byDay[day] = column
    }
    var days = byDay.keys.sorted()
    // Every day between the first and the last, when that is not too many to draw.
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    if let from = calendar.date(from: calendar.dateComponents([.year, .month, .day], from: first)),
      calendar.dateComponents([.day], from: from, to: last).day ?? 0 < 400
    {
      var all: [String] = []
      var day = from
      while day <= last {
        all.append(time.day(day))
        day = calendar.date(byAdding: .day, value: 1, to: day) ?? last.addingTimeInterval(1)
      }
      days = all
    }
    return days.map { byDay[$0] ?? OverTimeColumn(label: String($0.dropFirst(5)), fullLabel: $0, hourly: false) }
  }

  /// Inquiries per day with the days between filled with none (up to 400 days).
  static func days(_ days: [SubscriberStore.DayFigures]) -> [SubscriberStore.DayFigures] {
    let parser = DateFormatter()
    parser.locale = Locale(identifier: "en_US_POSIX")
    parser.timeZone = TimeZone(identifier: "UTC")
    parser.dateFormat = "yyyy-MM-dd"
    guard let first = days.first.flatMap({ parser.date(from: $0.day) }), let last = days.last.flatMap({ parser.date(from: $0.day) }),
      last.timeIntervalSince(first) < 400 * 86400
    else { return days }
    let counts = Dictionary(days.map { ($0.day, $0.count) }, uniquingKeysWith: +)
    var all: [SubscriberStore.DayFigures] = []
    var day = first
    while day <= last {
      let name = parser.string(from: day)
      all.append(.init(day: name, count: counts[name] ?? 0))
      day = day.addingTimeInterval(86400)
    }
    return all
  }

  /// A CSV download: `attachment`, never shown by the browser as a page.
  static func csvResponse(_ csv: String, filename: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store",
      ], body: .init(byteBuffer: ByteBuffer(string: csv)))
  }
}
