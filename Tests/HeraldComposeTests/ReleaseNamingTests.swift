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
}
