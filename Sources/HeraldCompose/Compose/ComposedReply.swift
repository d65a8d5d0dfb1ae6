import Foundation
import HeraldMail

/// A reply to a journalist's inquiry, written in Markdown like a release and sent as the
/// same kind of message: plain text and HTML alternatives, UTF-8, threaded to what it
/// answers with In-Reply-To and References (RFC 5322 §3.6.4).
public struct ComposedReply: Sendable {
  /// The message, CRLF line ends, ready for DKIM and the Outbox.
  public var message: ComposedMessage
  /// Its Message-ID, without angle brackets: replies to it come back to the inquiry.
  public var messageID: String
  /// The text part, as the thread shows it.
  public var text: String

  /// Composes a reply.
  /// - Parameters:
  ///   - markdown: The reply's text (CommonMark; raw HTML is dropped).
  ///   - from: The press office's address.
  ///   - to: The journalist.
  ///   - subject: The inquiry's subject; "Re: " is put in front unless it has one.
  ///   - inReplyTo: The Message-ID answered, without angle brackets.
  ///   - references: The thread's Message-IDs, oldest first, without angle brackets.
  ///   - settings: The organisation's settings (time zone, name, postal address for the footer).
  ///   - stamp: The Date header's instant and what makes the Message-ID unique.
  public init(
    markdown: String, from: Mailbox, to: Mailbox, subject: String, inReplyTo: String?, references: [String],
    settings: ComposeSettings, stamp: MessageStamp
  ) {
    let (text, html) = Self.body(markdown: markdown, settings: settings)
    let replySubject = Self.isReply(subject) ? subject : "Re: " + subject
    let messageID = MessageID(release: "reply", recipient: "inquiry", unique: stamp.unique, domain: from.domain)
    var header = MessageHeader()
    header.append("From", .mailboxes([from]))
    header.append("To", .mailboxes([to]))
    header.append("Subject", .text(replySubject))
    header.append("Date", .raw(MailDate.format(stamp.date, in: settings.timeZone)))
    header.append("Message-ID", .raw(messageID.description))
    if let inReplyTo { header.append("In-Reply-To", .raw("<\(inReplyTo)>")) }
    let thread = (references + [inReplyTo].compactMap { $0 }).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    if !thread.isEmpty { header.append("References", .raw(thread.map { "<\($0)>" }.joined(separator: " "))) }
    // A person's answer, not a bulk or automatic message: an auto-responder may answer it.
    header.append("Auto-Submitted", .raw("no"))
    let parts: [MIMEPart] = [.text(subtype: "plain", content: Array(text.utf8)), .text(subtype: "html", content: Array(html.utf8))]
    var bytes: [UInt8] = []
    Message(header: header, body: .multipart(subtype: "alternative", boundary: MIMEPart.boundary(token: stamp.unique), parts: parts))
      .encode(into: &bytes)
    self.message = ComposedMessage(bytes: bytes, messageID: messageID, recipient: to)
    self.messageID = String(messageID.description.dropFirst().dropLast())
    self.text = text
  }

  /// A one-off message's text and HTML from Markdown, with the organisation's name and
  /// postal address below it: replies, confirmations and notifications look alike.
  static func body(markdown: String, settings: ComposeSettings) -> (text: String, html: String) {
    let document = MarkdownDocument(parsing: markdown)
    let body = HTMLRenderer(allowRawHTML: false).render(document)
    let text = TextRenderer().render(document) + "\n--\n" + settings.organization + "\n" + (settings.postalAddress.map { $0 + "\n" } ?? "")
    let html = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"></head>
      <body style="margin:0;padding:16px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.55;color:#1f2937;">
      \(body)<p style="margin:24px 0 0 0;color:#6b7280;font-size:13px;">\(HTMLRenderer.escape(settings.organization))\(settings.postalAddress.map { "<br>" + HTMLRenderer.escape($0) } ?? "")</p>
      </body></html>

      """
    return (text, html)
  }

  /// Whether a subject already says it is a reply (Re:, AW:, SV:, Réf. …).
  public static func isReply(_ subject: String) -> Bool {
    let lower = subject.lowercased()
    return ["re:", "aw:", "sv:", "vs:", "antw:", "réf:", "ref:", "r:"].contains { lower.hasPrefix($0) }
  }
}
