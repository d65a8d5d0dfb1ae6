import Foundation
import HeraldCompose
import HeraldDelivery

/// The report of a send, kept beside the Outbox: Outbox/reports/CAMPAIGN.json for scripts
/// and CAMPAIGN.txt for people, each written whole (temp file, rename).
enum CampaignReport {
  @discardableResult
  static func write(campaign: String, subject: String, lists: [String], enqueued: Int, report: Deliverer.Report, outbox: URL) throws -> URL {
    let directory = outbox.appendingPathComponent("reports")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let finished = ISO8601DateFormatter().string(from: Date())
    let object: [String: Any] = [
      "campaign": campaign, "subject": subject, "lists": lists, "enqueued": enqueued, "sent": report.sent,
      "deferred": report.deferred, "failed": report.failed, "paused": report.paused.map { $0 as Any } ?? NSNull(), "finished": finished,
    ]
    let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try AtomicFile.write([UInt8](json), to: directory.appendingPathComponent("\(campaign).json"))
    let text = """
      Campaign  \(campaign)
      Subject   \(subject)
      Lists     \(lists.joined(separator: ", "))
      Finished  \(finished)

      Enqueued  \(enqueued)
      Sent      \(report.sent)
      Deferred  \(report.deferred)   (herald deliver retries them when due)
      Failed    \(report.failed)
      \(report.paused.map { "\nPaused: \($0)\n" } ?? "")
      """
    let url = directory.appendingPathComponent("\(campaign).txt")
    try AtomicFile.write(Array(text.utf8), to: url)
    return url
  }
}
