import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore

extension Inbox {
  /// A message written in the web contact form.
  public struct ContactMessage: Sendable {
    /// The writer's name.
    public var name: String
    /// Their address, where the answer goes.
    public var email: String
    /// Their organisation (a newspaper, a broadcaster), if they gave one.
    public var organization: String?
    /// The subject.
    public var subject: String
    /// What they wrote.
    public var text: String
    /// The slug of the release it is about, if they chose one.
    public var release: String?
    /// Where it came from, for the record: "203.0.113.7, Mozilla/5.0 …".
    public var origin: String

    /// Makes a contact message.
    public init(name: String, email: String, organization: String?, subject: String, text: String, release: String?, origin: String) {
      self.name = name
      self.email = email
      self.organization = organization
      self.subject = subject
      self.text = text
      self.release = release
      self.origin = origin
    }
  }

  /// Takes a message from the contact form in as an inquiry, through the same path as mail:
  /// it is written as an RFC 5322 message (From the writer, To the press office), kept in
  /// Inbox/messages/ and recorded; it is an inquiry whatever its words say (a form is no
  /// proof of who wrote it, so "unsubscribe me" in it unsubscribes nobody).
  /// - Throws: `InboxError` `.invalidRequest` for an address that is not one; what keeping
  ///   or recording throws.
  public func contact(_ form: ContactMessage, now: Date = Date()) throws -> Outcome {
    let address: String
    do {
      address = try EmailAddress.normalize(form.email)
    } catch {
      throw InboxError(.invalidRequest, "“\(form.email)” is not an email address")
    }
    let settings = mailroom.configuration.compose
    let stamp = MessageStamp(date: now, unique: MessageStamp.now().unique)
    var header = MessageHeader()
    header.append("From", .mailboxes([Mailbox(name: form.name.isEmpty ? nil : form.name, address: address)]))
    header.append("To", .mailboxes([settings.replyTo ?? settings.from]))
    header.append("Subject", .text(form.subject))
    header.append("Date", .raw(MailDate.format(now, in: settings.timeZone)))
    let messageID = MessageID(release: "contact", recipient: "form", unique: stamp.unique, domain: settings.from.domain)
    header.append("Message-ID", .raw(messageID.description))
    if let organization = form.organization, !organization.isEmpty { header.append("Organization", .text(organization)) }
    header.append("X-Herald-Origin", .text("web contact form, \(form.origin)"))
    var bytes: [UInt8] = []
    Message(header: header, body: .text(subtype: "plain", content: Array(form.text.utf8))).encode(into: &bytes)
    let classification = Classification(kind: .inquiry, reason: "written in the web contact form")
    let release = form.release.flatMap { slug in (try? mailroom.store.publication(slug)) != nil ? slug : nil }
    return try read(bytes, origin: "web contact form (\(form.origin))", now: now, classification: classification, release: release)
  }
}
