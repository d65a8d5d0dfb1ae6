import Crypto
import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace

extension Mailroom {
  /// A message written in the web contact form.
  package struct ContactMessage: Sendable {
    /// The writer's name.
    package var name: String
    /// Their address, where the answer goes.
    package var email: String
    /// Their organisation (a newspaper, a broadcaster), if they gave one.
    package var organization: String?
    /// The subject.
    package var subject: String
    /// What they wrote.
    package var text: String
    /// The slug of the release it is about, if they chose one.
    package var release: String?
    /// Where it came from, for the record: "203.0.113.7, Mozilla/5.0 …".
    package var origin: String

    /// Makes a contact message.
    package init(name: String, email: String, organization: String?, subject: String, text: String, release: String?, origin: String) {
      self.name = name
      self.email = email
      self.organization = organization
      self.subject = subject
      self.text = text
      self.release = release
      self.origin = origin
    }
  }

  /// What taking a contact message in came to.
  package struct ContactReceipt: Sendable {
    /// The inquiry it opened (or joined).
    package var inquiry: Int64
    /// Why the press office was not notified, when it could not be; the inquiry is kept.
    package var noticeProblem: String?
  }

  /// Takes a message from the contact form in as an inquiry, the way mail comes in: it is
  /// written as an RFC 5322 message (From the writer, To the press office, a Message-ID of
  /// kind `.contactMessage`), kept in Inbox/messages/ and recorded with its inquiry in one
  /// transaction. It is an inquiry whatever its words say (a form proves nothing about who
  /// wrote it, so "unsubscribe me" in it unsubscribes nobody). Then the press office is told
  /// by mail (herald.yml's `web.notify`, else the Reply-To or From address), Reply-To the
  /// writer, so that answering the notice answers them.
  /// - Throws: `CampaignError` `.invalidRequest` for an address that is not one; what
  ///   keeping or recording throws (nothing is recorded then).
  package func receiveContact(_ message: ContactMessage) async throws -> ContactReceipt {
    // Name, organisation and subject are one line each, without bidirectional overrides,
    // as a subscriber's name is (`SubscriberText`): they go into header fields, the
    // notice's own lines and the terminal.
    var form = message
    form.name = SubscriberText.cleaned(form.name).text
    form.organization = form.organization.map { SubscriberText.cleaned($0).text }.flatMap { $0.isEmpty ? nil : $0 }
    form.subject = SubscriberText.cleaned(form.subject).text
    return try await BlockingWork.run { [self, form] in
      let now = clock.now
      let writer: Mailbox
      do {
        writer = Mailbox(name: form.name.isEmpty ? nil : form.name, address: try EmailAddress.normalize(form.email))
      } catch {
        throw CampaignError(.invalidRequest, "“\(form.email)” is not an email address")
      }
      let settings = configuration.compose
      let messageID = MessageID(kind: .contactMessage, unique: MessageStamp.now(at: now).unique, domain: settings.from.domain)
      var header = MessageHeader()
      header.append("From", .mailboxes([writer]))
      header.append("To", .mailboxes([settings.replyTo ?? settings.from]))
      header.append("Subject", .text(form.subject))
      header.append("Date", .raw(MailDate.format(now, in: settings.timeZone)))
      header.append("Message-ID", .raw(messageID.description))
      if let organization = form.organization, !organization.isEmpty { header.append("Organization", .text(organization)) }
      header.append("X-Herald-Origin", .text("web contact form, \(form.origin)"))
      var bytes: [UInt8] = []
      Message(header: header, body: .text(subtype: "plain", content: Array(form.text.utf8))).encode(into: &bytes)

      let digest = Hex.encode(SHA256.hash(data: bytes))
      let id = String(messageID.description.dropFirst().dropLast())
      let release = try form.release.flatMap { slug in try store.publication(slug) != nil ? slug : nil }
      let subscriber = try store.subscriber(address: writer.address)
      let rawFile = try workspace.keepReceivedMessage(bytes, digest: digest, at: now)
      let record = InboundRecord(
        messageID: id, digest: digest, receivedAt: now, importedAt: now, origin: "web contact form (\(form.origin))",
        fromAddress: writer.address, fromName: writer.name, subject: form.subject, kind: .inquiry, reason: "written in the web contact form",
        release: release, subscriber: subscriber?.id, rawFile: rawFile, details: nil)
      let (_, inquiry) = try store.recordInquiryMessage(
        record,
        .init(
          fromAddress: writer.address, fromName: writer.name, subject: form.subject, release: release, messageID: id, answers: [],
          text: form.text, attachments: [], at: now, organization: form.organization))
      var receipt = ContactReceipt(inquiry: inquiry)
      do {
        try notifyPressOffice(form, writer: writer, release: release, inquiry: inquiry, at: now)
      } catch {
        // The inquiry is kept; only the notice failed. It shows in herald inquiries.
        logger.error("the notice of a contact message could not be enqueued", metadata: ["inquiry": "\(inquiry)", "error": "\(error)"])
        receipt.noticeProblem = "\(error)"
      }
      return receipt
    }
  }

  /// Writes the press office's notice of a contact message to the Outbox.
  private func notifyPressOffice(_ message: ContactMessage, writer: Mailbox, release: String?, inquiry: Int64, at now: Date) throws {
    let compose = configuration.compose
    let to = try configuration.web.notify.map { try EmailAddress.normalize($0) } ?? (compose.replyTo ?? compose.from).address
    var lines = [
      "A message came in through the contact form; it is inquiry \(inquiry) (`herald inquiries show \(inquiry)`). Reply to this email to answer \(ComposedNotice.escape(message.name)).",
      "",
      "- From: \(ComposedNotice.escape(message.name)) <\(ComposedNotice.escape(writer.address))>",
    ]
    if let organization = message.organization, !organization.isEmpty { lines.append("- Organisation: \(ComposedNotice.escape(organization))") }
    if let release { lines.append("- About: \(ComposedNotice.escape(release))") }
    lines.append("- Subject: \(ComposedNotice.escape(message.subject))")
    lines.append("")
    // Every line of the message is quoted, whatever ends it (CRLF, CR, LF, U+2028…): a
    // line left unquoted would read as the notice's own words ("sender verified").
    lines += message.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { "> " + ComposedNotice.escape(String($0)) }
    let notice = ComposedNotice(
      markdown: lines.joined(separator: "\n"), kind: .contactNotice, from: compose.from, to: Mailbox(address: to),
      replyTo: Mailbox(name: message.name, address: writer.address), subject: "Inquiry \(inquiry): \(message.subject)", settings: compose,
      stamp: MessageStamp.now(at: now))
    try enqueue(notice.message, kind: .contactNotice, subscriber: nil, at: now)
  }
}
