import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HTTPTypes
import Hummingbird

extension WebServer {
  /// Subscription: `PublicRoute.lists` lists the public lists, `.subscribe` is a list's
  /// form, and `.confirm` the confirmation page a double opt-in list's mail links to.
  ///
  /// Every answer to the form is the same page, whether the address was new, subscribed
  /// already, or suppressed, and it comes as fast: the form's handler checks only what does
  /// not depend on who is on the list (the address's syntax, the list) and hands the request
  /// to a service (`SubscriptionRequests`) that records it and writes the confirmation after
  /// the answer. Nobody learns through it who is on a list. A second request
  /// within the cooldown sends no second mail. The confirmation link expires, and, like the
  /// unsubscribe link, confirms only by the POST of the page its GET shows.
  func addSubscribeRoutes(to router: Router<WebContext>) {
    router.get(RouterPath(.lists)) { _, _ in
      let lists = try await self.publicLists().map { list -> [String: Any] in
        ["name": list.name, "url": PublicPage.subscribe(list: list.name).path, "title": list.title, "description": list.description]
      }
      return self.page("subscribe-lists", ["lists": lists])
    }
    router.get(RouterPath(.subscribe)) { _, context in
      guard let list = try await self.publicList(context) else { return self.notFound() }
      return self.subscribeForm(list, values: [:], errors: [:])
    }
    router.post(RouterPath(.subscribe)) { request, context in
      guard let list = try await self.publicList(context) else { return self.notFound() }
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      let values = ["email": self.field(form, "email"), "name": self.field(form, "name"), "organization": self.field(form, "organization"),
        "consent": form["consent"] == nil ? "" : "yes"]
      if self.isBot(form) { return self.subscribeSent(list, email: values["email"] ?? "") }
      if let problem = self.formToken.check(form["form_token"], form: "subscribe", at: self.mailroom.clock.now) {
        return self.subscribeForm(list, values: values, errors: [:], problem: problem.message, status: .badRequest)
      }
      var errors: [String: String] = [:]
      let email = values["email"] ?? ""
      if email.isEmpty {
        errors["email"] = "Enter your email address."
      } else if email.count > WebLimits.email || (try? EmailAddress.normalize(email)) == nil {
        errors["email"] = "Enter an email address like name@example.org."
      }
      if (values["name"] ?? "").count > WebLimits.name { errors["name"] = "Shorten the name to \(WebLimits.name) characters." }
      if (values["organization"] ?? "").count > WebLimits.organization {
        errors["organization"] = "Shorten the organisation to \(WebLimits.organization) characters."
      }
      if form["consent"] == nil { errors["consent"] = "Tick the box to agree; without it we cannot send you anything." }
      guard errors.isEmpty else { return self.subscribeForm(list, values: values, errors: errors, status: .unprocessableContent) }

      let consent = list.consentText.isEmpty ? self.defaultConsent(list) : list.consentText
      let source = ConsentSource(.webForm, detail: "\(self.evidence(request, context)); agreed to: “\(consent)”")
      // Handled after the answer: the time of the answer is the same whether the address is
      // new (a confirmation to write), subscribed already or suppressed (nothing to write).
      self.subscriptions.submit(.init(
        email: email, name: values["name"].flatMap { $0.isEmpty ? nil : $0 },
        organization: values["organization"].flatMap { $0.isEmpty ? nil : $0 }, list: list.name, source: source))
      return self.subscribeSent(list, email: email)
    }
    router.get(RouterPath(.confirm)) { _, context in
      guard let token = context.parameters.value(of: .confirm) else { return self.notFound() }
      switch self.mailroom.confirmationLink(token) {
      case .none: return self.notFound()
      case .some(.expired): return self.expiredConfirmation()
      case .some(.valid(let subscriber, let list, _)):
        guard let (person, _) = try await self.mailroom.subscriber(subscriber) else { return self.notFound() }
        return self.page("confirm", [
          "email": person.email, "action": PublicPage.confirm(token: token).path, "token": token,
          "list": ["name": list, "title": await self.listTitle(list)],
          "form_token": self.formToken.issue(form: "confirm", at: self.mailroom.clock.now),
        ])
      }
    }
    router.post(RouterPath(.confirm)) { request, context in
      guard let token = context.parameters.value(of: .confirm), let link = self.mailroom.confirmationLink(token) else { return self.notFound() }
      guard case .valid(let subscriber, let list, let issued) = link else { return self.expiredConfirmation() }
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      if let problem = self.formToken.check(form["form_token"], form: "confirm", at: self.mailroom.clock.now) {
        return self.problem(.badRequest, heading: "Please try again", message: problem.message + " (Open the link in the email again.)")
      }
      if self.isBot(form) { return self.notFound() }
      // A forgotten subscriber's link works for nobody (ids are never given again).
      guard try await self.mailroom.subscriber(subscriber) != nil else { return self.notFound() }
      let source = ConsentSource(.confirmation, detail: self.evidence(request, context))
      switch try await self.mailroom.confirmSubscription(subscriber, list: list, issued: issued, source: source) {
      case .confirmed, .alreadySubscribed:
        return self.page("confirmed", [
          "heading": "You are subscribed",
          "message": "Thank you: you will receive “\(await self.listTitle(list))” from now on. Every message has a link to unsubscribe.",
        ])
      case .notPending:
        return self.page("confirmed", [
          "heading": "Nothing to confirm", "message": "This subscription is no longer waiting for a confirmation. To subscribe, fill in the form again.",
        ], status: .conflict)
      }
    }
  }

  private func publicLists() async throws -> [MailingList] {
    try await mailroom.lists().filter(\.isPublic)
  }

  private func publicList(_ context: WebContext) async throws -> MailingList? {
    guard let name = context.parameters.value(of: .subscribe) else { return nil }
    return try await publicLists().first { $0.name == name }
  }

  private func defaultConsent(_ list: MailingList) -> String {
    "I agree that \(site["organization"] as? String ?? "") sends me “\(list.title)” by email. I can unsubscribe at any time with the link in every message."
  }

  private func subscribeForm(
    _ list: MailingList, values: [String: String], errors: [String: String], problem: String? = nil, status: HTTPResponse.Status = .ok
  ) -> Response {
    var context: [String: Any] = [
      "list": [
        "name": list.name, "url": PublicPage.subscribe(list: list.name).path, "title": list.title, "description": list.description,
        "double_opt_in": list.doubleOptIn, "consent": list.consentText.isEmpty ? defaultConsent(list) : list.consentText,
      ],
      "values": values, "errors": errors, "form_token": formToken.issue(form: "subscribe", at: mailroom.clock.now),
    ]
    if let problem { context["problem"] = problem }
    return page("subscribe", context, status: status)
  }

  private func subscribeSent(_ list: MailingList, email: String) -> Response {
    page("subscribe-sent", ["email": email, "list": ["title": list.title], "lifetime": TimeSpan.describe(settings.confirmationLifetime)])
  }

  private func expiredConfirmation() -> Response {
    page("confirmed", [
      "heading": "This link has expired",
      "message": "Confirmation links are good for \(TimeSpan.describe(settings.confirmationLifetime)). Fill in the subscription form again to get a new one.",
    ], status: .gone)
  }
}
