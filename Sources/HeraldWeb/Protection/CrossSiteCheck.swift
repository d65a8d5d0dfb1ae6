import Foundation
import HeraldMail

/// Refuses requests that change something when a browser says another site sent them.
///
/// Browsers mark a request's origin with `Sec-Fetch-Site` (recent ones) and `Origin`
/// (on every POST for years). GET, HEAD and OPTIONS change nothing and always pass. Another
/// method fails when `Sec-Fetch-Site` is `cross-site`, or when `Origin` is present and is
/// not the origin of the server's base URL (`Origin: null`, from sandboxed frames, redirects
/// across sites and `file:` pages, fails too). A request with neither header passes: it comes
/// from an old browser or a program, and the form token still protects the form.
package struct CrossSiteCheck: Sendable {
  /// The base URL's origin, as ``Origin`` compares it; nil when it cannot be read, and then
  /// every `Origin` header mismatches.
  let origin: Origin?

  /// Makes the check for a server at `baseURL` ("https://news.example.org/press"); only its
  /// scheme, host and port count.
  package init(baseURL: String) {
    origin = Origin(baseURL, allowingPath: true)
  }

  /// Whether a request with this method and these headers may go ahead.
  /// - Parameters:
  ///   - method: The request's method, as sent ("POST"); methods are case-sensitive.
  ///   - secFetchSite: The `Sec-Fetch-Site` header, if any.
  ///   - origin: The `Origin` header, if any.
  package func allows(method: String, secFetchSite: String?, origin: String?) -> Bool {
    if ["GET", "HEAD", "OPTIONS"].contains(method) { return true }
    if let secFetchSite, secFetchSite.trimmingCharacters(in: .whitespaces).lowercased() == "cross-site" { return false }
    guard let origin else { return true }
    guard let own = self.origin, let given = Origin(origin, allowingPath: false) else { return false }
    return own == given
  }

  /// A URL's origin (RFC 6454): scheme, host and port, lowercased, with the scheme's default
  /// port written as nil, and a non-ASCII host in its ASCII form, as browsers send it.
  struct Origin: Equatable, Sendable {
    var scheme: String
    var host: String
    var port: Int?

    /// Reads `text` as an origin ("https://example.org:8443"), or with `allowingPath` as a URL
    /// whose path, query and fragment are ignored. Nil for "null" and anything else.
    init?(_ text: String, allowingPath: Bool) {
      let text = text.trimmingCharacters(in: .whitespaces)
      guard let separator = text.range(of: "://") else { return nil }
      let scheme = text[..<separator.lowerBound].lowercased()
      guard let first = scheme.first, first.isASCII, first.isLetter,
        scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
      else { return nil }
      var authority = text[separator.upperBound...]
      if let end = authority.firstIndex(where: { "/?#".contains($0) }) {
        guard allowingPath else { return nil }
        authority = authority[..<end]
      }
      if let at = authority.lastIndex(of: "@") {
        // Origins never carry credentials; a base URL might, and they do not count.
        guard allowingPath else { return nil }
        authority = authority[authority.index(after: at)...]
      }
      var host: Substring
      var portText: Substring?
      if authority.first == "[" {
        guard let close = authority.firstIndex(of: "]") else { return nil }
        host = authority[...close]
        let rest = authority[authority.index(after: close)...]
        if !rest.isEmpty {
          guard rest.first == ":" else { return nil }
          portText = rest.dropFirst()
        }
      } else if let colon = authority.lastIndex(of: ":") {
        host = authority[..<colon]
        portText = authority[authority.index(after: colon)...]
      } else {
        host = authority
      }
      guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "\t" || $0 == ":" && host.first != "[" })
      else { return nil }
      var port: Int?
      if let portText, !portText.isEmpty {
        guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText),
          number <= 65535
        else { return nil }
        port = number
      }
      if port == ["http": 80, "https": 443, "ws": 80, "wss": 443][scheme] { port = nil }
      var name = host.lowercased()
      if host.first == "[" {
        guard host.last == "]", let address = IPAddress(host.dropFirst().dropLast()), !address.isIPv4 || host.contains(":")
        else { return nil }
        name = "[\(address)]"
      } else if !name.allSatisfy(\.isASCII) {
        guard let ascii = try? Punycode.toASCII(domain: name) else { return nil }
        name = ascii
      }
      self.scheme = scheme
      self.host = name
      self.port = port
    }
  }
}
