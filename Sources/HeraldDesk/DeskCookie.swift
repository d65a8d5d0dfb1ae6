import Foundation
import HTTPTypes

/// The session cookie: its name and attributes.
///
/// `__Host-` names a cookie that browsers accept only with `Secure`, `Path=/` and no
/// `Domain`: no other host or path can set or shadow it. Browsers refuse a `Secure` cookie
/// from a plain-http address, so on http (the desk on loopback, no TLS proxy) the cookie is
/// `herald-desk`, without the prefix and without `Secure`.
struct DeskCookie: Sendable {
  /// Whether the cookie is `Secure` (and `__Host-` prefixed).
  let secure: Bool
  /// How long a browser keeps it: the session's longest life.
  let maxAge: Int

  /// The cookie's name.
  var name: String { secure ? "__Host-herald-desk" : "herald-desk" }

  /// The Set-Cookie value that gives the browser `token`.
  func setting(_ token: String) -> String {
    "\(name)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
  }

  /// The Set-Cookie value that makes the browser forget it.
  var clearing: String {
    "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
  }

  /// The token in a request's Cookie headers, if any.
  func token(in fields: HTTPFields) -> String? {
    for header in fields[values: .cookie] {
      for pair in header.split(separator: ";") {
        let trimmed = pair.trimmingCharacters(in: .whitespaces)
        guard let equals = trimmed.firstIndex(of: "=") else { continue }
        if trimmed[..<equals] == name { return String(trimmed[trimmed.index(after: equals)...]) }
      }
    }
    return nil
  }
}
