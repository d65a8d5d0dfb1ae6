import Foundation
import GRDB

/// A condition on a subscriber's field that the recipients of a send must meet (`herald send
/// --where beat=energy`): the field equals (`=`), contains (`~`) or differs from (`!=`) a
/// value, compared without case in any script (`ПОЧТА` equals `почта`). A field is one of
/// the subscriber's columns (email, name, organization, language, domain) or an imported
/// attribute (`Beat`, `country`…, named without case); a subscriber who does not have it has
/// it empty, so `country!=SE` includes those with no country.
package struct SubscriberCondition: Sendable, Hashable, Codable, CustomStringConvertible {
  /// How the field is compared with the value.
  package enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    /// The field is the value.
    case equals = "="
    /// The value is part of the field.
    case contains = "~"
    /// The field is not the value.
    case differs = "!="
  }

  /// The field, as the person wrote it (`beat`).
  package var field: String
  /// How it is compared.
  package var comparison: Comparison
  /// The value it is compared with.
  package var value: String

  /// Makes a condition.
  package init(_ field: String, _ comparison: Comparison, _ value: String) {
    self.field = field
    self.comparison = comparison
    self.value = value
  }

  /// Reads `FIELD=VALUE`, `FIELD~VALUE` or `FIELD!=VALUE` (spaces around either side are
  /// dropped; the value may hold `=`, `~` and `!`).
  /// - Throws: `StoreError` `.invalidInput` naming the text and how to write a condition.
  package init(parsing text: String) throws {
    let how = "write FIELD=VALUE (equals), FIELD~VALUE (contains) or FIELD!=VALUE (differs), e.g. beat=energy"
    guard let mark = text.firstIndex(where: { $0 == "=" || $0 == "~" || $0 == "!" }) else {
      throw StoreError(.invalidInput, "“\(text)” is not a condition: \(how)")
    }
    let rest = text[mark...]
    let comparison: Comparison
    if rest.hasPrefix("!=") {
      comparison = .differs
    } else if rest.hasPrefix("=") {
      comparison = .equals
    } else if rest.hasPrefix("~") {
      comparison = .contains
    } else {
      throw StoreError(.invalidInput, "“\(text)” is not a condition: \(how)")
    }
    let field = text[..<mark].trimmingCharacters(in: .whitespaces)
    let value = rest.dropFirst(comparison.rawValue.count).trimmingCharacters(in: .whitespaces)
    guard !field.isEmpty else { throw StoreError(.invalidInput, "“\(text)” names no field: \(how)") }
    if comparison == .contains && value.isEmpty {
      throw StoreError(.invalidInput, "“\(text)”: every field contains nothing; give the text to look for, e.g. \(field)~energy")
    }
    self.init(field, comparison, value)
  }

  /// `beat=energy`, as it is written on the command line.
  package var description: String { "\(field)\(comparison.rawValue)\(value)" }

  /// Conditions as a person reads them: `beat = energy and country != SE`.
  package static func sentence(_ conditions: [SubscriberCondition]) -> String {
    conditions.map { "\($0.field) \($0.comparison.rawValue) \($0.value)" }.joined(separator: " and ")
  }

  /// Whether a subscriber whose field holds `fieldValue` (nil: they do not have it) meets
  /// the condition: the rule the store's query applies, in Swift.
  package func matches(_ fieldValue: String?) -> Bool {
    let field = Self.folded(fieldValue ?? ""), value = Self.folded(value)
    switch comparison {
    case .equals: return field == value
    case .contains: return field.contains(value)
    case .differs: return field != value
    }
  }

  /// The form two texts are compared in: canonically composed (é typed as e and an accent
  /// is é) and lowercased by Unicode's rules, not ASCII's (SQLite's `lower()` leaves `Ж`
  /// and `É` as they are).
  package static func folded(_ text: String) -> String {
    text.precomposedStringWithCanonicalMapping.lowercased()
  }

  /// The SQL function `herald_fold(text)`: `folded` for the store's queries, registered on
  /// every connection.
  static var foldFunction: DatabaseFunction {
    DatabaseFunction("herald_fold", argumentCount: 1, pure: true) { values in
      String.fromDatabaseValue(values[0]).map { SubscriberCondition.folded($0) }
    }
  }

  enum CodingKeys: String, CodingKey {
    case field, value
    case comparison = "operator"
  }
}
