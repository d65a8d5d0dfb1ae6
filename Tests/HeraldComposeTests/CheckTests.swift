import HeraldCompose
import HeraldCore
import Testing

struct CheckTests {
  func warnings(_ body: String, frontMatter: String = "") throws -> [Diagnostic] {
    ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.releaseText(body: body, frontMatter: frontMatter)))
  }

  @Test func theSampleHasOnlyItsTwoPlaceholderLinkWarnings() throws {
    let found = ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.sampleRelease, file: "s.md"))
    #expect(found.count == 2)
    #expect(found.allSatisfy { $0.severity == .warning && $0.message.contains("leads nowhere") && $0.line == 37 })
  }

  @Test func placeholderLinksImagesWithoutAltAndRawHTMLAreWarnedAtTheirLine() throws {
    let found = try warnings("Para.\n\n[soon](#)\n\n![](https://example.org/i.png)\n\n<div>x</div>\n")
    // Front matter is lines 1–6, the body starts on line 7.
    #expect(found.map(\.line) == [9, 11, 13])
    #expect(found[0].message.contains("leads nowhere"))
    #expect(found[1].message.contains("no alt text"))
    #expect(found[2].message.contains("raw HTML is dropped"))
  }

  @Test func missingSummaryAndUnknownTemplateValuesAreWarned() throws {
    let composed = try Fixtures.compose("---\ntitle: T\ndate: 2020-03-31\nlists: [a]\n---\nHi {{subscribr.name}}.\n")
    let messages = ReleaseChecker.diagnostics(for: composed).map(\.message)
    #expect(messages.contains { $0.contains("no “summary”") })
    #expect(messages.contains { $0.contains("{{subscribr.name}}") })
  }

  @Test func badListNamesAndEmptyBodyAreErrors() throws {
    let composed = try Fixtures.compose("---\ntitle: T\ndate: 2020-03-31\nsummary: s\nlists: [Press EN]\n---\n\n")
    let errors = ReleaseChecker.diagnostics(for: composed).filter { $0.severity == .error }
    #expect(errors.count == 2)
  }

  @Test func aBodyThatBeginsWithItsDatelineIsWarnedAndNotGivenItTwice() throws {
    let frontMatter = "dateline: \"BERLIN, March 31, 2020\"\n"
    // As pasted from a word processor: the dateline in bold, another dash, other case.
    let pasted = try Fixtures.compose(Fixtures.releaseText(body: "**Berlin, March 31, 2020** – Cities lose water.\n", frontMatter: frontMatter))
    let found = ReleaseChecker.diagnostics(for: pasted)
    let warning = try #require(found.first { $0.message.contains("already begins with the dateline") })
    #expect(warning.line == 8, "the first paragraph's line")
    let text = pasted.personalisedParts(for: Fixtures.alex, list: "press-en").text
    #expect(text.components(separatedBy: "March 31, 2020").count == 2, "once: \(text)")
    #expect(!text.contains("BERLIN, March 31, 2020 —"))
    // Without it in the body, the dateline opens the first paragraph, once, and no warning.
    let plain = try Fixtures.compose(Fixtures.releaseText(body: "Cities lose water.\n", frontMatter: frontMatter))
    #expect(!ReleaseChecker.diagnostics(for: plain).contains { $0.message.contains("dateline") })
    #expect(plain.personalisedParts(for: Fixtures.alex, list: "press-en").text.contains("BERLIN, March 31, 2020 — Cities lose water."))
  }
}
