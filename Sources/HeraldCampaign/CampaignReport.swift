import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldStore

/// The report of a send, kept beside the Outbox: Outbox/reports/CAMPAIGN.json for scripts
/// and CAMPAIGN.txt for people, each written whole. It says how many were sent, deferred
/// and failed, and why, grouped by reason, and how many wait for their time (the part of an
/// embargoed send that goes when the embargo lifts).
package enum CampaignReport {
  /// Writes both files.
  /// - Parameters:
  ///   - scheduled: the messages of the campaign that wait in the Outbox for their time;
  ///     `timeZone` is the one people read that time in (herald.yml's).
  /// - Returns: the text file.
  /// - Throws: `FileError` when the reports folder cannot be written.
  @discardableResult
  package static func write(
    campaign: CampaignID, subject: String, lists: [String], conditions: [SubscriberCondition] = [], enqueued: Int, report: Deliverer.Report,
    outbox: URL, finished: Date = Date(), scheduled: Outbox.Scheduled? = nil, timeZone: TimeZone = .current
  ) throws -> URL {
    let directory = outbox.appendingPathComponent("reports")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let time = ISO8601DateFormatter().string(from: finished)
    func reasons(_ outcome: DeliveryOutcome) -> [[String: Any]] {
      report.reasons(for: outcome).map { ["reason": $0.reason, "count": $0.count] }
    }
    var object: [String: Any] = [
      "campaign": campaign.rawValue, "subject": subject, "lists": lists, "enqueued": enqueued, "sent": report.sent,
      "deferred": report.deferred, "failed": report.failed, "paused": report.paused.map { $0 as Any } ?? NSNull(), "finished": time,
      "deferred_reasons": reasons(.deferred), "failed_reasons": reasons(.failed), "scheduled": scheduled?.count ?? 0,
      "scheduled_at": scheduled.map { ISO8601DateFormatter().string(from: $0.first) as Any } ?? NSNull(),
    ]
    // Only a send to part of its lists has conditions: the members who met them.
    if !conditions.isEmpty {
      object["where"] = conditions.map { ["field": $0.field, "operator": $0.comparison.rawValue, "value": $0.value] }
    }
    let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try DurableFile.write(json, to: directory.appendingPathComponent("\(campaign).json"))
    var text = """
      Campaign  \(campaign)
      Subject   \(subject)
      Lists     \(lists.joined(separator: ", "))\(conditions.isEmpty ? "" : "\nWhere     " + SubscriberCondition.sentence(conditions))
      Finished  \(time)

      Enqueued  \(enqueued)
      Sent      \(report.sent)
      Deferred  \(report.deferred)   (herald deliver retries them when due)
      Failed    \(report.failed)

      """
    if let scheduled, scheduled.count > 0 {
      text += "Scheduled \(scheduled.count)   (at \(EmbargoTime.readable(scheduled.first, in: timeZone)), when the embargo lifts: herald deliver sends them then)\n"
    }
    for (outcome, title) in [(DeliveryOutcome.deferred, "Deferred, by reason"), (.failed, "Failed, by reason")] {
      let lines = reasonLines(report, outcome)
      if !lines.isEmpty { text += "\n\(title):\n" + lines.map { "  \($0)\n" }.joined() }
    }
    if let paused = report.paused { text += "\nPaused: \(paused)\n" }
    let url = directory.appendingPathComponent("\(campaign).txt")
    try DurableFile.write(text, to: url)
    return url
  }

  /// "the relay refused the connection: 2", most frequent first; the rest summed up after
  /// `limit` lines.
  package static func reasonLines(_ report: Deliverer.Report, _ outcome: DeliveryOutcome, limit: Int = 10) -> [String] {
    let reasons = report.reasons(for: outcome)
    var lines = reasons.prefix(limit).map { "\($0.reason): \($0.count.formatted())" }
    if reasons.count > limit {
      let rest = reasons.dropFirst(limit).reduce(0) { $0 + $1.count }
      lines.append("\((reasons.count - limit).formatted()) other reasons: \(rest.formatted())")
    }
    return lines
  }
}
