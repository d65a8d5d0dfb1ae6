import Foundation
import HeraldCampaign
import HeraldCore
import HeraldMail
import HTTPTypes
import Hummingbird

extension WebServer {
  /// The contact form (`PublicRoute.contact`): a message becomes an inquiry the way mail
  /// does, and the press office is notified through the Outbox, with Reply-To the writer so
  /// that answering the notice answers them (`Mailroom.receiveContact`).
  func addContactRoutes(to router: Router<WebContext>) {
    router.get(RouterPath(.contact)) { request, _ in
      self.contactForm(values: ["release": request.uri.queryParameters["release"].map(String.init) ?? ""], errors: [:])
    }
    router.post(RouterPath(.contact)) { request, context in
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      var values: [String: String] = [:]
      for name in ["name", "email", "organization", "subject", "message", "release"] { values[name] = self.field(form, name) }
      if self.isBot(form) { return self.page("contact-sent", ["email": values["email"] ?? ""]) }
      if let problem = self.formToken.check(form["form_token"], form: "contact", at: self.mailroom.clock.now) {
        return self.contactForm(values: values, errors: [:], problem: problem.message, status: .badRequest)
      }
      var errors: [String: String] = [:]
      func require(_ name: String, _ limit: Int, missing: String, label: String) {
        let value = values[name] ?? ""
        if value.isEmpty { errors[name] = missing } else if value.count > limit { errors[name] = "Shorten the \(label) to \(limit) characters (it has \(value.count))." }
      }
      require("name", WebLimits.name, missing: "Enter your name.", label: "name")
      require("email", WebLimits.email, missing: "Enter your email address: we answer there.", label: "address")
      if errors["email"] == nil, (try? EmailAddress.normalize(values["email"] ?? "")) == nil {
        errors["email"] = "Enter an email address like name@example.org."
      }
      if (values["organization"] ?? "").count > WebLimits.organization {
        errors["organization"] = "Shorten the organisation to \(WebLimits.organization) characters."
      }
      require("subject", WebLimits.subject, missing: "Enter a subject.", label: "subject")
      require("message", WebLimits.message, missing: "Write your message.", label: "message")
      guard errors.isEmpty else { return self.contactForm(values: values, errors: errors, status: .unprocessableContent) }

      let release = values["release"].flatMap { slug in self.archive.visible.contains { $0.slug == slug } ? slug : nil }
      let message = Mailroom.ContactMessage(
        name: values["name"] ?? "", email: values["email"] ?? "", organization: values["organization"].flatMap { $0.isEmpty ? nil : $0 },
        subject: values["subject"] ?? "", text: values["message"] ?? "", release: release, origin: self.evidence(request, context))
      _ = try await self.mailroom.receiveContact(message)
      return self.page("contact-sent", ["email": values["email"] ?? ""])
    }
  }

  private func contactForm(values: [String: String], errors: [String: String], problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
    let chosen = values["release"] ?? ""
    let releases = archive.visible.prefix(50).map { publication -> [String: Any] in
      ["slug": publication.slug, "title": publication.title, "selected": publication.slug == chosen]
    }
    var context: [String: Any] = [
      "values": values, "errors": errors, "releases": releases, "has_releases": !releases.isEmpty,
      "form_token": formToken.issue(form: "contact", at: mailroom.clock.now),
    ]
    if let problem { context["problem"] = problem }
    return page("contact", context, status: status)
  }
}
