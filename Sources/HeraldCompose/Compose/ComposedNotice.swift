import Foundation
import HeraldCore
import HeraldMail

/// A message Herald writes by itself, one at a time: a subscription's confirmation, the
/// press office's notice of a contact message. Written in Markdown like a reply, marked
/// `Auto-Submitted: auto-generated` (RFC 3834) so that no auto-responder answers it.
package struct ComposedNotice: Sendable {
  /// The message, CRLF line ends, ready for DKIM and the Outbox.
  package var message: ComposedMessage
  /// Its Message-ID, without angle brackets.
  package var messageID: String

  /// Composes a notice.
  /// - Parameters:
  ///   - markdown: The text (CommonMark; raw HTML is dropped). Values put into it must be
  ///     escaped by the caller (`ComposedNotice.escape`).
  ///   - kind: What it is, named in its Message-ID (a confirmation, a contact notice).
  ///   - from: The sender.
  ///   - to: The recipient.
  ///   - replyTo: Where an answer goes (a contact notice: the person who wrote).
  ///   - subject: The subject.
  ///   - settings: The organisation's settings (time zone, name, postal address for the footer).
  ///   - stamp: The Date header's instant and what makes the Message-ID unique.
  package init(
    markdown: String, kind: MailKind, from: Mailbox, to: Mailbox, replyTo: Mailbox? = nil, subject: String, settings: ComposeSettings,
    stamp: MessageStamp
  ) {
    let composed = OneOffMessage(
      markdown: markdown, kind: kind, from: from, recipient: to, subject: subject, settings: settings, stamp: stamp
    ) { header in
      if let replyTo { header.append("Reply-To", .mailboxes([replyTo])) }
      header.append("Auto-Submitted", .raw("auto-generated"))
    }
    self.message = composed.message
    self.messageID = composed.messageID
  }

  /// Text made safe to put into Markdown: every punctuation character that Markdown could
  /// read as syntax is backslash-escaped, so a visitor's words stay words.
  package static func escape(_ text: String) -> String {
    var output = ""
    for character in text {
      if "\\`*_{}[]()#+-.!<>|~&".contains(character) { output.append("\\") }
      output.append(character)
    }
    return output
  }
}
