import Foundation
import HeraldCore
import HeraldDelivery

/// A mark that a campaign is being enqueued: Outbox/reports/CAMPAIGN.enqueueing, made before
/// the first message is written and removed after the last. One left behind means the send
/// was killed half-way: the rest of its recipients were never written, and only another
/// `herald send` of the release reaches them (it skips those who have it). `herald deliver`
/// and `herald outbox` say so (`EnqueueMark.interrupted`).
package enum EnqueueMark {
  static func url(_ campaign: CampaignID, outbox: URL) -> URL {
    outbox.appendingPathComponent("reports/\(campaign).enqueueing")
  }

  /// Marks `campaign` as being enqueued from the release file `release`, for `recipients`.
  static func begin(_ campaign: CampaignID, release: String, recipients: Int, outbox: URL) throws {
    try FileManager.default.createDirectory(at: outbox.appendingPathComponent("reports"), withIntermediateDirectories: true)
    let object: [String: Any] = ["campaign": campaign.rawValue, "release": release, "recipients": recipients, "pid": Int(getpid())]
    try DurableFile.write(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), to: url(campaign, outbox: outbox))
  }

  /// The campaign is whole in the Outbox; so are the interrupted ones of the same release,
  /// since this send reached whoever they left out.
  static func end(_ campaign: CampaignID, release: String, outbox: URL) {
    try? FileManager.default.removeItem(at: url(campaign, outbox: outbox))
    for mark in marks(in: outbox) where mark.release == release && !mark.running {
      try? FileManager.default.removeItem(at: mark.file)
    }
  }

  private struct Mark {
    var file: URL
    var campaign: CampaignID
    var release: String
    var recipients: Int
    /// Its send is still running (in another terminal, say).
    var running: Bool
  }

  private static func marks(in outbox: URL) -> [Mark] {
    let reports = outbox.appendingPathComponent("reports")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: reports.path) else { return [] }
    return names.sorted().compactMap { name -> Mark? in
      let file = reports.appendingPathComponent(name)
      guard name.hasSuffix(".enqueueing"), let data = FileManager.default.contents(atPath: file.path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let campaign = (object["campaign"] as? String).flatMap(CampaignID.init), let release = object["release"] as? String
      else { return nil }
      let running = (object["pid"] as? Int).map { kill(pid_t($0), 0) == 0 } ?? false
      return Mark(file: file, campaign: campaign, release: release, recipients: object["recipients"] as? Int ?? 0, running: running)
    }
  }

  /// Warnings for campaigns whose send was killed while enqueueing (its process is gone).
  package static func interrupted(outbox: Outbox) -> [String] {
    let interrupted = marks(in: outbox.directory).filter { !$0.running }
    guard !interrupted.isEmpty else { return [] }
    let counts = try? outbox.counts()
    return interrupted.map { mark in
      let enqueued = counts?.byCampaign[mark.campaign]?.values.reduce(0, +) ?? 0
      return "herald send of campaign \(mark.campaign) was interrupted while it was writing the Outbox: \(enqueued.formatted()) of \(mark.recipients.formatted()) messages were written. "
        + "Run “herald send \(mark.release)” again to reach the rest (it skips those who have it)."
    }
  }
}
