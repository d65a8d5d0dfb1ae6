import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStore

/// The store of a release in several languages: a publication per (slug, translation), the
/// language each recipient was sent, counted per language.
struct LanguageStoreTests {
  func path() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("herald-lang-\(UUID().uuidString).sqlite").path
  }

  @Test func publicationsMadeBeforeTranslationsKeepWorkingAsOriginals() throws {
    let file = path()
    let queue = try DatabaseQueue(path: file)
    try Migrations.migrator.migrate(queue, upTo: "press kit: the files published with a release")
    try queue.write { db in
      try db.execute(sql: """
        INSERT INTO publication (slug, title, subject, language, release_date, visible_from, published_at, changed_at, html, text)
        VALUES ('2020-03-31-report', 'Title', 'Subject', 'en', '2020-03-31', 10, 10, 10, '<p>Hi</p>', 'Hi')
        """)
    }
    try queue.close()
    let store = try SubscriberStore(path: file)
    let original = try #require(try store.publication("2020-03-31-report"))
    #expect(!original.translation && original.title == "Title" && original.html == "<p>Hi</p>")
    // A translation beside it: its own row, the original unchanged.
    try store.publish(Publication(
      slug: "2020-03-31-report", title: "Заголовок", subject: "Тема", language: "ru", releaseDate: "2020-03-31",
      visibleFrom: Date(timeIntervalSince1970: 10), publishedAt: Date(timeIntervalSince1970: 10), html: "<p>Привет</p>", text: "Привет",
      translation: true))
    #expect(try store.publications().map(\.title) == ["Title", "Заголовок"])
    #expect(try store.publication("2020-03-31-report", translation: "ru")?.translation == true)
    #expect(try store.publication("2020-03-31-report")?.title == "Title")
    // Withdrawn, every language goes.
    #expect(try store.withdraw("2020-03-31-report"))
    #expect(try store.publications().isEmpty)
  }

  @Test func theReportCountsEachRecipientsLastAttemptPerLanguage() throws {
    let store = try SubscriberStore(path: path())
    _ = try store.createList(name: "press")
    var ids: [SubscriberID] = []
    for index in 0..<4 {
      try store.addSubscriber(email: "reader\(index)@example.com", list: "press", source: .commandLine("test"))
      ids.append(try #require(try store.subscriber(address: "reader\(index)@example.com")).id)
    }
    let campaign = try #require(CampaignID("2020-03-31-report-1"))
    try store.recordDeliveries([
      .init(subscriber: ids[0], campaign: campaign, list: "press", language: "en", outcome: .sent, reply: "250 ok"),
      .init(subscriber: ids[1], campaign: campaign, list: "press", language: "ru", outcome: .deferred, reply: "451 later"),
      .init(subscriber: ids[1], campaign: campaign, list: "press", language: "ru", outcome: .sent, reply: "250 ok"),
      .init(subscriber: ids[2], campaign: campaign, list: "press", language: "ru", outcome: .failed, reply: "550 no"),
      .init(subscriber: ids[3], campaign: campaign, list: "press", language: "ru", outcome: .deferred, reply: "451 later"),
    ])
    let figures = try store.releaseFigures("2020-03-31-report")
    #expect(figures.sent == 2 && figures.deferred == 1 && figures.failed == 1)
    #expect(figures.languages == [
      SubscriberStore.LanguageFigures(language: "en", sent: 1, deferred: 0, failed: 0),
      SubscriberStore.LanguageFigures(language: "ru", sent: 1, deferred: 1, failed: 1),
    ])
  }
}
