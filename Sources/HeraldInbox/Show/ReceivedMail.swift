import Foundation
import HeraldMail
import HeraldStore

/// A received message as the desk shows it: its main headers, its text, its HTML made safe
/// (`HTMLSanitizer`), its attachments as downloads. Everything in it was written by a
/// stranger; nothing of it is ever shown as Herald's own markup.
///
/// Read from the file the inbox kept (`InboundRecord.rawFile`), parsed leniently: a broken
/// message (a boundary that never closes, an unknown charset, bad base64) is shown as far as
/// it can be read, with what was wrong in `problems`. A long text is cut at `textLimit`
/// characters (`textTruncated`), so that a 10 MB body never makes a 10 MB page.
package struct ReceivedMail: Sendable {
  /// A header as shown: its name and decoded value.
  package struct Header: Sendable {
    package var name: String
    package var value: String
  }

  /// The most characters of the text shown.
  package static let textLimit = 100_000

  /// The headers a person reads, in this order, those the message has.
  package static let shownHeaders = ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID"]

  /// From, To, Cc, Reply-To, Subject, Date, Message-ID, as the message has them.
  package var headers: [Header]
  /// The text: its first text/plain part, else its first text/html part as text.
  package var text: String
  /// Whether `text` was made from the HTML (there is no text part).
  package var textIsFromHTML: Bool
  /// Whether the text was longer than `textLimit` and its end is left out.
  package var textTruncated: Bool
  /// Whether the message has an HTML part (to show, sanitised, in a sandboxed frame).
  package var hasHTML: Bool
  /// Its attachments, in order.
  package var attachments: [ReceivedAttachment]
  /// What was malformed, in plain words.
  package var problems: [String]
  /// The size of the message as received.
  package var size: Int

  private let message: ReceivedMessage

  /// Reads a message's bytes.
  package init(bytes: [UInt8]) {
    let message = ReceivedMessage(parsing: bytes)
    self.message = message
    size = bytes.count
    problems = message.problems
    headers = Self.shownHeaders.compactMap { name in message.header[name].map { Header(name: name, value: $0) } }
    let parts = message.allParts
    let plain = parts.first { $0.contentType.mimeType == "text/plain" && !$0.isAttachment }
    let html = parts.first { $0.contentType.mimeType == "text/html" && !$0.isAttachment }
    hasHTML = html != nil
    if let plain {
      let (shown, cut) = Self.text(of: plain, limit: Self.textLimit)
      text = shown
      textTruncated = cut
      textIsFromHTML = false
    } else if let html {
      let (markup, cut) = Self.text(of: html, limit: HTMLSanitizer.inputLimit)
      let converted = HTMLText.text(fromHTML: markup)
      text = String(converted.prefix(Self.textLimit))
      textTruncated = cut || converted.count > Self.textLimit
      textIsFromHTML = true
    } else {
      text = ""
      textTruncated = false
      textIsFromHTML = false
    }
    attachments = message.attachments.enumerated().map { offset, part in
      ReceivedAttachment(
        index: offset + 1, name: Self.attachmentName(part.filename, index: offset + 1), declaredType: part.contentType.mimeType,
        sniffedType: ReceivedAttachment.sniff(part.body), size: part.body.count)
    }
  }

  /// Reads the message the inbox kept for `record`.
  /// - Throws: `InboxError` `.notFound` when its file is gone or is not in the workspace.
  package static func load(_ record: InboundRecord, root: URL) throws -> ReceivedMail {
    let path = record.rawFile
    guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
      throw InboxError(.notFound, "message \(record.id) names a file outside the workspace (\(path)); it is not read")
    }
    guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
      throw InboxError(.notFound, "\(path), the file of message \(record.id), is gone; restore it from a backup of Inbox/")
    }
    return ReceivedMail(bytes: [UInt8](data))
  }

  /// The HTML part made safe, its `cid:` images (raster images of the message itself, up to
  /// 2 MB) as `data:` addresses; nil when the message has no HTML part.
  package func sanitizedHTML(imageLabel: String) -> HTMLSanitizer.Result? {
    let parts = message.allParts
    guard let html = parts.first(where: { $0.contentType.mimeType == "text/html" && !$0.isAttachment }) else { return nil }
    var images: [String: String] = [:]
    for part in parts {
      guard let raw = part.header.raw("Content-ID"), part.body.count <= 2 << 20 else { continue }
      let type = ReceivedAttachment.sniff(part.body)
      // Only what its bytes show to be a raster image, whatever the part claims.
      guard ["image/png", "image/jpeg", "image/gif", "image/webp"].contains(type) else { continue }
      let id = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")).lowercased()
      images[id] = "data:\(type);base64," + Data(part.body).base64EncodedString()
    }
    let (markup, cut) = Self.text(of: html, limit: HTMLSanitizer.inputLimit)
    var result = HTMLSanitizer.sanitize(markup, inlineImages: images, imageLabel: imageLabel)
    result.truncated = result.truncated || cut
    return result
  }

  /// The attachment at `index` (from 1) and its bytes; nil when there is none.
  package func attachment(_ index: Int) -> (ReceivedAttachment, [UInt8])? {
    let parts = message.attachments
    guard index >= 1, index <= parts.count, index <= attachments.count else { return nil }
    return (attachments[index - 1], parts[index - 1].body)
  }

  /// An attachment's name for a file system and an address: no folders, no leading dots, no
  /// control or bidirectional formatting characters (which could disguise "exe" as "pdf").
  package static func attachmentName(_ name: String?, index: Int) -> String {
    let visible = (name ?? "").unicodeScalars.filter { scalar in
      scalar.properties.generalCategory != .format && scalar.properties.generalCategory != .control
        && scalar.value != 0x2028 && scalar.value != 0x2029
    }
    let cleaned = Inbox.safeFileName(String(String.UnicodeScalarView(visible)))
    return cleaned == "attachment" && (name ?? "").isEmpty ? "attachment-\(index)" : cleaned
  }

  /// The first `limit` characters of a text part (its first `4 × limit` bytes decoded from
  /// its charset), and whether it was longer.
  static func text(of part: ReceivedPart, limit: Int) -> (String, Bool) {
    var head = part
    let byteLimit = 4 * limit
    let cut = part.body.count > byteLimit
    if cut { head.body = Array(part.body.prefix(byteLimit)) }
    let decoded = head.text ?? String(decoding: head.body, as: UTF8.self)
    guard decoded.count > limit else { return (decoded, cut) }
    return (String(decoded.prefix(limit)), true)
  }
}
