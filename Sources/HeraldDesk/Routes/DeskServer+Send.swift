import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWeb
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// Sending a release, for senders: the plan (who gets it, who is left out and why, when,
  /// how it is signed and delivered) with the options (lists, now or a time, a correction,
  /// again); a confirmation that names the number of recipients and carries the plan's
  /// fingerprint; the confirmed send, which plans again and asks again when the plan has
  /// changed, then runs in the background (`DeskSends`); and a test copy to oneself. Every
  /// step goes through `Mailroom`, as `herald send` does.
  func addSendRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.send.pattern)) { request, context in
      let signedIn = try await self.require(.sender, request)
      let file = try self.releaseFile(context)
      // The page as first shown is kept for a few seconds, as this session's (DeskCache).
      let key = "send\u{0}" + signedIn.session.id + "\u{0}" + file.name
      let fingerprint = try await BlockingWork.run { self.fingerprint(ofRelease: file.name) }
      if let (kept, remake): (DeskRenderedPage, Bool) = self.cache.stale(key, fingerprint: fingerprint, lifetime: DeskCache.Lifetime.plan) {
        // Older than its lifetime: this answer is the kept page, and the plan is made again
        // meanwhile, so that nobody waits for it.
        if remake {
          Task {
            // A plan that cannot be made now: the kept page serves until the next try.
            let page = (try? await self.sendPage(signedIn, file, rendered: true).rendered) ?? kept
            self.cache.keep(page, key, fingerprint: fingerprint)
          }
        }
        return kept.response()
      }
      let page = try await self.sendPage(signedIn, file, rendered: true)
      self.cache.keep(page.rendered!, key, fingerprint: fingerprint)
      return page.response
    }
    router.post(RouterPath(DeskRoute.send.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      let file = try self.releaseFile(context)
      return try await self.confirmation(signedIn, file, form: form, notice: nil)
    }
    router.post(RouterPath(DeskRoute.sendConfirm.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      let file = try self.releaseFile(context)
      // One send of a release at a time: a second confirmation shows the one that runs.
      if let running = try await BlockingWork.run({ try self.sends.unfinished(file: file.name) }), let campaign = running.campaign {
        return self.redirect(DeskPage.campaign(campaign).path)
      }
      let options: DeskSendRequest
      switch try await self.sendRequest(form, file: file) {
      case .failure(let invalid): return try await self.sendPage(signedIn, file, form: form, errors: invalid.errors, status: .unprocessableContent)
      case .success(let chosen): options = chosen
      }
      let planned = try await self.plan(options, file: file)
      guard case .success(let plan) = planned else { return try await self.confirmation(signedIn, file, form: form, notice: nil) }
      guard self.field(form, "digest") == plan.fingerprint() else {
        // The release, the audience or the options changed since the confirmation was shown.
        return try await self.confirmation(signedIn, file, form: form, notice: self.strings["desk_send_plan_changed"])
      }
      do {
        let send = try await self.sends.start(plan, file: file.name, request: options, user: signedIn.user.id)
        return self.redirect(DeskPage.campaign(send.campaign ?? plan.campaign).path)
      } catch let error as StoreError where error.code == .alreadyExists {
        return self.redirect(DeskPage.campaign(plan.campaign).path)
      }
    }
    router.post(RouterPath(DeskRoute.testCopy.pattern)) { request, context in
      // Senders, like the rest of sending: a test copy goes out through the relay, although
      // it is recorded as no delivery and reaches only the signed-in user's own address.
      let (signedIn, _) = try await self.requireForm(.sender, request, context)
      let file = try self.releaseFile(context)
      let address = signedIn.user.email
      do {
        let request = TestCopyRequest(release: file.url.path, to: [Mailbox(name: signedIn.user.name, address: address)])
        _ = try await BlockingWork.run { try self.mailroom.sendTestCopy(request, session: nil, now: self.mailroom.clock.now) }
      } catch let error as any HeraldError {
        return try await self.sendPage(signedIn, file, problem: Self.sentence(error.summary), status: .unprocessableContent)
      }
      let notice = (self.strings[self.delivery == nil ? "desk_test_copy_waits" : "desk_test_copy_sent"] ?? "")
        .replacingOccurrences(of: "{address}", with: address)
      return try await self.sendPage(signedIn, file, notice: notice)
    }
  }

  // MARK: Pages

  /// The send page: the plan of the release as it would go now to its own lists, and the form.
  func sendPage(
    _ signedIn: DeskSignedIn, _ file: DeskReleaseFile, form: FormBody? = nil, errors: [String: String] = [:], problem: String? = nil,
    notice: String? = nil, status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    try await sendPage(signedIn, file, form: form, errors: errors, problem: problem, notice: notice, status: status, rendered: false).response
  }

  /// The send page, and its HTML when `rendered` (to keep it).
  func sendPage(
    _ signedIn: DeskSignedIn, _ file: DeskReleaseFile, form: FormBody? = nil, errors: [String: String] = [:], problem: String? = nil,
    notice: String? = nil, status: HTTPResponse.Status = .ok, rendered: Bool
  ) async throws -> (response: Response, rendered: DeskRenderedPage?) {
    var values: [String: Any] = [
      "file": file.name, "title": file.name, "links": sendLinks(file), "errors": errors, "time_zone": mailroom.configuration.compose.timeZone.identifier,
    ]
    if let problem { values["problem"] = problem }
    if let notice { values["notice"] = notice }
    if let running = try await BlockingWork.run({ try self.sends.unfinished(file: file.name) }), let campaign = running.campaign {
      values["running"] = DeskPage.campaign(campaign).path
    }
    let planned = try await plan(DeskSendRequest(), file: file, kept: true)
    let known = try await BlockingWork.run { () -> (lists: [String], campaigns: [CampaignID]) in
      (try self.mailroom.store.lists().map(\.name), try self.mailroom.store.campaigns(ofRelease: Release.slug(naming: file.name)))
    }
    switch planned {
    case .success(let plan):
      values["plan"] = planValues(plan)
      values["title"] = plan.composed.release.title
    case .failure(let failure):
      values["title"] = failure.title ?? file.name
      if failure.diagnostics.isEmpty {
        values["plan_problem"] = failure.message
      } else {
        // An empty text is a true section in Mustache: a key without a line is left out.
        values["check_errors"] = failure.diagnostics.filter { $0.severity == .error }.map { diagnostic in
          var entry = ["message": diagnostic.message]
          if let line = diagnostic.line { entry["line"] = "\(line)" }
          return entry
        }
      }
      values["release_lists"] = failure.lists
    }
    let releaseLists = (values["plan"] as? [String: Any])?["list_names"] as? [String] ?? values["release_lists"] as? [String] ?? []
    let chosen = form.map { form in form.fields.filter { $0.name == "list" }.map(\.value) } ?? releaseLists
    values["list_options"] = known.lists.map { ["name": $0, "checked": chosen.contains($0)] as [String: Any] }
    let correction = form.map { field($0, "correction") } ?? ""
    values["campaigns"] = known.campaigns.map { ["id": $0.rawValue, "selected": $0.rawValue == correction] as [String: Any] }
    values["when_schedule"] = form.map { field($0, "when") == "schedule" } ?? false
    values["at"] = form.map { field($0, "at") } ?? ""
    values["again"] = form.map { field($0, "again") == "on" } ?? false
    values["can_send"] = values["check_errors"] == nil
    values["has_check_errors"] = values["check_errors"] != nil
    let page = DeskRenderedPage(status: status, html: html("send", values, for: signedIn))
    return (page.response(), rendered ? page : nil)
  }

  /// The confirmation of the options in `form` (or the send page with what is wrong with them).
  func confirmation(_ signedIn: DeskSignedIn, _ file: DeskReleaseFile, form: FormBody, notice: String?) async throws -> Response {
    let options: DeskSendRequest
    switch try await sendRequest(form, file: file) {
    case .failure(let invalid): return try await sendPage(signedIn, file, form: form, errors: invalid.errors, status: .unprocessableContent)
    case .success(let chosen): options = chosen
    }
    let plan: CampaignPlan
    switch try await self.plan(options, file: file) {
    case .failure(let failure):
      // A problem of the options is shown beside the option; one of the release on top.
      let errors = failure.field.map { [$0: failure.message] } ?? [:]
      return try await sendPage(signedIn, file, form: form, errors: errors, problem: failure.field == nil ? failure.message : nil, status: .unprocessableContent)
    case .success(let made): plan = made
    }
    if let reason = plan.nothingToSend {
      return try await sendPage(signedIn, file, form: form, problem: Self.sentence(reason.replacingOccurrences(of: "add --again", with: "choose “again”")), status: .unprocessableContent)
    }
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let count = plan.recipients.formatted()
    let question = (strings[plan.scheduled ? "desk_send_question_at" : "desk_send_question_now"] ?? "")
      .replacingOccurrences(of: "{title}", with: plan.composed.release.title).replacingOccurrences(of: "{count}", with: count)
      .replacingOccurrences(of: "{time}", with: time.string(plan.date))
    var values: [String: Any] = [
      "title": plan.composed.release.title, "file": file.name, "question": question, "plan": planValues(plan), "digest": plan.fingerprint(),
      "links": sendLinks(file), "lists": options.lists, "when": options.sendAt == nil ? "now" : "schedule", "at": field(form, "at"),
      "correction": options.correctionOf?.rawValue ?? "", "again": options.again,
    ]
    if let notice { values["notice"] = notice }
    return page("send-confirm", values, for: signedIn)
  }

  func sendLinks(_ file: DeskReleaseFile) -> [String: String] {
    [
      "release": DeskPage.release(file: file.name).path, "check": DeskPage.check(file: file.name).path, "send": DeskPage.send(file: file.name).path,
      "confirm": DeskPage.sendConfirm(file: file.name).path, "test": DeskPage.testCopy(file: file.name).path,
    ]
  }

  /// A plan as the pages show it.
  func planValues(_ plan: CampaignPlan) -> [String: Any] {
    let zone = plan.composed.settings.timeZone
    let time = LocalTime(timeZone: zone)
    let warnings = plan.sendingWarnings + plan.warnings.filter { $0.severity == .warning }.map(\.message)
    var values: [String: Any] = [
      "recipients": plan.recipients.formatted(), "suppressed": plan.suppressed.formatted(), "already": plan.alreadyReceived.formatted(),
      "in_outbox": plan.inOutbox.formatted(), "has_suppressed": plan.suppressed > 0, "has_already": plan.alreadyReceived > 0,
      "has_in_outbox": plan.inOutbox > 0, "list_names": plan.lists,
      "lists": plan.listFigures.map { figures -> [String: Any] in
        [
          "name": figures.list, "reachable": figures.reachable.formatted(), "subscribed": figures.subscribed.formatted(),
          "unsubscribed": figures.unsubscribed.formatted(), "bounced": figures.bounced.formatted(), "pending": figures.pending.formatted(),
          "suppressed_address": figures.suppressedAddress.formatted(), "suppressed_domain": figures.suppressedDomain.formatted(),
        ]
      },
      "languages": plan.family.family.languages.map { "\(LanguageTag.autonym($0)) (\($0))" }.joined(separator: ", "),
      "archive": (plan.publishing.publishes ? strings["desk_send_archive_yes"] ?? "" : strings["desk_send_archive_no"] ?? "") + " " + plan.publishing.explanation,
      "warnings": warnings, "has_warnings": !warnings.isEmpty, "has_lists": !plan.listFigures.isEmpty,
      "relay": delivery.map { (strings["desk_send_relay"] ?? "").replacingOccurrences(of: "{relay}", with: $0) }
        ?? strings["desk_send_no_relay"] ?? "",
    ]
    // Texts that may be empty are left out instead: an empty text is a true section in Mustache.
    if !plan.signers.isEmpty {
      values["dkim"] = plan.signers.map { "\(DKIMRecord(signer: $0).name) (\($0.key.algorithm.rawValue))" }.joined(separator: ", ")
    }
    if let original = plan.correctionOf { values["correction_of"] = original.rawValue }
    if plan.scheduled { values["scheduled"] = time.string(plan.embargo?.copies == 0 ? plan.embargo?.lift ?? plan.date : plan.date) }
    if let embargo = plan.embargo {
      var entry = ["time": embargo.time.readable(in: zone), "copies": embargo.copies.formatted(), "at_lift": embargo.atLift.formatted()]
      if !embargo.copyLists.isEmpty { entry["copy_lists"] = embargo.copyLists.joined(separator: ", ") }
      if !embargo.liftLists.isEmpty { entry["lift_lists"] = embargo.liftLists.joined(separator: ", ") }
      values["embargo"] = entry
    }
    return values
  }

  // MARK: Options and plans

  /// What the form's options are wrong about, by field.
  struct InvalidSendOptions: Error {
    var errors: [String: String]
  }

  /// The options of a send form, or what is wrong with them beside each field.
  func sendRequest(_ form: FormBody, file: DeskReleaseFile) async throws -> Result<DeskSendRequest, InvalidSendOptions> {
    var request = DeskSendRequest()
    var errors: [String: String] = [:]
    let known = try await BlockingWork.run { () -> (lists: Set<String>, campaigns: [CampaignID]) in
      (Set(try self.mailroom.store.lists().map(\.name)), try self.mailroom.store.campaigns(ofRelease: Release.slug(naming: file.name)))
    }
    let correction = field(form, "correction")
    if !correction.isEmpty {
      // Only a campaign of this release that reached someone can be corrected.
      if let campaign = CampaignID(correction), known.campaigns.contains(campaign) {
        request.correctionOf = campaign
      } else {
        errors["correction"] = strings["desk_send_bad_correction"]
      }
    } else {
      let lists: [String] = form.fields.filter { $0.name == "list" }.map { field in
        let visible = field.value.unicodeScalars.filter { scalar in !Self.isInvisibleControl(scalar) }
        return String(String.UnicodeScalarView(visible))
      }
      if lists.isEmpty {
        errors["lists"] = strings["desk_send_no_lists"]
      } else if let unknown = lists.first(where: { !known.lists.contains($0) }) {
        errors["lists"] = (strings["desk_send_unknown_list"] ?? "").replacingOccurrences(of: "{list}", with: String(unknown.prefix(100)))
      } else {
        var seen: Set<String> = []
        request.lists = lists.filter { seen.insert($0).inserted }
      }
    }
    request.again = field(form, "again") == "on"
    switch field(form, "when") {
    case "", "now": break
    case "schedule":
      switch parseSendTime(field(form, "at")) {
      case .success(let date): request.sendAt = date
      case .failure(let invalid): errors["at"] = invalid.errors["at"]
      }
    default: errors["at"] = strings["desk_send_bad_when"]
    }
    return errors.isEmpty ? .success(request) : .failure(InvalidSendOptions(errors: errors))
  }

  /// A date-time input's value ("2026-12-01T09:00") read in the workspace's time zone: in
  /// the future, and within a year.
  func parseSendTime(_ text: String) -> Result<Date, InvalidSendOptions> {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = mailroom.configuration.compose.timeZone
    formatter.isLenient = false
    var date: Date?
    if text.utf8.count <= 19 {
      for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] where date == nil {
        formatter.dateFormat = format
        date = formatter.date(from: text)
      }
    }
    guard let date else { return .failure(InvalidSendOptions(errors: ["at": strings["desk_send_bad_time"] ?? ""])) }
    let now = mailroom.clock.now
    guard date > now else { return .failure(InvalidSendOptions(errors: ["at": strings["desk_send_past_time"] ?? ""])) }
    guard date < now.addingTimeInterval(366 * 86_400) else {
      return .failure(InvalidSendOptions(errors: ["at": strings["desk_send_far_time"] ?? ""]))
    }
    return .success(date)
  }

  /// Why a plan could not be made: the release's errors (`diagnostics`), or a problem of
  /// an option (`field`), or another.
  struct PlanFailure: Error {
    var message: String
    var field: String?
    var diagnostics: [Diagnostic] = []
    var title: String?
    var lists: [String] = []
  }

  /// The plan of `options` for the release file, made off the event loop.
  /// - Parameter kept: whether a plan made in the last few seconds, while the release's files
  ///   are unchanged, will do (the send page; never the confirmation or the send).
  func plan(_ options: DeskSendRequest, file: DeskReleaseFile, kept: Bool = false) async throws -> Result<CampaignPlan, PlanFailure> {
    guard kept else { return try await plan(options, file: file) }
    return try await BlockingWork.run {
      try self.cache.value("plan:" + file.name, fingerprint: self.fingerprint(ofRelease: file.name), lifetime: DeskCache.Lifetime.plan) {
        DeskPlanned(result: try self.planNow(options, file: file))
      }
    }.result
  }

  func plan(_ options: DeskSendRequest, file: DeskReleaseFile) async throws -> Result<CampaignPlan, PlanFailure> {
    try await BlockingWork.run { DeskPlanned(result: try self.planNow(options, file: file)) }.result
  }

  /// The plan of `options` for `file`, made now (blocking).
  func planNow(_ options: DeskSendRequest, file: DeskReleaseFile) throws -> Result<CampaignPlan, PlanFailure> {
    // No lists chosen: the release's own.
    let request = options.campaignRequest(path: file.url.path)
    do {
      return .success(try self.mailroom.plan(request, now: self.mailroom.clock.now))
    } catch let error as CampaignError where error.code == .releaseHasErrors {
      let release = try? self.mailroom.workspace.releaseFamily(file.url.path).first
      return .failure(PlanFailure(
        message: Self.sentence(error.summary), diagnostics: error.diagnostics, title: release?.title, lists: release?.lists ?? []))
    } catch let error as CampaignError where error.code == .correctionWaiting {
      return .failure(PlanFailure(message: Self.sentence(error.summary), field: "correction"))
    } catch let error as StoreError where error.code == .notFound || error.code == .invalidInput {
      return .failure(PlanFailure(message: Self.sentence(error.summary), field: request.correctionOf == nil ? "lists" : "correction"))
    } catch let error as any HeraldError {
      return .failure(PlanFailure(message: Self.sentence(error.summary)))
    }
  }
}

/// A plan (or why there is none) handed from the blocking pool to the page once.
struct DeskPlanned: @unchecked Sendable {
  var result: Result<CampaignPlan, DeskServer.PlanFailure>
}
