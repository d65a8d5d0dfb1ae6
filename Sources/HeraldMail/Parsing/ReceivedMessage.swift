import Foundation

/// A received message, parsed leniently: whatever is malformed is noted in `problems`,
/// never thrown, never a crash.
///
/// The parser works on the bytes: headers are split and unfolded, multiparts split at their
/// boundaries, bodies' transfer encodings undone, in time linear in the message's size.
/// MIME parts nest at most 32 deep; deeper ones are kept as opaque bodies.
public struct ReceivedMessage: Sendable {
  /// The root of the MIME tree: the message's header and body.
  public var root: ReceivedPart
  /// What was malformed, in plain words ("the multipart boundary “x” never closes"); empty
  /// for a well-formed message. A message embedded in a part has its own.
  public var problems: [String]

  /// Parses a message; CRLF or bare LF line ends are both accepted.
  public init(parsing bytes: [UInt8]) {
    self = bytes.withUnsafeBufferPointer { MessageParser.parseMessage($0, depth: 0, headersOnly: false) }
  }

  /// Parses only a message's header, its body left unread: for a few fields of a message
  /// kept on disk (its References, say) without decoding its parts.
  public init(parsingHeaderOf bytes: [UInt8]) {
    self = bytes.withUnsafeBufferPointer { MessageParser.parseMessage($0, depth: 0, headersOnly: true) }
  }

  init(root: ReceivedPart, problems: [String]) {
    self.root = root
    self.problems = problems
  }

  /// The message's header (`root.header`).
  public var header: ReceivedHeader { root.header }

  /// The Message-ID, without <>.
  public var messageID: String? { MessageIDList.parse(header.raw("Message-ID") ?? "").first }

  /// The message ids of In-Reply-To, without <>.
  public var inReplyTo: [String] { MessageIDList.parse(header.raw("In-Reply-To") ?? "") }

  /// The message ids of References, without <>, oldest first.
  public var references: [String] { MessageIDList.parse(header.raw("References") ?? "") }

  /// The Subject, decoded.
  public var subject: String? { header["Subject"] }

  /// The From mailboxes; what cannot be read as an address is skipped.
  public var from: [Mailbox] { mailboxes("From") }

  /// The To mailboxes (Cc is separate); what cannot be read as an address is skipped.
  public var to: [Mailbox] { mailboxes("To") }

  /// The Cc mailboxes; what cannot be read as an address is skipped.
  public var cc: [Mailbox] { mailboxes("Cc") }

  private func mailboxes(_ name: String) -> [Mailbox] {
    header.fields.filter { ReceivedHeader.namesMatch($0.name, name) }.flatMap { AddressList.mailboxes(in: $0.raw) }
  }

  /// The Date, in RFC 5322's form or its obsolete ones (two-digit years, zone names).
  public var date: Date? { header.raw("Date").flatMap(MailDate.parse) }

  /// Every part, depth first, the root first and each multipart before its parts (not
  /// descending into embedded messages).
  public var allParts: [ReceivedPart] {
    var result: [ReceivedPart] = []
    var stack: [ReceivedPart] = [root]
    while let part = stack.popLast() {
      result.append(part)
      stack.append(contentsOf: part.parts.reversed())
    }
    return result
  }

  /// The text a person wrote: the first text/plain part that is not an attachment; else the
  /// first such text/html converted to text (HTMLText); else "". Line breaks are "\n".
  public var bodyText: String {
    let parts = allParts
    if let plain = parts.first(where: { $0.contentType.mimeType == "text/plain" && !$0.isAttachment }) {
      return plain.lenientText
    }
    if let html = parts.first(where: { $0.contentType.mimeType == "text/html" && !$0.isAttachment }) {
      return HTMLText.text(fromHTML: html.lenientText)
    }
    return ""
  }

  /// Parts that are attachments.
  public var attachments: [ReceivedPart] { allParts.filter(\.isAttachment) }
}
