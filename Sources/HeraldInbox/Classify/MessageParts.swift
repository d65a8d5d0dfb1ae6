import HeraldMail

/// The parts of a message the classifier looks at, found in one walk of its MIME tree (not
/// descending into returned messages).
struct MessageParts {
  /// A `message/delivery-status` or `message/global-delivery-status` part.
  var deliveryStatus: ReceivedPart?
  /// A `message/feedback-report` part (RFC 5965).
  var feedbackReport: ReceivedPart?
  /// Whether it is a disposition notification (a read receipt, RFC 8098).
  var isDispositionNotification = false
  /// The first returned message or header block: `message/rfc822`, `message/global`,
  /// `text/rfc822-headers`, `message/global-headers`.
  var returned: ReceivedPart?
  /// The first text/plain part that is not an attachment.
  var plain: ReceivedPart?
  /// The first text/html part that is not an attachment.
  var html: ReceivedPart?

  init(_ message: ReceivedMessage) {
    var stack: [ReceivedPart] = [message.root]
    while let part = stack.popLast() {
      if !part.parts.isEmpty {
        stack.append(contentsOf: part.parts.reversed())
        continue
      }
      let type = part.contentType
      switch (type.type, type.subtype) {
      case ("message", "delivery-status"), ("message", "global-delivery-status"):
        if deliveryStatus == nil { deliveryStatus = part }
      case ("message", "feedback-report"):
        if feedbackReport == nil { feedbackReport = part }
      case ("message", "disposition-notification"), ("message", "global-disposition-notification"):
        isDispositionNotification = true
      case ("message", "rfc822"), ("message", "global"), ("text", "rfc822-headers"), ("message", "global-headers"):
        if returned == nil { returned = part }
      case ("text", "plain"):
        if plain == nil && !part.isAttachment { plain = part }
      case ("text", "html"):
        if html == nil && !part.isAttachment { html = part }
      default:
        break
      }
    }
    if let plain {
      text = Self.textBytes(of: plain, limit: Self.textLimit)
    } else if let html {
      text = Self.textBytes(of: html, limit: 2 * Self.textLimit)
      isHTML = true
    }
  }

  /// The start of the message's own text as UTF-8: its first text/plain part, else its
  /// first text/html part (then `isHTML`); empty if it has neither.
  private(set) var text: [UInt8] = []
  /// Whether `text` is HTML.
  private(set) var isHTML = false

  /// How much of the text is kept: what the classifier reads is at its start.
  static let textLimit = 16_384

  /// The first `limit` bytes of a text part's text as UTF-8. UTF-8 and ASCII bodies are taken
  /// as they are; others are decoded from their charset first, including those written in
  /// 7-bit bytes with escapes (ISO-2022-JP, as Japanese bounce notices are, and HZ, UTF-7),
  /// whose bytes are not their letters.
  static func textBytes(of part: ReceivedPart, limit: Int) -> [UInt8] {
    let head = part.body.prefix(limit)
    let charset = part.contentType.parameters["charset"].map { $0.lowercased() } ?? "us-ascii"
    if charset == "utf-8" || charset == "us-ascii" || charset == "utf8" || charset == "ascii"
      || (!isEscapedCharset(charset) && head.allSatisfy({ $0 < 0x80 }))
    {
      return Array(head)
    }
    guard let text = part.text else { return Array(head) }
    return Array(text.utf8.prefix(limit))
  }

  /// Whether a charset writes its letters as 7-bit bytes and escapes.
  private static func isEscapedCharset(_ charset: String) -> Bool {
    charset.hasPrefix("iso-2022") || charset.hasPrefix("csiso2022") || charset == "utf-7" || charset.hasPrefix("hz")
  }

  /// The notice's text for reading a bounce: the plain text, or the HTML's text.
  var noticeText: [UInt8] {
    isHTML ? ReplyText.plainText(html: text) : text
  }
}
