import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldWeb
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// The most messages a page of the Outbox's list shows.
  static let outboxPageSize = 50

  /// The Outbox, for everyone signed in: counts by state and campaign, deferrals grouped by
  /// the relay's reply, a page of messages filtered by state and campaign. Senders (and
  /// administrators) hold and release a message or a campaign, retry one or every deferred
  /// message, and purge finished ones older than some days: the same `Outbox` calls as
  /// `herald outbox`, each recorded in the audit (by `DeskMiddleware`, with what moved).
  func addOutboxRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.outbox.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let parameters = request.uri.queryParameters
      var errors: [String: String] = [:]
      let state = parameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
      let stateFilter = state.flatMap(Outbox.State.init(rawValue:))
      if state != nil && stateFilter == nil { errors["state"] = "Choose a state from the list." }
      let campaignText = parameters.get("campaign").flatMap { $0.isEmpty ? nil : $0 }
      let campaign = campaignText.flatMap(CampaignID.init)
      if campaignText != nil && campaign == nil { errors["campaign"] = "Choose a campaign from the list." }
      let after = parameters.get("after").flatMap { OutboxMessage.isValidID($0) ? $0 : nil }
      let problems = errors
      let values = try await self.pageValues {
        try self.outboxValues(
          signedIn, state: problems.isEmpty ? stateFilter : nil, campaign: problems.isEmpty ? campaign : nil, after: after,
          asked: ["state": state ?? "", "campaign": campaignText ?? ""], errors: problems)
      }
      return self.page("outbox", values, for: signedIn, status: problems.isEmpty ? .ok : .unprocessableContent)
    }
    router.post(RouterPath(DeskRoute.outboxHold.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      return try await self.outboxAction(signedIn, form, context) { outbox, message, campaign in
        if let message {
          try outbox.hold(message)
          return "held"
        }
        guard let campaign else { return nil }
        return "\(try outbox.hold(campaign: campaign)) held"
      }
    }
    router.post(RouterPath(DeskRoute.outboxRelease.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      return try await self.outboxAction(signedIn, form, context) { outbox, message, campaign in
        if let message {
          try outbox.release(message)
          return "released"
        }
        guard let campaign else { return nil }
        return "\(try outbox.release(campaign: campaign)) released"
      }
    }
    router.post(RouterPath(DeskRoute.outboxRetry.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      let all = self.field(form, "all") == "1"
      if all { context.audit.target("every deferred message") }
      return try await self.outboxAction(signedIn, form, context) { outbox, message, _ in
        if let message {
          try outbox.retry(message)
          return "due now"
        }
        guard all else { return nil }
        return "\(try outbox.retryAll()) due now"
      }
    }
    router.post(RouterPath(DeskRoute.outboxPurge.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      let state = Outbox.State(rawValue: self.field(form, "state"))
      let days = Int(self.field(form, "days"))
      guard let state, state == .sent || state == .failed else {
        return try await self.outboxProblem(signedIn, ["purge_state": "Choose sent or failed messages."])
      }
      guard let days, (1...3650).contains(days) else {
        return try await self.outboxProblem(signedIn, ["purge_days": "Give a number of days from 1 to 3650."])
      }
      context.audit.target("\(state.rawValue) messages")
      let cutoff = self.mailroom.clock.now - Double(days) * 86_400
      let removed = try await BlockingWork.run { try self.mailroom.outbox.purge(state: state, olderThan: cutoff) }
      context.audit.detail("older than \(days) days: \(removed) deleted")
      return self.redirect(DeskPage.outbox(state: nil, campaign: nil).path)
    }
  }

  /// Runs an action on the message (`message` field) or the campaign (`campaign` field) a
  /// form names, then shows the Outbox again; a message or campaign that is not there is
  /// said beside the form. `act` returns what happened, for the audit (nil: nothing named).
  func outboxAction(
    _ signedIn: DeskSignedIn, _ form: FormBody, _ context: DeskContext,
    _ act: @escaping @Sendable (Outbox, String?, CampaignID?) throws -> String?
  ) async throws -> Response {
    let messageText = field(form, "message")
    let campaignText = field(form, "campaign")
    let message = messageText.isEmpty ? nil : messageText
    if let message {
      guard OutboxMessage.isValidID(message) else { return try await outboxProblem(signedIn, ["message": "There is no such message."]) }
      context.audit.target("message \(message)")
    }
    let campaign = campaignText.isEmpty ? nil : CampaignID(campaignText)
    if !campaignText.isEmpty && campaign == nil { return try await outboxProblem(signedIn, ["campaign": "There is no such campaign."]) }
    if message == nil, let campaign { context.audit.target("campaign \(campaign.rawValue)") }
    do {
      let outbox = mailroom.outbox
      guard let done = try await BlockingWork.run({ try act(outbox, message, campaign) }) else {
        return try await outboxProblem(signedIn, ["message": "Choose a message or a campaign."])
      }
      context.audit.detail(done)
      outboxChanges.withLock { $0 += 1 }
    } catch let error as DeliveryError where error.code == .notFound {
      return try await outboxProblem(signedIn, ["message": "That message is no longer there, or not in a state that allows this; the page shows where it is now."])
    }
    return redirect(DeskPage.outbox(state: nil, campaign: nil).path)
  }

  /// The Outbox page again, with a problem beside the field it concerns (422).
  func outboxProblem(_ signedIn: DeskSignedIn, _ errors: [String: String]) async throws -> Response {
    let values = try await pageValues { try self.outboxValues(signedIn, state: nil, campaign: nil, after: nil, asked: [:], errors: errors) }
    return page("outbox", values, for: signedIn, status: .unprocessableContent)
  }

  /// The Outbox page's values. The overview reads every deferred message, and a page lists
  /// every folder: both are kept for 5 seconds (`DeskCache`: while one request makes them
  /// again, the others use the kept ones), made again at once after an action from the desk.
  func outboxValues(
    _ signedIn: DeskSignedIn, state: Outbox.State?, campaign: CampaignID?, after: String?, asked: [String: String], errors: [String: String]
  ) throws -> [String: Any] {
    let now = mailroom.clock.now
    let overview = try cache.value("outbox-overview", fingerprint: [String(outboxChanges.value)], lifetime: 5) {
      try mailroom.outboxOverview(now: now)
    }
    // A page lists the Outbox's folders (tens of milliseconds at 20,000 messages): kept too.
    let listing = try cache.value(
      "outbox-list \(state?.rawValue ?? "") \(campaign?.rawValue ?? "") \(after ?? "")", fingerprint: [String(outboxChanges.value)], lifetime: 5
    ) {
      try mailroom.outboxListing(state: state, campaign: campaign, after: after, limit: Self.outboxPageSize)
    }
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let columns = OutboxOverview.Column.allCases
    func columnName(_ column: OutboxOverview.Column) -> String { strings["desk_outbox_state_\(column.rawValue)"] ?? column.rawValue }
    var values: [String: Any] = [
      "can_act": signedIn.user.role.allows(.sender),
      "errors": errors,
      "asked": asked,
      "states": columns.map { ["name": columnName($0), "count": overview.byState[$0] ?? 0] },
      "campaigns": overview.byCampaign.keys.sorted { $0.rawValue < $1.rawValue }.map { id -> [String: Any] in
        let counts = overview.byCampaign[id] ?? [:]
        return [
          "id": id.rawValue, "selected": id == campaign, "link": DeskPage.outbox(state: nil, campaign: id.rawValue).path,
          "counts": columns.compactMap { column in counts[column].map { "\(columnName(column)) \($0)" } }.joined(separator: " · "),
          "can_hold": (counts[.queued] ?? 0) + (counts[.deferred] ?? 0) > 0, "can_release": (counts[.held] ?? 0) > 0,
        ]
      },
      "has_campaigns": !overview.byCampaign.isEmpty,
      "reasons": overview.deferredReasons.map { reason -> [String: Any] in
        var values: [String: Any] = ["reply": reason.reply.isEmpty ? (strings["desk_outbox_no_reply"] ?? "") : reason.reply, "count": reason.count]
        if let next = reason.nextRetry { values["next"] = time.precise(next) }
        return values
      },
      "has_reasons": !overview.deferredReasons.isEmpty,
      "has_deferred": (overview.byState[.deferred] ?? 0) > 0,
      "state_options": Outbox.State.allCases.map { ["value": $0.rawValue, "selected": $0 == state] },
      "messages": listing.messages.map { message -> [String: Any] in
        var values: [String: Any] = [
          "id": message.id, "state": message.state.rawValue, "campaign": message.campaign.rawValue, "recipient": message.recipient,
          "attempts": message.attempts, "can_hold": message.state == .queue || message.state == .deferred,
          "can_release": message.state == .hold, "can_retry": message.state == .deferred,
        ]
        // Absent rather than empty: an empty text is still a section that shows in Mustache.
        if let reply = message.lastReply, !reply.isEmpty { values["reply"] = reply }
        if let next = message.nextAttempt { values["next"] = time.precise(next) }
        return values
      },
      "empty": listing.messages.isEmpty,
    ]
    if listing.more, let last = listing.messages.last {
      values["more"] =
        DeskPage.outbox(state: state?.rawValue, campaign: campaign?.rawValue).path + (state == nil && campaign == nil ? "?" : "&") + "after=" + last.id
    }
    return values
  }
}
