import Foundation
import HeraldCompose
import HeraldCore
import HeraldInbox
import HeraldMail
import HTTPTypes
import Hummingbird

extension WebServer {
  /// The contact form, /contact: a message becomes an inquiry through the inbox (the same
  /// path as mail), and the press office is notified through the Outbox, with Reply-To the
  /// writer so that answering the notice answers them.
  func addContactRoutes(to router: Router<WebContext>) {
    router.get("/contact") { request, _ in
      self.contactForm(values: ["release": request.uri.queryParameters["release"].map(String.init) ?? ""], errors: [:])
    }
    router.post("/contact") { request, context in
      if let refusal = self.refusal(request, context) { return refusal }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      var values: [String: String] = [:]
      for name in ["name", "email", "organization", "subject", "message", "release"] { values[name] = self.field(form, name) }
      if self.isBot(form) { return self.page("contact-sent", ["email": values["email"] ?? ""]) }
      if let problem = self.formToken.check(form["form_token"], form: "contact", at: Date()) {
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
      let message = Inbox.ContactMessage(
        name: values["name"] ?? "", email: values["email"] ?? "", organization: values["organization"].flatMap { $0.isEmpty ? nil : $0 },
        subject: values["subject"] ?? "", text: values["message"] ?? "", release: release, origin: self.evidence(request, context))
      let outcome = try self.inbox.contact(message)
      if let inquiry = outcome.inquiry {
        do {
          try self.notifyPressOffice(message, inquiry: inquiry)
        } catch {
          // The inquiry is kept; only the notice failed. It shows in herald inquiries.
          self.logger.error("the notice of a contact message could not be enqueued", metadata: ["inquiry": "\(inquiry)", "error": "\(error)"])
        }
      }
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
      "form_token": formToken.issue(form: "contact", at: Date()),
    ]
    if let problem { context["problem"] = problem }
    return page("contact", context, status: status)
  }

  /// Tells the press office (herald.yml's `web.notify`, else the Reply-To or From address).
  private func notifyPressOffice(_ message: Inbox.ContactMessage, inquiry: Int64) throws {
    let compose = mailroom.configuration.compose
    let to = try settings.notify.map { try EmailAddress.normalize($0) } ?? (compose.replyTo ?? compose.from).address
    let writer = Mailbox(name: message.name, address: try EmailAddress.normalize(message.email))
    var lines = [
      "A message came in through the contact form; it is inquiry \(inquiry) (`herald inquiries show \(inquiry)`). Reply to this email to answer \(ComposedNotice.escape(message.name)).",
      "",
      "- From: \(ComposedNotice.escape(message.name)) <\(ComposedNotice.escape(writer.address))>",
    ]
    if let organization = message.organization { lines.append("- Organisation: \(ComposedNotice.escape(organization))") }
    if let release = message.release { lines.append("- About: \(ComposedNotice.escape(release))") }
    lines.append("- Subject: \(ComposedNotice.escape(message.subject))")
    lines.append("")
    lines += message.text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + ComposedNotice.escape(String($0)) }
    let notice = ComposedNotice(
      markdown: lines.joined(separator: "\n"), kind: "contact", from: compose.from, to: Mailbox(address: to), replyTo: writer,
      subject: "Inquiry \(inquiry): \(message.subject)", settings: compose, stamp: MessageStamp.now())
    try enqueue(notice.message, kind: "contact", recipient: to, subscriber: nil)
  }
}
