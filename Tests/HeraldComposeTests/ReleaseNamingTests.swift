import Foundation
import HeraldCompose
import Testing

/// How releases are named: the slug a person means, the day a draft is dated, its file.
struct ReleaseNamingTests {
  @Test(arguments: [
    ("Releases/2020-03-31-water-report.md", "2020-03-31-water-report"),
    ("/tmp/elsewhere/Wasser Bericht.md", "wasser-bericht"),
    ("2020-03-31-water-report", "2020-03-31-water-report"),
    ("reply-12", "reply-12"),
  ])
  func aReferenceIsAFilesSlugOrASlug(_ reference: String, _ slug: String) {
    #expect(Release.slug(naming: reference) == slug)
  }

  @Test func aFilesSlugIsTheOneItsReleaseHas() throws {
    let release = try Release(text: Fixtures.releaseText(body: "Body."), file: "Releases/2021-05-06-Coastal Cities.md")
    #expect(Release.slug(naming: release.file) == release.slug)
  }

  @Test func todayIsTheDayWhereThePressOfficeIs() throws {
    let lateEvening = try #require(ISO8601DateFormatter().date(from: "2021-05-06T23:30:00Z"))
    #expect(ReleaseDate(lateEvening, in: TimeZone(identifier: "UTC")!).description == "2021-05-06")
    #expect(ReleaseDate(lateEvening, in: TimeZone(identifier: "Europe/Berlin")!).description == "2021-05-07")
    #expect(ReleaseDate(lateEvening, in: TimeZone(identifier: "America/New_York")!).description == "2021-05-06")
  }

  @Test func aDraftIsNamedByItsDateAndTitle() {
    let draft = ReleaseDraft(title: "Coastal cities brace for record tides!", date: ReleaseDate("2021-05-06")!, lists: [], settings: Fixtures.settings)
    #expect(draft.fileName == "2021-05-06-coastal-cities-brace-for-record-tides.md")
    #expect(draft.text.contains("date: 2021-05-06\n"))
  }

  @Test(arguments: [
    // The issue's own example: the Cyrillic title lost every letter ("2026-12-06-50").
    ("ПИР-Центр: 50 лет Договору о нераспространении", "pir-centr-50-let-dogovoru-o-nerasprostranenii"),
    ("Νέα έκθεση για το νερό", "nea-ekthese-gia-to-nero"),
    ("Straße der Zukunft", "strasse-der-zukunft"),
    ("Україна: нова доповідь", "ukraina-nova-dopovid"),
  ])
  func titlesInOtherScriptsBecomeReadableASCIISlugs(_ title: String, _ slug: String) {
    #expect(Release.slugify(title) == slug)
  }

  @Test(arguments: [
    ("ПИР-Центр: 50 лет Договору", "ru"),
    ("Україна: нова доповідь", "uk"),
    ("Νέα έκθεση για το νερό", "el"),
    ("New report: 50 years of the Treaty", "en"),
    ("ПИР-Центр: NPT at 50", "ru"),  // mostly Cyrillic letters
    ("2026", "en"),
  ])
  func aDraftsLanguageComesFromItsTitlesScript(_ title: String, _ language: String) {
    let draft = ReleaseDraft(title: title, date: ReleaseDate("2026-12-06")!, lists: [], settings: Fixtures.settings)
    #expect(draft.language == language)
    #expect(draft.text.contains("\nlanguage: \(language)\n"))
  }

  @Test(arguments: [
    ("en", "March 31, 2020"),
    ("ru", "31 марта 2020 г."),
    ("de", "31. März 2020"),
    ("fr", "31 mars 2020"),
    ("es", "31 de marzo de 2020"),
  ])
  func aDraftsDatelineGivesTheDateInItsLanguage(_ language: String, _ date: String) {
    let draft = ReleaseDraft(title: "Title", date: ReleaseDate("2020-03-31")!, lists: [], language: language, settings: Fixtures.settings)
    #expect(draft.text.contains("dateline: \"CITY, \(date)\"\n"), "\(draft.text)")
    #expect(draft.text.contains("\nlanguage: \(language)\n"))
  }

  @Test(arguments: ["en", "pt-BR", "sr-Latn", "de"])
  func languageTagsAreAccepted(_ tag: String) {
    #expect(ReleaseDraft.isLanguageTag(tag))
  }

  @Test(arguments: ["", "english", "e", "ru_RU", "ru-", "fr--ca", "ру"])
  func otherLanguageTagsAreNot(_ tag: String) {
    #expect(!ReleaseDraft.isLanguageTag(tag))
  }
}
