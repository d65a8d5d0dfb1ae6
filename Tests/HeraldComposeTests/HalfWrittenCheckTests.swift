import HeraldCompose
import HeraldCore
import Testing

/// Nothing half-written goes out: what `herald new` wrote and was never replaced is an
/// error, and a heading that repeats the title is warned about.
struct HalfWrittenCheckTests {
  static let draft = ReleaseDraft(
    title: "Coastal cities brace for record tides", date: ReleaseDate("2021-05-06")!, lists: ["press-en"], settings: Fixtures.settings)

  @Test func aFreshDraftsPlaceholdersAreErrorsAtTheirLines() throws {
    let found = ReleaseChecker.diagnostics(for: try Fixtures.compose(Self.draft.text, file: "Releases/draft.md"))
    let errors = found.filter { $0.severity == .error }
    let lines = Self.draft.text.split(separator: "\n", omittingEmptySubsequences: false)
    func line(of text: String) -> Int? { lines.firstIndex { $0.contains(text) }.map { $0 + 1 } }
    let dateline = try #require(errors.first { $0.message.contains("dateline") })
    #expect(dateline.line == line(of: "dateline:") && dateline.message.contains("“CITY”"))
    let summary = try #require(errors.first { $0.message.contains("“summary”") })
    #expect(summary.line == line(of: "summary:"))
    for placeholder in ["Full Name", "The first fact.", ReleaseDraft.Placeholder.lead, ReleaseDraft.Placeholder.about] {
      let error = try #require(errors.first { $0.message.contains("“\(placeholder)”") }, "\(placeholder): \(errors)")
      #expect(error.line == line(of: placeholder), "\(placeholder)")
      #expect(error.message.contains("herald new"))
    }
  }

  @Test func aDraftWhosePlaceholdersAreReplacedHasNoErrors() throws {
    var text = Self.draft.text
    let replacements = [
      "CITY,": "HAMBURG,", ReleaseDraft.Placeholder.summary: "Tides of 3.5 metres are expected.",
      ReleaseDraft.Placeholder.lead: "Ports close on Friday.", ReleaseDraft.Placeholder.quote: "We are ready",
      ReleaseDraft.Placeholder.fullName: "Dr. Ines Berg", ReleaseDraft.Placeholder.firstFact: "Three ports close.",
      ReleaseDraft.Placeholder.secondFact: "The forecast", ReleaseDraft.Placeholder.about: "The institute studies coasts.",
    ]
    for (placeholder, words) in replacements { text = text.replacingOccurrences(of: placeholder, with: words) }
    let found = ReleaseChecker.diagnostics(for: try Fixtures.compose(text))
    #expect(found.filter { $0.severity == .error }.isEmpty, "\(found)")
  }

  @Test func aHeadingThatRepeatsTheTitleIsWarnedAtItsLine() throws {
    // Front matter is lines 1–6, the body starts on line 7.
    let found = ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.releaseText(body: "# Test Release!\n\nText.\n\n## Details\n\nMore.\n")))
    let warnings = found.filter { $0.message.contains("repeats the title") }
    #expect(warnings.count == 1 && warnings.first?.line == 7 && warnings.first?.severity == .warning, "\(found)")
    let other = ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.releaseText(body: "# Another heading\n\nText.\n")))
    #expect(!other.contains { $0.message.contains("repeats the title") })
  }

  @Test func subscriberFieldsAreFoundOnceWithTheirLineAndWhetherASectionGuardsThem() throws {
    let release = try Release(
      text: Fixtures.releaseText(body: "Dear {{subscriber.name}},\n\n{{#subscriber.organization}}at {{subscriber.organization}}{{/subscriber.organization}} {{ subscriber.beet }}\n\nAgain {{{subscriber.name}}}.\n"),
      file: "r.md")
    let uses = ReleaseChecker.subscriberFields(in: release)
    #expect(uses.map(\.key) == ["name", "organization", "beet"])
    #expect(uses.map(\.line) == [7, 9, 9])
    #expect(uses.map(\.guarded) == [false, true, false])
    #expect(uses[0].textWithoutValue == "Dear ,")
  }
}
