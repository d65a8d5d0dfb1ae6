import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldWorkspace
import Testing

/// One release in several languages: translations as files that share a slug, the
/// language each reader gets, Herald's words and dates in the release's language.
struct TranslationTests {
  /// A folder with release files written from `files` (name → text).
  func folder(_ files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-lang-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return directory
  }

  func text(language: String, lists: String = "[press-en]", body: String = "The text.", extra: String = "") -> String {
    "---\ntitle: \"Title \(language)\"\ndate: 2020-03-31\nsummary: \"A summary.\"\nlists: \(lists)\nlanguage: \(language)\n\(extra)---\n\(body)\n"
  }

  @Test func aTranslationSharesTheSlugOfItsOriginal() throws {
    #expect(Release.slug(naming: "Releases/2026-12-06-director.ru.md") == "2026-12-06-director")
    #expect(Release.slug(naming: "Releases/2026-12-06-director.md") == "2026-12-06-director")
    #expect(Release.fileLanguage("2026-12-06-director.ru.md") == "ru")
    #expect(Release.fileLanguage("2026-12-06-director.md") == nil)
    // Not a language: a word after a dot stays in the slug.
    #expect(Release.fileLanguage("2026-12-06-v2.final.md") == nil)
    #expect(Release.slug(naming: "2026-12-06-v2.final.md") == "2026-12-06-v2-final")
  }

  @Test func theFamilyIsLoadedByFileOrSlugFirstLanguageFirst() throws {
    let directory = try folder([
      "2026-12-06-director.md": text(language: "en"), "2026-12-06-director.ru.md": text(language: "ru"),
      "2026-12-06-director.de.md": text(language: "de"), "2026-12-07-other.md": text(language: "en"),
    ])
    let files = ReleaseFamily.files(slug: "2026-12-06-director", in: directory.path)
    #expect(files.count == 3)
    let family = try ReleaseFamily(try files.reversed().map { try Release(contentsOf: $0) })
    #expect(family.languages == ["en", "de", "ru"])
    #expect(family.first.title == "Title en")
    #expect(family.release(in: "ru-RU").title == "Title ru")
    #expect(family.release(in: "fr").title == "Title en")
    #expect(family.first.page == .release(slug: "2026-12-06-director"))
    #expect(family.release(in: "ru").page == .translation(slug: "2026-12-06-director", language: "ru"))
    #expect(PublicPage.translation(slug: "2026-12-06-director", language: "ru").path == "/ru/releases/2026-12-06-director")

    // Through a workspace: by any of the files, or by the slug.
    let workspace = Workspace(root: directory.appendingPathComponent("ws"))
    try workspace.initialize()
    for (name, text) in [("2026-12-06-director.md", text(language: "en")), ("2026-12-06-director.ru.md", text(language: "ru"))] {
      try text.write(to: workspace.releasesDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    #expect(try workspace.releaseFamily("2026-12-06-director").languages == ["en", "ru"])
    let byTranslation = try workspace.releaseFamily(workspace.releasesDirectory.appendingPathComponent("2026-12-06-director.ru.md").path)
    #expect(byTranslation.languages == ["en", "ru"])
    #expect(try workspace.releaseFamily(WorkspaceDefaults.sampleReleasePath).languages == ["en", "ru"])
  }

  @Test func aSuffixThatDisagreesWithTheFrontMatterIsAnErrorOnTheLanguageLine() throws {
    let error = try #require(throws: ComposeError.self) {
      try Release(text: text(language: "de"), file: "Releases/2026-12-06-director.ru.md")
    }
    let problem = try #require(error.diagnostics.first)
    #expect(problem.line == 6)
    #expect(problem.message.contains("“language: de” disagrees with the file name, which ends in “.ru.md”"))
    let missing = try #require(throws: ComposeError.self) {
      try Release(text: "---\ntitle: \"T\"\ndate: 2020-03-31\n---\nText\n", file: "Releases/x.ru.md")
    }
    #expect(missing.diagnostics.first?.message.contains("add “language: ru”") == true)
    // "ru-RU" in the front matter agrees with ".ru".
    #expect(throws: Never.self) { try Release(text: text(language: "ru-RU"), file: "Releases/x.ru.md") }
  }

  @Test func twoFilesInOneLanguageAreAnError() throws {
    let error = try #require(throws: ComposeError.self) {
      try ReleaseFamily([try Release(text: text(language: "en"), file: "x.md"), try Release(text: text(language: "en"), file: "x.en.md")])
    }
    #expect(error.diagnostics.first?.message.contains("like x.md") == true)
  }

  @Test(arguments: [
    // subscriber, list, expected: the subscriber's language, else the list's, else the first.
    ("ru", "de", "ru"), (nil, "ru", "ru"), (nil, nil, "en"), ("ru-RU", nil, "ru"), ("RU_ru", "en", "ru"),
    // A language without a translation falls back to the first language.
    ("fr", "ru", "en"), (nil, "fr", "en"), ("", "ru", "ru"),
  ] as [(String?, String?, String)])
  func eachReaderGetsTheirLanguage(subscriber: String?, list: String?, expected: String) {
    let choice = LanguageChoice(available: ["en", "ru"])
    #expect(choice.language(subscriber: subscriber, list: list) == expected)
  }

  @Test func theFirstLanguageIsTheOriginals() {
    #expect(LanguageChoice(available: ["ru", "en"]).language(subscriber: nil, list: nil) == "ru")
    #expect(LanguageChoice(available: ["ru", "en"]).language(subscriber: "de", list: nil) == "ru")
  }

  @Test func datesAreWrittenInTheReleasesLanguage() throws {
    let date = try #require(ReleaseDate("2020-03-31"))
    // ICU keeps "г." on the year's line with a narrow no-break space (U+202F).
    #expect(date.longForm(in: "ru") == "31 марта 2020\u{202F}г.")
    #expect(date.longForm(in: "de") == "31. März 2020")
    #expect(date.longForm(in: "fr") == "31 mars 2020")
    #expect(date.longForm(in: "es") == "31 de marzo de 2020")
    #expect(date.longForm(in: "en") == "31 March 2020")
    #expect(date.longForm == "31 March 2020")
  }

  @Test func theRussianTranslationHasRussianWordsAndDate() throws {
    let catalog = try StringsCatalog(shipped: shippedTables(), overrides: [:])
    let release = try Release(text: text(language: "ru"), file: "Releases/2020-03-31-test.ru.md")
    let composed = try ComposedRelease(
      release: release, templates: Fixtures.templates, settings: Fixtures.settings, signer: Fixtures.signer, strings: catalog.table(for: "ru"))
    let parts = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(parts.html.contains("Пресс-релиз &middot; 31 марта 2020\u{202F}г."))
    #expect(parts.html.contains(">Отписаться</a>"))
    #expect(parts.html.contains("подписан на рассылку «press-en» организации"))
    #expect(parts.html.contains("<html lang=\"ru\""))
    #expect(parts.text.contains("Отписаться: https://news.example.org/unsubscribe/"))
    #expect(parts.text.contains("Читать пресс-релиз на сайте: https://news.example.org/ru/releases/2020-03-31-test"))
    let message = String(decoding: composed.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes, as: UTF8.self)
    #expect(message.contains("Content-Language: ru\r\n"))
  }

  @Test func anEmbargoedCopyIsMarkedInItsLanguage() throws {
    let time = try #require(EmbargoTime(parsing: "2026-12-08T06:00:00+01:00"))
    var settings = Fixtures.settings
    settings.timeZone = TimeZone(identifier: "Europe/Berlin")!
    let catalog = try StringsCatalog(shipped: shippedTables(), overrides: [:])
    let russian = EmbargoMarking(time, readerZone: nil, settings: settings, strings: catalog.table(for: "ru"))
    #expect(russian.subject("Новое исследование") == "ЭМБАРГО до 8 декабря 2026\u{202F}г., 06:00 CET: Новое исследование")
    #expect(russian.marking(text: "").hasPrefix("*** ЭМБАРГО ДО 8 декабря 2026\u{202F}г., 06:00 CET ***\nНе для публикации"))
    // herald.yml's own prefix still opens the subject.
    settings.embargoPrefix = "Под эмбарго до"
    #expect(EmbargoMarking(time, readerZone: nil, settings: settings, strings: catalog.table(for: "ru")).subject("X").hasPrefix("Под эмбарго до 8 декабря"))
  }

  @Test func everyShippedTableIsCompleteAndEnglishMatchesTheBuiltInWords() throws {
    let shipped = shippedTables()
    #expect(Set(shipped.keys) == ["en", "ru", "de", "fr", "es"])
    for (language, table) in shipped {
      let read = try StringsTable.read(table.text, file: table.file)
      #expect(read.warnings.isEmpty, "\(language): \(read.warnings)")
      #expect(Set(read.values.keys) == Set(StringsTable.keys), "\(language) has every key")
    }
    let catalog = try StringsCatalog(shipped: shipped, overrides: [:])
    #expect(catalog.table(for: "en").values == StringsCatalog.english.table(for: "en").values)
    #expect(catalog.table(for: "ru")["press_release"] == "Пресс-релиз")
    #expect(catalog.table(for: "de")["unsubscribe"] == "Abmelden")
    #expect(catalog.table(for: "fr")["press_release"] == "Communiqué de presse")
    #expect(catalog.table(for: "es")["unsubscribe"] == "Darse de baja")
    // A language Herald has no table for reads English.
    #expect(catalog.table(for: "ja")["unsubscribe"] == "Unsubscribe")
  }

  @Test func aWorkspaceOverridesKeysAndUnknownKeysAreWarningsWithTheirLine() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-strings-\(UUID().uuidString)")
    let workspace = Workspace(root: root)
    try workspace.initialize()
    let file = root.appendingPathComponent("Templates/strings/ru.yml")
    try "press_release: \"Сообщение для прессы\"\npress_relaese: \"опечатка\"\n".write(to: file, atomically: true, encoding: .utf8)
    // A language with no shipped table, partly given: the rest is English.
    try "unsubscribe: \"Odhlásit\"\n".write(to: root.appendingPathComponent("Templates/strings/cs.yml"), atomically: true, encoding: .utf8)
    let catalog = try workspace.strings()
    #expect(catalog.table(for: "ru")["press_release"] == "Сообщение для прессы")
    #expect(catalog.table(for: "ru")["unsubscribe"] == "Отписаться", "the shipped table under the override")
    #expect(catalog.table(for: "cs")["unsubscribe"] == "Odhlásit")
    #expect(catalog.table(for: "cs")["press_release"] == "Press release")
    let warning = try #require(catalog.warnings.first)
    #expect(catalog.warnings.count == 1)
    #expect(warning.severity == .warning && warning.line == 2 && warning.file == file.path)
    #expect(warning.message.contains("press_relaese") && warning.message.contains("press_release"))
  }

  @Test func checkWarnsWhenTranslationsDisagree() throws {
    let original = try Release(
      text: text(language: "en", body: "![Photo](photo.jpg) and [the report](report.pdf)", extra: "embargo: 2020-03-31T10:00:00+02:00\n"),
      file: "Releases/x.md")
    let translation = try Release(
      text: text(language: "ru", lists: "[press-ru]", body: "![Фото](photo.jpg) и [доклад](doklad.pdf)"), file: "Releases/x.ru.md")
    let family = try ComposedFamily(
      family: try ReleaseFamily([original, translation]), templates: Fixtures.templates, settings: Fixtures.settings, signer: Fixtures.signer,
      strings: .english)
    let warnings = ReleaseChecker.disagreements(in: family)
    #expect(warnings.count == 3)
    #expect(warnings.allSatisfy { $0.file == "Releases/x.ru.md" && $0.severity == .warning })
    let lists = try #require(warnings.first { $0.message.contains("its lists") })
    #expect(lists.line == 5 && lists.message.contains("press-ru") && lists.message.contains("press-en"))
    #expect(warnings.contains { $0.message.contains("its embargo (none) differs") })
    let files = try #require(warnings.first { $0.message.contains("refer") })
    #expect(files.message.contains("it does not refer to report.pdf") && files.message.contains("it refers to doklad.pdf"))
    // Agreeing translations: no warning.
    let agreeing = try ComposedFamily(
      family: try ReleaseFamily([
        try Release(text: text(language: "en", body: "[r](report.pdf) [w](https://example.org/x)"), file: "y.md"),
        try Release(text: text(language: "ru", body: "[д](report.pdf#p2)"), file: "y.ru.md"),
      ]), templates: Fixtures.templates, settings: Fixtures.settings, signer: Fixtures.signer, strings: .english)
    #expect(ReleaseChecker.disagreements(in: agreeing).isEmpty)
  }

  func shippedTables() -> [String: (text: String, file: String)] {
    Dictionary(uniqueKeysWithValues: WorkspaceDefaults.stringsTables.map { file in
      (((file.path as NSString).lastPathComponent as NSString).deletingPathExtension, (String(decoding: file.contents, as: UTF8.self), file.path))
    })
  }
}
