import Foundation
import HeraldCompose
import HeraldMail
import HeraldTesting
import Testing

struct ReleaseSummaryTests {
  @Test func theSampleHasFourLinksTwoOfThemPlaceholders() throws {
    let sample = try Fixtures.compose(Fixtures.sampleRelease, file: "Releases/2020-03-31-water-report.md")
    let summary = sample.summary(for: Fixtures.alex, list: "press-en")
    #expect(summary.links == 4 && summary.placeholderLinks == 2)
  }

  @Test func linksAreCountedWhereverTheyAreAndPlaceholdersApart() throws {
    let body = """
      A [report](https://example.org/report), **a [strong link](https://example.org/b)**, and [nothing](#).

      - [in a list](https://example.org/c)
      - [empty]()

      > [quoted](https://example.org/d) ![an image](https://example.org/e.png)
      """
    let summary = try Fixtures.compose(Fixtures.releaseText(body: body)).summary(for: Fixtures.alex, list: "press-en")
    #expect(summary.links == 4)
    #expect(summary.placeholderLinks == 2)
  }

  @Test(arguments: [
    ("Plain words, mostly ASCII.", "quoted-printable"),
    (String(repeating: "Пресс-релиз о воде и городах. ", count: 40), "base64"),
  ])
  func thePartsSayHowTheMessageEncodesThem(_ body: String, _ textEncoding: String) throws {
    let composed = try Fixtures.compose(Fixtures.releaseText(body: body))
    let summary = composed.summary(for: Fixtures.alex, list: "press-en")
    let message = try inspectMessage(composed.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes)
    #expect(summary.parts.map(\.contentType) == message.parts.map(\.contentType))
    #expect(summary.parts.map(\.transferEncoding.rawValue) == message.parts.map(\.transferEncoding))
    #expect(summary.parts[0].transferEncoding.rawValue == textEncoding)
    let rendered = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(summary.parts.map(\.size) == [rendered.text.utf8.count, rendered.html.utf8.count])
  }
}
