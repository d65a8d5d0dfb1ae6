import Foundation
import HeraldCompose

/// A visitor's Accept-Language header (RFC 9110 §12.5.4): language ranges with q-values,
/// "ru-RU,ru;q=0.9,en;q=0.8". Matched by primary subtag, as Herald's languages are.
struct AcceptLanguage: Sendable, Equatable {
  /// The ranges' primary subtags with their weights, most wanted first (ties keep the
  /// header's order); "*" is kept as itself. Ranges with q=0 are left out.
  private(set) var preferences: [(language: String, weight: Double)] = []

  /// Reads a header; nil or malformed parts read as no preference.
  init(_ header: String?) {
    guard let header else { return }
    var found: [(language: String, weight: Double, order: Int)] = []
    for (order, item) in header.split(separator: ",").enumerated() {
      let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let range = parts.first, !range.isEmpty, range.count <= 35 else { continue }
      var weight = 1.0
      for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
        weight = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
      }
      guard weight > 0 else { continue }
      found.append((range == "*" ? "*" : LanguageTag.primary(range), weight, order))
    }
    preferences = found.sorted { ($0.weight, -$0.order) > ($1.weight, -$1.order) }.map { ($0.language, $0.weight) }
  }

  /// The language of `available` the visitor wants most; nil when they want none of them
  /// (or sent no header): the caller's default then.
  func best(of available: [String]) -> String? {
    for preference in preferences {
      if preference.language == "*" { return nil }  // anything: the default is as good
      if available.contains(preference.language) { return preference.language }
    }
    return nil
  }

  static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.preferences.map(\.language) == rhs.preferences.map(\.language) && lhs.preferences.map(\.weight) == rhs.preferences.map(\.weight)
  }
}
