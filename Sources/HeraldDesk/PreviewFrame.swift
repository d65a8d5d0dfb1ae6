import Foundation
import HeraldCompose
import HeraldCore
import HTTPTypes
import Hummingbird
import NIOCore

/// A document the desk shows in a sandboxed frame: the email's HTML, the archive page as it
/// will look. It is the release's own HTML (which may hold raw HTML, and the subscriber's
/// name), so it is kept from doing anything: served with a policy of its own that allows no
/// script, no plugin, no form, nothing loaded from elsewhere, and framing by the desk alone;
/// the frame's `sandbox` attribute and the policy's `sandbox` give it an origin of its own.
///
/// Its images are the release's files, put in as data: addresses (a sandboxed document has
/// no origin, so a browser would not send it the desk's session cookie for a desk address);
/// any other image is replaced by an empty one, so that showing it fetches nothing remote.
struct PreviewFrame {
  /// The frame's Content-Security-Policy: the desk's own `frame-ancestors 'none'` relaxed to
  /// 'self' for this response only.
  static let contentSecurityPolicy =
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"

  /// What an image that may not be loaded becomes: an empty data: address (nothing fetched).
  static let blockedImage = "data:,"

  /// The largest file put into a document as a data: address (a photo's mail rendition is
  /// far smaller); a larger one stays a desk address.
  static let largestInlined = 4 << 20

  /// `html` with every address of a release file (`addresses`: as published, or by
  /// Content-ID) made the desk's, its images data: addresses, every other image blocked;
  /// `stylesheet` put in place of the page's stylesheet links (and no other `<link>` kept);
  /// `banner` shown at the top of the body.
  /// - Parameters:
  ///   - addresses: an address in the HTML → the desk's address of the file.
  ///   - files: the desk's address of each file → the file on disk and its media type.
  static func document(
    _ html: String, addresses: [String: String], files: [String: (url: URL, mediaType: String, size: Int)], stylesheet: String? = nil,
    banner: String? = nil
  ) -> String {
    var document = addresses.keys.sorted { $0.count > $1.count }.reduce(html) { $0.replacingOccurrences(of: $1, with: addresses[$1]!) }
    // Every image source: a release file's data, or nothing.
    document = replacing(#"(?i)(\s)(src|srcset|background|poster)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#, in: document) { groups in
      let attribute = groups[2].lowercased()
      var value = groups[3]
      if value.hasPrefix("\"") || value.hasPrefix("'") { value = String(value.dropFirst().dropLast()) }
      let decoded = value.replacingOccurrences(of: "&amp;", with: "&")
      guard attribute == "src" || attribute == "background" else { return groups[1] + "data-blocked-\(attribute)=\"\"" }
      if decoded.hasPrefix("data:") { return groups[0] }
      if let file = files[decoded], file.size <= largestInlined, let bytes = FileManager.default.contents(atPath: file.url.path) {
        return groups[1] + "\(attribute)=\"data:\(file.mediaType);base64,\(bytes.base64EncodedString())\""
      }
      return groups[1] + "\(attribute)=\"\(blockedImage)\""
    }
    // The stylesheet in place (nothing is loaded from elsewhere, not even from the site).
    var styled = false
    document = replacing(#"(?i)<link\b[^>]*>"#, in: document) { groups in
      guard let stylesheet, !styled, groups[0].lowercased().contains("stylesheet") else { return "" }
      styled = true
      return "<style>\n" + stylesheet.replacingOccurrences(of: "</", with: "<\\/") + "\n</style>"
    }
    if let banner, let body = document.range(of: #"(?i)<body\b[^>]*>"#, options: .regularExpression) {
      let note = "<p role=\"note\" style=\"margin:0;padding:.5rem 1rem;background:#fff3bf;color:#3b2f00;font:bold 1rem/1.4 system-ui,sans-serif;border-bottom:2px solid #8a6d00\">"
        + Markup.escape(banner) + "</p>"
      document.insert(contentsOf: note, at: body.upperBound)
    }
    return document
  }

  /// `text` with each match of `pattern` replaced by what `replacement` makes of its groups
  /// (the whole match first).
  private static func replacing(_ pattern: String, in text: String, _ replacement: ([String]) -> String) -> String {
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
    let source = text as NSString
    var result = ""
    var last = 0
    for match in expression.matches(in: text, range: NSRange(location: 0, length: source.length)) {
      result += source.substring(with: NSRange(location: last, length: match.range.location - last))
      let groups = (0..<match.numberOfRanges).map { index -> String in
        let range = match.range(at: index)
        return range.location == NSNotFound ? "" : source.substring(with: range)
      }
      result += replacement(groups)
      last = match.range.location + match.range.length
    }
    return result + source.substring(from: last)
  }

  /// The response that serves a frame's document.
  static func response(_ document: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        HTTPField.Name("Content-Security-Policy")!: contentSecurityPolicy,
      ],
      body: .init(byteBuffer: ByteBuffer(string: document)))
  }
}
