import Foundation
import HeraldCompose
import Testing

struct ReleaseParsingTests {
  @Test func readsEveryFrontMatterField() throws {
    let release = try Release(text: Fixtures.releaseText(body: "Text.\n", frontMatter: """
      subject: "Subject line"
      dateline: "PARIS, March 31, 2020"
      from: "Press <press@example.org>"
      reply_to: "Desk <desk@example.org>"
      language: fr
      embargo: 2020-03-31T10:00:00+03:00

      """), file: "r.md")
    #expect(release.title == "Test release")
    #expect(release.date.description == "2020-03-31")
    #expect(release.subject == "Subject line")
    #expect(release.dateline == "PARIS, March 31, 2020")
    #expect(release.lists == ["press-en"])
    #expect(release.from?.address == "press@example.org")
    #expect(release.replyTo?.name == "Desk")
    #expect(release.language == "fr")
    #expect(release.embargo == Date(timeIntervalSince1970: 1_585_638_000))
    #expect(release.body == "Text.\n")
    #expect(release.bodyFirstLine == 13)
  }

  @Test func subjectDefaultsToTitle() throws {
    let release = try Release(text: "---\ntitle: Headline\ndate: 2020-01-02\n---\nBody", file: "r.md")
    #expect(release.subject == "Headline")
  }

  @Test func acceptsByteOrderMarkAndCRLF() throws {
    let release = try Release(text: "\u{FEFF}---\r\ntitle: Headline\r\ndate: 2020-01-02\r\n---\r\nBody\r\n", file: "r.md")
    #expect(release.title == "Headline")
    #expect(release.body == "Body\n")
  }

  struct BadInput: Sendable, CustomStringConvertible {
    var name: String
    var text: String
    var line: Int?
    var mentions: String
    var description: String { name }
  }

  static let badInputs: [BadInput] = [
    BadInput(name: "no front matter", text: "# Just Markdown\n", line: 1, mentions: "no front matter"),
    BadInput(name: "front matter not closed", text: "---\ntitle: x\ndate: 2020-01-01\n", line: 1, mentions: "not closed"),
    BadInput(name: "broken YAML", text: "---\ntitle: x\ndate: 2020-01-01\nlists: [a, b\n---\nBody", line: 4, mentions: "YAML is not valid"),
    BadInput(name: "missing title", text: "---\ndate: 2020-01-01\n---\nBody", line: 2, mentions: "“title” is required"),
    BadInput(name: "empty title", text: "---\ntitle: \"\"\ndate: 2020-01-01\n---\nBody", line: 2, mentions: "“title” must not be empty"),
    BadInput(name: "missing date", text: "---\ntitle: x\n---\nBody", line: 2, mentions: "“date” is required"),
    BadInput(name: "impossible date", text: "---\ntitle: x\ndate: 2021-02-29\n---\nBody", line: 3, mentions: "YYYY-MM-DD"),
    BadInput(name: "unknown key", text: "---\ntitle: x\ndate: 2020-01-01\nsubjcet: y\n---\nBody", line: 4, mentions: "did you mean “subject”"),
    BadInput(name: "duplicate key", text: "---\ntitle: x\ndate: 2020-01-01\ntitle: y\n---\nBody", line: 4, mentions: "given twice"),
    BadInput(name: "list where text expected", text: "---\ntitle: [a, b]\ndate: 2020-01-01\n---\nBody", line: 2, mentions: "must be text"),
    BadInput(name: "bad embargo", text: "---\ntitle: x\ndate: 2020-01-01\nembargo: tomorrow\n---\nBody", line: 4, mentions: "with a zone"),
    BadInput(name: "bad from", text: "---\ntitle: x\ndate: 2020-01-01\nfrom: \"Press <press>\"\n---\nBody", line: 4, mentions: "not a valid"),
    BadInput(name: "front matter is a list", text: "---\n- a\n- b\n---\nBody", line: 2, mentions: "expected “key: value”"),
  ]

  @Test(arguments: badInputs)
  func badFrontMatterNamesFileAndLine(_ input: BadInput) throws {
    let error = try #require(throws: ComposeError.self) { try Release(text: input.text, file: "Releases/bad.md") }
    #expect(error.code == .release)
    let first = try #require(error.diagnostics.first)
    #expect(first.file == "Releases/bad.md")
    #expect(first.line == input.line, "\(first)")
    #expect(first.message.contains(input.mentions), "\(first.message)")
  }

  @Test func everyProblemInTheFrontMatterIsReportedAtOnce() throws {
    let text = "---\ntitle: \"\"\ndate: 2021-13-01\nsumary: oops\nfrom: nobody\nembargo: soon\n---\nBody"
    let error = try #require(throws: ComposeError.self) { try Release(text: text, file: "r.md") }
    #expect(error.diagnostics.map(\.line) == [2, 3, 4, 5, 6])
    #expect(error.diagnostics[2].message.contains("did you mean “summary”"))
  }

  @Test func invalidUTF8NamesTheLineOfTheBadByte() throws {
    var bytes = Array("---\ntitle: x\ndate: 2020-01-01\n---\nline five\nline six \u{E9}".utf8)
    bytes.append(0xFF)  // not UTF-8 anywhere
    let error = try #require(throws: ComposeError.self) { try Release(data: Data(bytes), file: "r.md") }
    #expect(error.diagnostics[0].line == 6)
    #expect(error.diagnostics[0].message.contains("UTF-8"))
  }

  @Test func fiveMegabyteReleaseIsRefusedWithTheLimit() throws {
    let text = Fixtures.releaseText(body: String(repeating: "All work and no play. ", count: 240_000))
    let error = try #require(throws: ComposeError.self) { try Release(data: Data(text.utf8), file: "big.md") }
    #expect(error.diagnostics[0].message.contains("limit"))
    #expect(error.diagnostics[0].file == "big.md")
  }

  @Test func unreadableFileSaysSo() throws {
    let error = try #require(throws: ComposeError.self) { try Release(contentsOf: "/nonexistent/release.md") }
    #expect(error.diagnostics[0].message.contains("cannot be read"))
  }

  @Test(arguments: [
    ("Cities lose a third of their water", "cities-lose-a-third-of-their-water"),
    ("Éléphant & Co.: Ünïcode — dashes", "elephant-co-unicode-dashes"),
    ("   ", "release"),
  ])
  func slugsAreLowercaseASCII(_ title: String, _ slug: String) {
    #expect(Release.slugify(title) == slug)
  }

  @Test(arguments: [
    // 65 characters as a slug: the last word would be cut at 60.
    ("Ministers agree on a framework for transboundary water governance", "ministers-agree-on-a-framework-for-transboundary-water"),
    // A hyphen right after the limit: the 60 characters before it are whole words.
    (String(repeating: "abcd ", count: 10) + "abcdefghij tail", String(repeating: "abcd-", count: 10) + "abcdefghij"),
    // Otherwise at the last hyphen within the limit.
    (String(repeating: "abcd ", count: 12) + "tail", String(String(repeating: "abcd-", count: 12).dropLast())),
    // One word longer than the limit has nowhere to be cut but the limit.
    (String(repeating: "x", count: 70), String(repeating: "x", count: 60)),
  ])
  func longSlugsAreCutAtAWordBoundary(_ title: String, _ slug: String) {
    let made = Release.slugify(title)
    #expect(made == slug)
    #expect(made.count <= 60)
  }
}
