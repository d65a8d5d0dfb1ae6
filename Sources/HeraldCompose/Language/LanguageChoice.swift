/// Which translation of a release one reader gets: their own language (the subscriber's),
/// else the language of the list they are reached through, else the release's first
/// language; a language the release has no translation in falls back to the first language.
/// Languages match by their primary subtag: a reader of "ru-RU" gets the "ru" translation.
package struct LanguageChoice: Sendable {
  /// The release's languages (primary subtags), the first language first.
  package var available: [String]

  /// A choice among a release's languages; `available` is read by primary subtag.
  package init(available: [String]) {
    var seen = Set<String>()
    self.available = available.map(LanguageTag.primary).filter { seen.insert($0).inserted }
  }

  /// The first language: what readers without a matching translation get.
  package var first: String { available.first ?? "en" }

  /// The language a reader gets.
  /// - Parameters:
  ///   - subscriber: the subscriber's language, if the store has one.
  ///   - list: the language of the list they are reached through, if it has one.
  package func language(subscriber: String?, list: String?) -> String {
    for wanted in [subscriber, list] {
      guard let wanted, !wanted.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
      // The reader's own preference decides, even when it is not available: a Russian
      // reader on an English-language list without a Russian translation gets the first
      // language, not the list's.
      let primary = LanguageTag.primary(wanted)
      return available.contains(primary) ? primary : first
    }
    return first
  }
}
