import Foundation

/// Language tags as Herald reads them (BCP 47, "ru", "ru-RU", "pt_BR"): a translation, a
/// strings table and a reader are matched by the primary subtag alone ("ru-RU" reads ru).
package enum LanguageTag {
  /// The primary subtag, lower case: "ru-RU" → "ru", "pt_BR" → "pt", " EN " → "en".
  package static func primary(_ tag: String) -> String {
    let trimmed = tag.trimmingCharacters(in: .whitespaces).lowercased()
    return String(trimmed.prefix { $0 != "-" && $0 != "_" })
  }

  /// Whether `subtag` is a known two-letter primary language subtag (ISO 639-1, as ICU
  /// knows them): what may end a translation's file name ("….ru.md").
  package static func isKnownPrimary(_ subtag: String) -> Bool {
    knownPrimary.contains(subtag)
  }

  /// ISO 639-1 codes from ICU, read once. Only two-letter codes: a three-letter word after
  /// a dot in a file name ("report.new.md") is far more often a word than a language.
  private static let knownPrimary: Set<String> = Set(
    Locale.LanguageCode.isoLanguageCodes.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) })

  /// The language's own name, capitalised as a title in a menu: "English", "Русский",
  /// "Deutsch", "Français", "Español"; the tag itself when ICU does not know it.
  package static func autonym(_ tag: String) -> String {
    let code = primary(tag)
    let locale = Locale(identifier: code)
    guard let name = locale.localizedString(forLanguageCode: code), !name.isEmpty else { return code }
    return name.prefix(1).uppercased(with: locale) + name.dropFirst()
  }
}
