import Foundation
import HeraldCore
import HeraldMail

/// A message written once for one person (a reply, a confirmation, a notice): Markdown
/// made text and HTML with the organisation below it, the header fields every such message
/// has, and the two as multipart/alternative. Replies and notices add their own fields.
struct OneOffMessage {
  /// The message, CRLF line ends, ready for DKIM and the Outbox.
  var message: ComposedMessage
  /// Its Message-ID, without angle brackets.
  var messageID: String
  /// The text part.
  var text: String

  /// - Parameters:
  ///   - kind: what it is, named in its Message-ID.
  ///   - keepingLineBreaks: every line break as written (a letter), not reflowed.
  ///   - fields: adds the fields of its kind after the common ones.
  init(
    markdown: String, kind: MailKind, from: Mailbox, recipient: Mailbox, subject: String, settings: ComposeSettings,
    stamp: MessageStamp, keepingLineBreaks: Bool = false, fields: (inout MessageHeader) -> Void
  ) {
    let (text, html) = Self.body(markdown: markdown, settings: settings, keepingLineBreaks: keepingLineBreaks)
    let messageID = MessageID(kind: kind, unique: stamp.unique, domain: from.domain)
    var header = MessageHeader()
    header.append("From", .mailboxes([from]))
    header.append("To", .mailboxes([recipient]))
    header.append("Subject", .text(subject))
    header.append("Date", .raw(MailDate.format(stamp.date, in: settings.timeZone)))
    header.append("Message-ID", .raw(messageID.description))
    fields(&header)
    let parts: [MIMEPart] = [.text(subtype: "plain", content: Array(text.utf8)), .text(subtype: "html", content: Array(html.utf8))]
    var bytes: [UInt8] = []
    Message(header: header, body: .multipart(subtype: "alternative", boundary: MIMEPart.boundary(token: stamp.unique), parts: parts))
      .encode(into: &bytes)
    self.message = ComposedMessage(bytes: bytes, messageID: messageID, recipient: recipient)
    self.messageID = String(messageID.description.dropFirst().dropLast())
    self.text = text
  }

  /// A one-off message's text and HTML from Markdown, with the organisation's name and
  /// postal address below it: replies, confirmations and notifications look alike.
  static func body(markdown: String, settings: ComposeSettings, keepingLineBreaks: Bool = false) -> (text: String, html: String) {
    let parsed = MarkdownDocument(parsing: markdown)
    let document = keepingLineBreaks ? parsed.keepingLineBreaks() : parsed
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
}
