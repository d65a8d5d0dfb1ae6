import Foundation
import HeraldCore
import HeraldYAML

/// Herald's own words in one language (the email's "Press release" and footer, the
/// embargo's marking, the web pages), as templates use them: `{{strings.press_release}}`.
/// Every key has a value: what the language's table does not say is taken from English.
package struct StringsTable: Sendable, Hashable {
  /// The language, a primary subtag ("ru").
  package var language: String
  /// The words by key; every key of `StringsTable.keys`.
  package var values: [String: String]

  /// The words for `key`; the key itself for one Herald does not know (a template's typo
  /// shows on the page rather than nothing).
  package subscript(key: String) -> String { values[key] ?? key }

  /// The words for `key` with each `{name}` in them replaced by `values[name]`: for words
  /// Herald puts together in code (a confirmation mail), where each language has its own order.
  package func filling(_ key: String, _ values: [String: String]) -> String {
    var text = self[key]
    for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
    return text
  }

  /// The keys every table has, in English's order: the known keys of an override.
  package static let keys: [String] = english.map(\.key)

  /// Reads the words of a table's YAML text ("key: text" lines).
  /// - Returns: the words by key, and a warning with the line for every key Herald does not know.
  /// - Throws: `ComposeError` `.template` for YAML that does not parse or a value that is not text.
  package static func read(_ yaml: String, file: String) throws -> (values: [String: String], warnings: [Diagnostic]) {
    do {
      let mapping = try YAMLMapping(yaml: yaml, file: file, firstLine: 1, known: Set(keys))
      var values: [String: String] = [:]
      var problems: [Diagnostic] = []
      for key in keys {
        if let value = mapping.collect(&problems, { try mapping.string(key) }) ?? nil { values[key] = value }
      }
      if !problems.isEmpty { throw ComposeError(.template, problems) }
      // An unknown key is a word no template asks for: said, never fatal.
      let warnings = mapping.keyProblems.map {
        Diagnostic(.warning, file: $0.file, line: $0.line, $0.message + "; Herald does not use it (a typo?)")
      }
      return (values, warnings)
    } catch let error as YAMLError {
      throw ComposeError(.template, error.diagnostics)
    }
  }
}

/// Herald's words in every language it has: the tables shipped with Herald, each key of a
/// workspace's Templates/strings/LANG.yml over them, and English for any key a language's
/// tables leave out.
package struct StringsCatalog: Sendable {
  /// The tables by language (primary subtag); always has "en".
  package private(set) var tables: [String: StringsTable]
  /// The workspace's overrides' unknown keys, for `herald check`.
  package private(set) var warnings: [Diagnostic] = []

  /// Herald's English words alone: what callers without a workspace use.
  package static let english = StringsCatalog(
    tables: ["en": StringsTable(language: "en", values: Dictionary(uniqueKeysWithValues: StringsTable.english.map { ($0.key, $0.text) }))])

  private init(tables: [String: StringsTable]) { self.tables = tables }

  /// Builds the catalog from YAML texts.
  /// - Parameters:
  ///   - shipped: Herald's own tables by language, with a name for messages.
  ///   - overrides: the workspace's tables by language, with their paths.
  /// - Throws: `ComposeError` `.template` naming the file and line of a table that does not parse.
  package init(shipped: [String: (text: String, file: String)], overrides: [String: (text: String, file: String)]) throws {
    var words: [String: [String: String]] = [:]
    var warnings: [Diagnostic] = []
    for (language, table) in shipped {
      words[LanguageTag.primary(language), default: [:]].merge(try StringsTable.read(table.text, file: table.file).values) { $1 }
    }
    for (language, table) in overrides.sorted(by: { $0.key < $1.key }) {
      let read = try StringsTable.read(table.text, file: table.file)
      words[LanguageTag.primary(language), default: [:]].merge(read.values) { $1 }
      warnings += read.warnings
    }
    let english = Dictionary(uniqueKeysWithValues: StringsTable.english.map { ($0.key, $0.text) }).merging(words["en"] ?? [:]) { $1 }
    var tables: [String: StringsTable] = [:]
    for (language, values) in words {
      tables[language] = StringsTable(language: language, values: english.merging(values) { $1 })
    }
    if tables["en"] == nil { tables["en"] = StringsTable(language: "en", values: english) }
    self.tables = tables
    self.warnings = warnings
  }

  /// The words for a language, by its primary subtag; English for a language Herald has no
  /// table for.
  package func table(for language: String?) -> StringsTable {
    let code = LanguageTag.primary(language ?? "en")
    return tables[code] ?? tables["en"]!
  }
}
