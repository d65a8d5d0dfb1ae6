import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HTTPTypes
import Hummingbird

extension WebServer {
  /// Subscription: /subscribe lists the public lists, /subscribe/LIST is a list's form, and
  /// /confirm/TOKEN the confirmation a double opt-in list sends.
  ///
  /// Every answer to the form is the same page, whether the address was new, subscribed
  /// already, or suppressed: nobody learns through it who is on a list. A second request
  /// within the cooldown sends no second mail. The confirmation link expires, and, like the
  /// unsubscribe link, confirms only by the POST of the page its GET shows.
  func addSubscribeRoutes(to router: Router<WebContext>) {
    router.get("/subscribe") { _, _ in
      let lists = try self.publicLists().map { list -> [String: Any] in
        ["name": list.name, "title": list.title, "description": list.description]
      }
      return self.page("subscribe-lists", ["lists": lists])
    }
    router.get("/subscribe/:list") { _, context in
      guard let list = try self.publicList(context) else { return self.notFound() }
      return self.subscribeForm(list, values: [:], errors: [:])
    }
    router.post("/subscribe/:list") { request, context in
      guard let list = try self.publicList(context) else { return self.notFound() }
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      let values = ["email": self.field(form, "email"), "name": self.field(form, "name"), "organization": self.field(form, "organization"),
        "consent": form["consent"] == nil ? "" : "yes"]
      if self.isBot(form) { return self.subscribeSent(list, email: values["email"] ?? "") }
      if let problem = self.formToken.check(form["form_token"], form: "subscribe", at: Date()) {
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

      let consent = list.consentText.isEmpty ? Self.defaultConsent(list, organization: self.site["organization"] ?? "") : list.consentText
      let source = ConsentSource(.webForm, detail: "\(self.evidence(request, context)); agreed to: “\(consent)”")
      let outcome = try self.mailroom.store.requestSubscription(
        email: email, name: values["name"].flatMap { $0.isEmpty ? nil : $0 },
        organization: values["organization"].flatMap { $0.isEmpty ? nil : $0 }, list: list.name, source: source,
        cooldown: self.settings.confirmationCooldown)
      switch outcome {
      case .confirm(let subscriber):
        try self.sendConfirmation(to: try EmailAddress.normalize(email), subscriber: subscriber, list: list)
      case .subscribed, .nothing:
        self.logger.debug("subscription request", metadata: ["list": "\(list.name)", "outcome": "\(outcome)"])
      }
      return self.subscribeSent(list, email: email)
    }
    router.get("/confirm/:token") { _, context in
      switch self.confirmationToken(context) {
      case .none: return self.notFound()
      case .some(.expired): return self.expiredConfirmation()
      case .some(.valid(let subscriber, let list)):
        guard let (person, _) = try self.mailroom.store.subscriber(id: subscriber) else { return self.notFound() }
        return self.page("confirm", [
          "email": person.email, "token": context.parameters.get("token") ?? "", "list": ["name": list, "title": self.listTitle(list)],
          "form_token": self.formToken.issue(form: "confirm", at: Date()),
        ])
      }
    }
    router.post("/confirm/:token") { request, context in
      guard case .some(let token) = self.confirmationToken(context) else { return self.notFound() }
      guard case .valid(let subscriber, let list) = token else { return self.expiredConfirmation() }
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      if let problem = self.formToken.check(form["form_token"], form: "confirm", at: Date()) {
        return self.problem(.badRequest, heading: "Please try again", message: problem.message + " (Open the link in the email again.)")
      }
      if self.isBot(form) { return self.notFound() }
      let source = ConsentSource(.confirmation, detail: self.evidence(request, context))
      switch try self.mailroom.store.confirmSubscription(subscriber, list: list, source: source) {
      case .confirmed, .alreadySubscribed:
        return self.page("confirmed", [
          "heading": "You are subscribed", "message": "Thank you: you will receive “\(self.listTitle(list))” from now on. Every message has a link to unsubscribe.",
        ])
      case .notPending:
        return self.page("confirmed", [
          "heading": "Nothing to confirm", "message": "This subscription is no longer waiting for a confirmation. To subscribe, fill in the form again.",
        ], status: .conflict)
      }
    }
  }

  private func publicLists() throws -> [MailingList] {
    try mailroom.store.lists().filter(\.isPublic)
  }

  private func publicList(_ context: WebContext) throws -> MailingList? {
    guard let name = context.parameters.get("list") else { return nil }
    return try publicLists().first { $0.name == name }
  }

  private static func defaultConsent(_ list: MailingList, organization: String) -> String {
    "I agree that \(organization) sends me “\(list.title)” by email. I can unsubscribe at any time with the link in every message."
  }

  private func subscribeForm(
    _ list: MailingList, values: [String: String], errors: [String: String], problem: String? = nil, status: HTTPResponse.Status = .ok
  ) -> Response {
    var context: [String: Any] = [
      "list": [
        "name": list.name, "title": list.title, "description": list.description, "double_opt_in": list.doubleOptIn,
        "consent": list.consentText.isEmpty ? Self.defaultConsent(list, organization: site["organization"] ?? "") : list.consentText,
      ],
      "values": values, "errors": errors, "form_token": formToken.issue(form: "subscribe", at: Date()),
    ]
    if let problem { context["problem"] = problem }
    return page("subscribe", context, status: status)
  }

  private func subscribeSent(_ list: MailingList, email: String) -> Response {
    page("subscribe-sent", ["email": email, "list": ["title": list.title], "lifetime": Self.duration(settings.confirmationLifetime)])
  }

  private func expiredConfirmation() -> Response {
    page("confirmed", [
      "heading": "This link has expired",
      "message": "Confirmation links are good for \(Self.duration(settings.confirmationLifetime)). Fill in the subscription form again to get a new one.",
    ], status: .gone)
  }

  /// "7 days", "1 day", "12 hours".
  static func duration(_ seconds: TimeInterval) -> String {
    let hours = Int((seconds / 3600).rounded())
    if hours >= 24 && hours % 24 == 0 { return hours == 24 ? "1 day" : "\(hours / 24) days" }
    return hours == 1 ? "1 hour" : "\(max(hours, 1)) hours"
  }

  // MARK: The confirmation

  enum ConfirmationToken {
    case valid(SubscriberID, String)
    case expired
  }

  /// What the route's confirmation token says; nil when it is not one of ours.
  private func confirmationToken(_ context: WebContext) -> ConfirmationToken? {
    guard let token = context.parameters.get("token"), token.utf8.count < 512,
      let fields = try? signer.verify(token, purpose: "confirmation"), fields.count == 3,
      let subscriber = SubscriberID(fields[0]), let issued = TimeInterval(fields[2])
    else { return nil }
    let age = Date().timeIntervalSince1970 - issued
    guard age >= -60 else { return nil }  // issued in the future: not ours
    return age > settings.confirmationLifetime ? .expired : .valid(subscriber, fields[1])
  }

  /// Writes the confirmation to the Outbox.
  private func sendConfirmation(to address: String, subscriber: SubscriberID, list: MailingList) throws {
    let compose = mailroom.configuration.compose
    let token = signer.token(purpose: "confirmation", fields: [subscriber.description, list.name, String(Int(Date().timeIntervalSince1970))])
    let link = "\(compose.baseURL)/confirm/\(token)"
    let organization = ComposedNotice.escape(compose.organization)
    let markdown = """
      Please confirm that you want to receive **\(ComposedNotice.escape(list.title))** from \(organization) at \(ComposedNotice.escape(address)):

      [Confirm the subscription](\(link))

      The link is good for \(Self.duration(settings.confirmationLifetime)). If you did not ask for this, ignore this message: without your confirmation nothing is sent to you.
      """
    let notice = ComposedNotice(
      markdown: markdown, kind: "confirm", from: compose.from, to: Mailbox(address: address), replyTo: compose.replyTo,
      subject: "Please confirm: \(list.title)", settings: compose, stamp: MessageStamp.now())
    try enqueue(notice.message, kind: "confirm", recipient: address, subscriber: subscriber)
  }
}
