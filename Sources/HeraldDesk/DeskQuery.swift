import Foundation
import Hummingbird

/// A GET request's query, read as a browser's form sends it (`+` a space, percent-encoded
/// bytes), control and bidirectional formatting characters removed, the first of each name.
struct DeskQuery {
  private var values: [String: String] = [:]

  init(_ request: Request) {
    for pair in (request.uri.query ?? "").split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0])
      let raw = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
      let decoded = raw.removingPercentEncoding ?? raw
      let cleaned = String(String.UnicodeScalarView(decoded.unicodeScalars.filter { !DeskServer.isInvisibleControl($0) }))
      if values[name] == nil { values[name] = cleaned.trimmingCharacters(in: .whitespaces) }
    }
  }

  subscript(_ name: String) -> String? { values[name] }
}
