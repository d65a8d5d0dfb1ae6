import Foundation
import HeraldCore
import HeraldMail

/// A reply to a journalist's inquiry, written in Markdown like a release and sent as the
/// same kind of message: plain text and HTML alternatives, UTF-8, threaded to what it
/// answers with In-Reply-To and References (RFC 5322 §3.6.4).
package struct ComposedReply: Sendable {
  /// The message, CRLF line ends, ready for DKIM and the Outbox.
  package var message: ComposedMessage
  /// Its Message-ID, without angle brackets: replies to it come back to the inquiry.
  package var messageID: String
  /// The text part, as the thread shows it.
  package var text: String

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
  ///   - quoting: The question answered, quoted below the answer; nil for none.
  ///
  /// The reply keeps its line breaks as written (a signature stays on its lines).
  package init(
    markdown: String, from: Mailbox, to: Mailbox, subject: String, inReplyTo: String?, references: [String],
    settings: ComposeSettings, stamp: MessageStamp, quoting question: Question? = nil
  ) {
    let replySubject = Self.isReply(subject) ? subject : "Re: " + subject
    let body = markdown.trimmingCharacters(in: .whitespacesAndNewlines) + (question.map { "\n\n" + $0.quoted(in: settings.timeZone) } ?? "")
    let composed = OneOffMessage(
      markdown: body, kind: .inquiryReply, from: from, recipient: to, subject: replySubject, settings: settings, stamp: stamp,
      keepingLineBreaks: true
    ) { header in
      if let inReplyTo { header.append("In-Reply-To", .raw("<\(inReplyTo)>")) }
      let thread = (references + [inReplyTo].compactMap { $0 }).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
      if !thread.isEmpty { header.append("References", .raw(thread.map { "<\($0)>" }.joined(separator: " "))) }
      // A person's answer, not a bulk or automatic message: an auto-responder may answer it.
      header.append("Auto-Submitted", .raw("no"))
    }
    self.message = composed.message
    self.messageID = composed.messageID
    self.text = composed.text
  }

  /// The question a reply answers, quoted below it as mail programs do.
  package struct Question: Sendable {
    /// Who asked: "Dmitri Ivanov <dmitri@example.com>".
    package var author: String
    /// When Herald received it.
    package var at: Date
    /// What they wrote (text, not Markdown: quoted word for word).
    package var text: String

    /// Makes a question.
    package init(author: String, at: Date, text: String) {
      self.author = author
      self.at = at
      self.text = text
    }

    /// Markdown: "On …, … wrote:" and each line of the text quoted, escaped so that the
    /// writer's words stay words (no links, no emphasis of theirs in our message).
    func quoted(in timeZone: TimeZone) -> String {
      let lines = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
      let quote = lines.map { $0.trimmingCharacters(in: .whitespaces).isEmpty ? ">" : "> " + ComposedNotice.escape(String($0)) }
      return "On \(ComposedNotice.escape(LocalTime(timeZone: timeZone).string(at))), \(ComposedNotice.escape(author)) wrote:\n\n" + quote.joined(separator: "\n")
    }
  }

  /// Whether a subject already says it is a reply (Re:, AW:, SV:, Réf. …).
  package static func isReply(_ subject: String) -> Bool {
    let lower = subject.lowercased()
    return ["re:", "aw:", "sv:", "vs:", "antw:", "réf:", "ref:", "r:"].contains { lower.hasPrefix($0) }
  }
}
