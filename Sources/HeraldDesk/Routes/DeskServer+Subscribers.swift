import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// The subscribers: search (viewers), a subscriber's record (viewers), adding one,
  /// unsubscribing and suppressing (editors), forgetting (administrators, after typing the
  /// address). The same store calls as `herald subscribers`; the desk user is recorded as the
  /// source of every consent change. Addresses are personal data: every page is `no-store`
  /// (`DeskRenderedPage`), and search text is never logged.
  func addSubscriberRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.subscribers.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let query = DeskQuery(request)
      let term = query["q"] ?? ""
      let before = query["before"].flatMap(Int64.init)
      // A search asked again (paging back, a colleague, the next keystroke's page) is read
      // and rendered once per moment.
      return try await self.keptPage("subscribers", for: signedIn, key: request.uri.query ?? "") {
        let found = try self.mailroom.store.searchSubscribers(term, before: before)
        var values: [String: Any] = [
          "q": term, "searched": !term.isEmpty, "results": found.results.map(self.searchEntry), "none": found.results.isEmpty,
        ]
        if let next = found.next {
          values["next"] = DeskPage.subscribers(search: term.isEmpty ? nil : term, before: next).path
        }
        if term.count > SubscriberStore.searchTextLimit { values["shortened"] = true }
        if signedIn.user.role.allows(.editor) { values["new_subscriber"] = DeskPage.newSubscriber.path }
        return values
      }
    }
    router.get(RouterPath(DeskRoute.newSubscriber.pattern)) { request, _ in
      let signedIn = try await self.require(.editor, request)
      return try await self.newSubscriberPage(signedIn, form: ["status": "subscribed"], errors: [:])
    }
    router.post(RouterPath(DeskRoute.newSubscriber.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      var values: [String: String] = [:]
      for name in ["email", "name", "organization", "language", "list", "status", "note"] { values[name] = self.field(form, name) }
      var errors: [String: String] = [:]
      let status: MembershipStatus? = ["subscribed": .subscribed, "pending": .pending][values["status"] ?? ""]
      if status == nil { errors["status"] = self.strings["desk_subscriber_bad_status"] ?? "Choose subscribed or pending." }
      if (values["note"] ?? "").isEmpty {
        errors["note"] = self.strings["desk_subscriber_note_needed"] ?? "Say where their consent comes from."
      }
      if (values["note"] ?? "").count > 500 { errors["note"] = self.strings["desk_subscriber_note_long"] ?? "Keep the note under 500 characters." }
      for name in ["name", "organization"] where (values[name] ?? "").count > 200 {
        errors[name] = self.strings["desk_subscriber_too_long"] ?? "Keep it under 200 characters."
      }
      guard errors.isEmpty, let status else {
        return try await self.newSubscriberPage(signedIn, form: values, errors: errors, status: .unprocessableContent)
      }
      let source = ConsentSource.desk(user: signedIn.user.email, note: values["note"] ?? "")
      let given = values
      do {
        let (subscriber, _) = try await BlockingWork.run {
          try self.mailroom.store.addSubscriber(
            email: given["email"] ?? "", name: given["name"], organization: given["organization"], language: given["language"],
            list: given["list"] ?? "", status: status, source: source)
        }
        return self.redirect(DeskPage.subscriber(subscriber.id.rawValue).path)
      } catch let error as StoreError where error.code == .invalidInput || error.code == .notFound {
        // The store names what is wrong; a list that is not there belongs to the list field.
        let field = error.code == .notFound ? "list" : "email"
        errors[field] = Self.sentence(error.message)
        return try await self.newSubscriberPage(signedIn, form: values, errors: errors, status: .unprocessableContent)
      }
    }
    router.get(RouterPath(DeskRoute.subscriber.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let id = try Self.subscriberID(context)
      return try await self.subscriberPage(signedIn, id)
    }
    router.get(RouterPath(DeskRoute.editSubscriber.pattern)) { request, context in
      let signedIn = try await self.require(.editor, request)
      let id = try Self.subscriberID(context)
      guard let record = try await BlockingWork.run({ try self.mailroom.store.record(subscriber: id, limit: 1) }) else { throw HTTPError(.notFound) }
      let subscriber = record.profile.subscriber
      return self.editSubscriberPage(
        signedIn, id, email: subscriber.email,
        form: ["name": subscriber.name ?? "", "organization": subscriber.organization ?? "", "language": subscriber.language ?? ""], errors: [:])
    }
    router.post(RouterPath(DeskRoute.editSubscriber.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let id = try Self.subscriberID(context)
      let email = try await self.subscriberEmail(id)
      var values: [String: String] = [:]
      for name in ["name", "organization", "language"] { values[name] = self.field(form, name) }
      var errors: [String: String] = [:]
      for (name, limit) in [("name", 200), ("organization", 200), ("language", 20)] where (values[name] ?? "").count > limit {
        errors[name] = (self.strings["desk_list_too_long"] ?? "Keep it under {limit} characters.").replacingOccurrences(of: "{limit}", with: "\(limit)")
      }
      guard errors.isEmpty else {
        return self.editSubscriberPage(signedIn, id, email: email, form: values, errors: errors, status: .unprocessableContent)
      }
      let given = values
      guard try await BlockingWork.run({
        try self.mailroom.store.updateDetails(id, name: given["name"] ?? "", organization: given["organization"] ?? "", language: given["language"] ?? "")
      }) != nil else { throw HTTPError(.notFound) }
      return self.redirect(DeskPage.subscriber(id.rawValue).path)
    }
    router.post(RouterPath(DeskRoute.unsubscribeSubscriber.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let id = try Self.subscriberID(context)
      let list = self.field(form, "list")
      let email = try await self.subscriberEmail(id)
      do {
        let changed = try await BlockingWork.run {
          try self.mailroom.store.unsubscribe(email: email, list: list.isEmpty ? nil : list, source: .desk(user: signedIn.user.email))
        }
        let text = changed.isEmpty ? (self.strings["desk_subscriber_nothing_changed"] ?? "Nothing changed: they were not subscribed.")
          : (self.strings["desk_subscriber_unsubscribed"] ?? "Unsubscribed from {lists}.").replacingOccurrences(of: "{lists}", with: changed.joined(separator: ", "))
        return try await self.subscriberPage(signedIn, id, notice: text)
      } catch let error as StoreError where error.code == .notFound || error.code == .invalidInput {
        return try await self.subscriberPage(signedIn, id, errors: ["list": Self.sentence(error.message)], status: .unprocessableContent)
      }
    }
    router.post(RouterPath(DeskRoute.suppressSubscriber.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let id = try Self.subscriberID(context)
      let email = try await self.subscriberEmail(id)
      let reason = self.field(form, "reason")
      guard !reason.isEmpty, reason.count <= 500 else {
        return try await self.subscriberPage(
          signedIn, id, errors: ["reason": self.strings["desk_suppress_reason_needed"] ?? "Say why (under 500 characters)."], status: .unprocessableContent)
      }
      let target = self.field(form, "scope") == "domain" ? "@" + (email.split(separator: "@").last.map(String.init) ?? "") : email
      do {
        let suppression = try await BlockingWork.run {
          try self.mailroom.store.suppress(target, reason: "\(reason) (by \(signedIn.user.email) in the desk)")
        }
        let text = (self.strings["desk_suppressed"] ?? "{target} is suppressed: nothing is sent to it.")
          .replacingOccurrences(of: "{target}", with: suppression.kind == .domain ? "@" + suppression.value : suppression.value)
        return try await self.subscriberPage(signedIn, id, notice: text)
      } catch let error as StoreError where error.code == .invalidInput {
        return try await self.subscriberPage(signedIn, id, errors: ["reason": Self.sentence(error.message)], status: .unprocessableContent)
      }
    }
    router.get(RouterPath(DeskRoute.forgetSubscriber.pattern)) { request, context in
      let signedIn = try await self.require(.admin, request)
      let id = try Self.subscriberID(context)
      return try await self.forgetPage(signedIn, id, errors: [:])
    }
    router.post(RouterPath(DeskRoute.forgetSubscriber.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.admin, request, context)
      let id = try Self.subscriberID(context)
      let email = try await self.subscriberEmail(id)
      let typed = self.field(form, "confirm")
      // The address typed again: forgetting cannot be undone.
      guard typed.lowercased() == email.lowercased() else {
        return try await self.forgetPage(
          signedIn, id, errors: ["confirm": self.strings["desk_forget_confirm_wrong"] ?? "Type the address exactly as shown to confirm."],
          status: .unprocessableContent)
      }
      try await BlockingWork.run { try self.mailroom.store.forget(email: email) }
      self.logger.notice("a subscriber was forgotten in the desk", metadata: ["subscriber": "\(id)", "by": "\(signedIn.user.id.rawValue)"])
      return self.page("subscriber-forgotten", ["search": DeskPage.subscribers().path], for: signedIn)
    }
  }

  /// The subscriber id of the address, or the 404.
  static func subscriberID(_ context: DeskContext) throws -> SubscriberID {
    guard let text = context.parameters.get("subscriber"), let value = Int64(text), value > 0 else {
      throw HTTPError(.notFound)
    }
    return SubscriberID(value)
  }

  /// The address of subscriber `id`, or the 404 (never was, or forgotten).
  func subscriberEmail(_ id: SubscriberID) async throws -> String {
    guard let email = try await BlockingWork.run({ try self.mailroom.store.email(of: id) }) else { throw HTTPError(.notFound) }
    return email
  }

  /// A search result as the page shows it.
  func searchEntry(_ result: SubscriberStore.SearchResult) -> [String: Any] {
    [
      "link": DeskPage.subscriber(result.id.rawValue).path, "email": result.email, "name": result.name ?? "",
      "organization": result.organization ?? "",
      "lists": result.memberships.map { ["list": $0.list, "status": $0.status.rawValue, "status_name": statusName($0.status)] },
    ]
  }

  /// A membership state in the desk's words.
  func statusName(_ status: MembershipStatus) -> String { strings["desk_member_\(status.rawValue)"] ?? status.rawValue }

  /// The subscriber's page: memberships, consent history, deliveries, what came back,
  /// inquiries; the forms an editor (and an administrator) may use.
  func subscriberPage(
    _ signedIn: DeskSignedIn, _ id: SubscriberID, notice: String? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    let key = "subscriber:\(id.rawValue)"
    let kept = try await BlockingWork.run {
      try self.cache.value(key, fingerprint: [String(self.mailroom.store.generation)], lifetime: DeskCache.Lifetime.store) {
        try self.mailroom.store.record(subscriber: id)
      }
    }
    guard let record = kept else { throw HTTPError(.notFound) }
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let subscriber = record.profile.subscriber
    var values: [String: Any] = [
      "id": id.rawValue, "email": subscriber.email, "name": subscriber.name ?? "", "organization": subscriber.organization ?? "",
      "language": subscriber.language ?? "", "since": time.string(subscriber.createdAt), "errors": errors,
      "memberships": record.profile.memberships.map { membership -> [String: Any] in
        [
          "list": membership.list, "link": DeskPage.list(membership.list).path, "status": membership.status.rawValue,
          "status_name": statusName(membership.status), "source": sourceText(membership.source), "at": time.string(membership.changedAt),
        ]
      },
      "history": record.profile.history.reversed().map { event -> [String: Any] in
        [
          "list": event.list ?? "—", "status": event.status.rawValue, "status_name": statusName(event.status),
          "source": sourceText(event.source), "at": time.string(event.at), "request": event.kind == .request,
        ]
      },
      "deliveries": record.deliveries.map { delivery -> [String: Any] in
        [
          "release": delivery.release, "campaign": delivery.campaign.rawValue, "link": DeskPage.campaign(delivery.campaign).path,
          "list": delivery.list ?? "", "outcome": delivery.outcome.rawValue, "outcome_name": strings["desk_outcome_\(delivery.outcome.rawValue)"] ?? delivery.outcome.rawValue,
          "reply": delivery.reply, "at": time.string(delivery.at),
        ]
      },
      "returned": record.returned.map { item -> [String: Any] in
        [
          "link": DeskPage.received(item.id).path, "kind": item.kind.rawValue,
          "kind_name": strings["desk_returned_\(item.kind.rawValue)"] ?? item.kind.rawValue, "subject": item.subject ?? "",
          "reason": item.reason, "at": time.string(item.receivedAt),
        ]
      },
      "inquiries": record.inquiries.map { inquiry -> [String: Any] in
        ["link": DeskPage.inquiry(inquiry.id).path, "subject": inquiry.subject, "status": inquiry.status.rawValue, "at": time.string(inquiry.createdAt)]
      },
      "unsubscribe": DeskPage.unsubscribeSubscriber(id.rawValue).path, "suppress": DeskPage.suppressSubscriber(id.rawValue).path,
      "subscribed_lists": record.profile.memberships.filter { $0.status == .subscribed || $0.status == .pending }.map { ["list": $0.list] },
    ]
    if let suppressed = record.profile.suppressed { values["suppressed"] = suppressed }
    if let notice { values["notice"] = notice }
    values["can_edit"] = signedIn.user.role.allows(.editor)
    values["edit"] = DeskPage.editSubscriber(id.rawValue).path
    if signedIn.user.role.allows(.admin) { values["forget"] = DeskPage.forgetSubscriber(id.rawValue).path }
    values["domain"] = subscriber.email.split(separator: "@").last.map(String.init) ?? ""
    return page("subscriber", values, for: signedIn, status: status)
  }

  /// The form of a subscriber's details.
  func editSubscriberPage(
    _ signedIn: DeskSignedIn, _ id: SubscriberID, email: String, form: [String: String], errors: [String: String],
    status: HTTPResponse.Status = .ok
  ) -> Response {
    page(
      "subscriber-edit",
      ["email": email, "form": form, "errors": errors, "back": DeskPage.subscriber(id.rawValue).path, "action": DeskPage.editSubscriber(id.rawValue).path],
      for: signedIn, status: status)
  }

  /// Evidence as the page shows it: its kind in words, and its particulars.
  func sourceText(_ source: ConsentSource) -> String {
    (strings["desk_source_\(source.kind.rawValue)"] ?? source.kind.rawValue) + (source.detail.isEmpty ? "" : " — " + source.detail)
  }

  /// The confirmation before forgetting: what is erased, what is kept, the address to type.
  func forgetPage(_ signedIn: DeskSignedIn, _ id: SubscriberID, errors: [String: String], status: HTTPResponse.Status = .ok) async throws -> Response {
    guard let record = try await BlockingWork.run({ try self.mailroom.store.record(subscriber: id, limit: 1) }) else { throw HTTPError(.notFound) }
    let subscriber = record.profile.subscriber
    return page(
      "subscriber-forget",
      [
        "email": subscriber.email, "name": subscriber.name ?? "", "back": DeskPage.subscriber(id.rawValue).path,
        "action": DeskPage.forgetSubscriber(id.rawValue).path, "lists": record.profile.memberships.count, "errors": errors,
      ], for: signedIn, status: status)
  }

  /// The form to add a subscriber, with the lists to choose from.
  func newSubscriberPage(
    _ signedIn: DeskSignedIn, form: [String: String], errors: [String: String], status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    let lists = try await BlockingWork.run { try self.mailroom.store.lists() }
    let chosen = form["list"] ?? ""
    return page(
      "subscriber-new",
      [
        "form": form, "errors": errors, "action": DeskPage.newSubscriber.path,
        "lists": lists.map { list -> [String: Any] in ["name": list.name, "title": list.title, "selected": list.name == chosen] },
        "pending": form["status"] == "pending", "no_lists": lists.isEmpty,
      ], for: signedIn, status: status)
  }
}
