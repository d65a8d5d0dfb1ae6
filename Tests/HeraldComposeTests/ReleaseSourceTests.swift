import Foundation
import HeraldCompose
import Testing

/// A release file's text split into front matter and Markdown for the desk's editor, and
/// joined back.
struct ReleaseSourceTests {
  @Test(arguments: [
    "---\ntitle: T\ndate: 2020-03-31\n---\n\nBody.\n",
    "---\ntitle: T\n---\n\n\nTwo blank lines before the body.\n",
    "---\ntitle: T\n---\n\n",
    "---\ntitle: \"a --- b\"\n---\n\n---\n\nA thematic break above.\n",
  ])
  func aFileAsHeraldWritesItSplitsAndJoinsBackByteForByte(text: String) {
    let source = ReleaseSource(text: text)
    #expect(source.text == text)
    #expect(ReleaseSource(frontMatter: source.frontMatter, markdown: source.markdown) == source)
  }

  @Test func lineEndsAreNormalisedAndTheRestIsKept() {
    let source = ReleaseSource(frontMatter: "title: T\r\ndate: 2020-03-31", markdown: "A\r\n\tB  \rC")
    #expect(source.text == "---\ntitle: T\ndate: 2020-03-31\n---\n\nA\n\tB  \nC")
    // No blank line after the front matter: one is added when joined.
    #expect(ReleaseSource(text: "---\ntitle: T\n---\nBody").text == "---\ntitle: T\n---\n\nBody")
    // No front matter: all of it is Markdown.
    #expect(ReleaseSource(text: "# Just text\n").markdown == "# Just text\n")
  }

  @Test func aFileLineIsPlacedInTheFrontMatterWithItsKeyOrInTheText() {
    let source = ReleaseSource(frontMatter: "title: T\ndate: 2020-03-31\nlists:\n  - press-en\n  - press-de", markdown: "One.\n\nTwo.")
    #expect(source.place(ofFileLine: 2) == .frontMatter(line: 1, key: "title"))
    #expect(source.place(ofFileLine: 3) == .frontMatter(line: 2, key: "date"))
    #expect(source.place(ofFileLine: 6) == .frontMatter(line: 5, key: "lists"))
    #expect(source.place(ofFileLine: 7) == nil)  // the closing ---
    #expect(source.place(ofFileLine: 9) == .markdown(line: 1))
    #expect(source.place(ofFileLine: 11) == .markdown(line: 3))
    // The parser's own line numbers agree (its body starts with the blank line the editor leaves out).
    let release = try? Release(text: source.text, file: "x.md")
    #expect(release?.frontMatterLines["lists"] == 4)
    #expect(release.map { $0.bodyFirstLine + 1 } == source.markdownFirstLine)
  }

  @Test(arguments: [
    ("tab\tand\nnewline", nil),
    ("NUL \u{0}", 1),
    ("ok\nbell \u{07}", 2),
    ("ok\nok\nCR alone\rhere", 3),
    ("\u{1B}[2J", 1),
    ("\u{202E}override", 1),
    ("\u{2066}isolate", 1),
    ("DEL \u{7F}", 1),
    ("C1 \u{85}", 1),
    ("Zero-width joiner \u{200D} in emoji is text", nil),
  ] as [(String, Int?)])
  func controlCharactersButTabAndNewlineAreFoundWithTheirLine(text: String, line: Int?) {
    #expect(ReleaseSource.firstForbiddenCharacter(in: text)?.line == line)
  }

  @Test func theDigestIsTheSHA256OfTheBytes() {
    #expect(ReleaseSource.digest(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
