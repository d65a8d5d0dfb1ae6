import HeraldCompose
import Testing

struct CheckTests {
  func warnings(_ body: String, frontMatter: String = "") throws -> [Diagnostic] {
    ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.releaseText(body: body, frontMatter: frontMatter)))
  }

  @Test func theSampleHasOnlyItsTwoPlaceholderLinkWarnings() throws {
    let found = ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.sampleRelease, file: "s.md"))
    #expect(found.count == 2)
    #expect(found.allSatisfy { $0.severity == .warning && $0.message.contains("leads nowhere") && $0.line == 35 })
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
}
