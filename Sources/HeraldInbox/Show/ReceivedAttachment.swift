import HeraldMail

/// An attachment of a received message as the desk lists it: never opened, only offered
/// as a download.
package struct ReceivedAttachment: Sendable {
  /// Its place among the message's attachments, from 1.
  package var index: Int
  /// Its file name as sent, made safe for a file system and an address (`Inbox.safeFileName`).
  package var name: String
  /// The type the message claims for it ("text/html").
  package var declaredType: String
  /// The type its first bytes show ("application/pdf"; "text/html" for markup whatever the
  /// message claims).
  package var sniffedType: String
  /// Its size in bytes, transfer encoding undone.
  package var size: Int

  /// What the first bytes of a file are, whatever it is called or claims: a few kinds told
  /// by their signatures, markup (HTML, SVG, XML), text, else application/octet-stream.
  package static func sniff(_ bytes: [UInt8]) -> String {
    let head = Array(bytes.prefix(1024))
    func starts(_ signature: [UInt8]) -> Bool { head.starts(with: signature) }
    if starts(Array("%PDF-".utf8)) { return "application/pdf" }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
    if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
    if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
    if starts(Array("RIFF".utf8)), head.count >= 12, Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
    if starts([0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
    // Markup: after a byte-order mark and white space, whatever the case.
    let text = String(decoding: head, as: UTF8.self).lowercased().drop { $0 == "\u{FEFF}" || $0.isWhitespace }
    if text.contains("<svg") { return "image/svg+xml" }
    for start in ["<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<div", "<p", "<a ", "<img", "<table", "<style", "<!--"]
    where text.hasPrefix(start) {
      return "text/html"
    }
    if text.hasPrefix("<?xml") { return "application/xml" }
    let isText = !head.isEmpty && head.allSatisfy { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C || $0 == 0x1B }
      && String(validating: head.prefix(head.count - trailingPartialUTF8(head)), as: UTF8.self) != nil
    return isText ? "text/plain" : "application/octet-stream"
  }

  /// How many bytes at the end of `bytes` start a UTF-8 sequence that the cut left unfinished.
  private static func trailingPartialUTF8(_ bytes: [UInt8]) -> Int {
    var count = 0
    for byte in bytes.reversed().prefix(3) {
      count += 1
      if byte & 0xC0 == 0xC0 {
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        return length > count ? count : 0
      }
      if byte & 0xC0 != 0x80 { return 0 }
    }
    return 0
  }
}
