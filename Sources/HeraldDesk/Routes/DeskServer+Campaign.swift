import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import Hummingbird

extension DeskServer {
  /// A campaign's page, for everyone signed in: while it is written and delivered, its
  /// progress (a Refresh link; desk.js brings it up to date every 2 seconds); then its result:
  /// sent, deferred and failed with the relay's replies grouped by reason, what waits for
  /// its time, the archive address. The figures are the Outbox's (`Mailroom.progress`).
  func addCampaignRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.campaign.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      guard let name = context.parameters.get("campaign"), let campaign = CampaignID(name), campaign.kind == .release else {
        throw DeskRefusal(self.message(.notFound, "There is no such campaign."))
      }
      let found = try await BlockingWork.run { () -> (send: DeskSend?, progress: CampaignProgress, published: Publication?) in
        let send = try self.mailroom.store.deskSend(campaign: campaign)
        let progress = try self.mailroom.progress(of: campaign, now: self.mailroom.clock.now)
        let published = try campaign.release.flatMap { try self.mailroom.store.publication($0) }
        return (send, progress, published?.campaign == campaign.rawValue ? published : nil)
      }
      guard found.send != nil || found.progress.total > 0 else {
        throw DeskRefusal(self.message(.notFound, "There is no campaign \(campaign) in the Outbox."))
      }
      return self.page("campaign", self.campaignValues(campaign, found.send, found.progress, published: found.published), for: signedIn)
    }
  }

  func campaignValues(_ campaign: CampaignID, _ send: DeskSend?, _ progress: CampaignProgress, published: Publication?) -> [String: Any] {
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let writing = send.map { $0.state.isUnfinished } ?? false
    let failed = send?.state == .failed
    let total = max(progress.total, send?.recipients ?? 0)
    let state: String
    if failed {
      state = "failed"
    } else if writing {
      state = "enqueueing"
    } else if progress.waiting > 0 {
      state = "delivering"
    } else if progress.scheduled != nil && progress.report.deferred == 0 && progress.waiting == 0 && progress.settled == 0 {
      state = "scheduled"
    } else if progress.isFinished {
      state = "finished"
    } else {
      state = "waiting"
    }
    // Grouped by reason as the campaign report groups them.
    let deferredReasons = CampaignReport.reasonLines(progress.report, .deferred)
    let failedReasons = CampaignReport.reasonLines(progress.report, .failed)
    var values: [String: Any] = [
      "campaign": campaign.rawValue, "report_link": DeskPage.campaignReport(campaign).path, "state": state, "state_name": strings["desk_campaign_\(state)"] ?? state,
      "total": total.formatted(), "total_value": total, "done_value": progress.settled, "enqueued": progress.total.formatted(),
      "sent": progress.report.sent.formatted(), "deferred": progress.report.deferred.formatted(), "failed": progress.report.failed.formatted(),
      "waiting": progress.waiting.formatted(), "held": progress.held.formatted(), "has_held": progress.held > 0,
      "deferred_reasons": deferredReasons, "has_deferred_reasons": !deferredReasons.isEmpty,
      "failed_reasons": failedReasons, "has_failed_reasons": !failedReasons.isEmpty,
      "relay": delivery.map { (strings["desk_send_relay"] ?? "").replacingOccurrences(of: "{relay}", with: $0) }
        ?? strings["desk_send_no_relay"] ?? "",
    ]
    // Without JavaScript: the page asks the browser to load it again while something moves.
    if writing || progress.waiting > 0 { values["refresh"] = "2" }
    if let scheduled = progress.scheduled {
      values["scheduled"] = ["count": scheduled.count.formatted(), "time": time.string(scheduled.first)]
    }
    if let send {
      values["started"] = time.string(send.createdAt)
      if let error = send.error { values["error"] = error }
      values["release_link"] = DeskPage.release(file: send.releaseFile).path
      values["release_file"] = send.releaseFile
    }
    if let published {
      values["archive"] = mailroom.site.url(.release(slug: published.slug))
    }
    return values
  }

  /// A release file's state from the desk's sends: "Sending…" while one is written to the
  /// Outbox, "Scheduled for …" while one waits for its time; nil otherwise.
  func sendState(of file: String, sends: [DeskSend]) -> (String, String)? {
    let mine = sends.filter { $0.releaseFile == file }
    if mine.contains(where: { $0.state.isUnfinished }) { return ("sending", strings["desk_state_sending"] ?? "Sending…") }
    let now = mailroom.clock.now
    if let next = mine.filter({ $0.state == .enqueued }).compactMap(\.sendAt).filter({ $0 > now }).min() {
      let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
      return ("scheduled", (strings["desk_state_scheduled"] ?? "Scheduled for {time}").replacingOccurrences(of: "{time}", with: time.string(next)))
    }
    return nil
  }
}
