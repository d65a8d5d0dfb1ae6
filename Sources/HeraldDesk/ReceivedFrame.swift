import Foundation
import HeraldCore
import HeraldMail
import HTTPTypes
import Hummingbird
import NIOCore

/// What the desk serves of a received message's HTML and attachments: a stranger's content,
/// kept from doing anything by two layers, so that a mistake in one still loads nothing.
///
/// The HTML is sanitised on the server (`HTMLSanitizer`: no script, no remote image, no CSS
/// that fetches, links that open nowhere) and served for a frame sandboxed without
/// `allow-scripts` and `allow-same-origin`, with a policy of its own that allows no script,
/// no remote load of any kind (images only as `data:` addresses), no form, no `<base>`, and
/// framing by the desk alone. An attachment is only ever a download: `attachment`,
/// `application/octet-stream`, `nosniff`, and the desk's policy with `sandbox`, whatever the
/// message claims it is.
enum ReceivedFrame {
  /// The frame's Content-Security-Policy.
  static let contentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox"

  /// An attachment's Content-Security-Policy: the desk's, sandboxed (should a browser show it
  /// after all, it has no origin and runs nothing).
  static let attachmentPolicy = DeskHeaders.contentSecurityPolicy + "; sandbox"

  /// The frame's document: the sanitised HTML in a body of Herald's, with a style for the
  /// placeholders of images that were not loaded, and a note when the HTML was cut.
  static func document(_ result: HTMLSanitizer.Result, title: String, truncatedNote: String) -> String {
    let note = result.truncated ? "<p class=\"herald-note\">" + HTMLSanitizer.escape(truncatedNote) + "</p>" : ""
    return """
      <!DOCTYPE html>
      <html><head><title>\(HTMLSanitizer.escape(title))</title><style>
      body{margin:1rem;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
      .herald-blocked-image{display:inline-block;padding:.1rem .4rem;border:1px dashed #6b6b6b;color:#3d3d3d;background:#f4f4f4;font-size:.875rem}
      .herald-note{padding:.5rem;background:#fff3bf;color:#3b2f00;font-weight:bold}
      </style></head><body>
      \(result.html)
      \(note)
      </body></html>
      """
  }

  /// The response that serves the frame's document.
  static func response(_ document: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Content-Security-Policy")!: contentSecurityPolicy,
      ],
      body: .init(byteBuffer: ByteBuffer(string: document)))
  }

  /// The response that offers an attachment as a download, named `name`.
  static func download(_ bytes: [UInt8], name: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "application/octet-stream", .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Content-Disposition")!: contentDisposition(name),
        HTTPField.Name("Content-Security-Policy")!: attachmentPolicy,
      ],
      body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII name for old
  /// browsers (other characters and quotes as "_"), the name itself percent-encoded.
  static func contentDisposition(_ name: String) -> String {
    let ascii = String(name.unicodeScalars.map { scalar -> Character in
      scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar.value != 0x7F ? Character(scalar) : "_"
    })
    // RFC 5987's attr-char: ASCII letters and digits and a few marks; the rest percent-encoded.
    let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
    let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
    return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
  }
}
