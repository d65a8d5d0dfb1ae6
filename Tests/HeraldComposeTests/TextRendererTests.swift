import HeraldCompose
import Testing

struct TextRendererTests {
  func text(_ markdown: String) throws -> String {
    try Fixtures.compose(Fixtures.releaseText(body: markdown)).personalisedParts(for: Fixtures.alex, list: "press-en").text
  }

  /// The body part of the plain text: between the title underline and the footer.
  func body(_ markdown: String) throws -> String {
    let full = try text(markdown)
    let start = full.range(of: "============\n\n")!.upperBound
    let end = full.range(of: "\n\n--\n")!.lowerBound
    return String(full[start..<end])
  }

  @Test func wrapsParagraphsAt72Columns() throws {
    let words = Array(repeating: "water", count: 60).joined(separator: " ")
    let lines = try body(words).split(separator: "\n")
    #expect(lines.count > 3)
    #expect(lines.allSatisfy { $0.count <= 72 })
    #expect(lines.dropLast().allSatisfy { $0.count > 66 }, "greedy wrapping fills lines")
  }

  @Test func longURLGetsALineOfItsOwnRatherThanBeingBroken() throws {
    let url = "https://example.org/" + String(repeating: "a", count: 90)
    #expect(try body("See <\(url)> now.") == "See\n\(url)\nnow.")
  }

  @Test func headingsAreUnderlined() throws {
    #expect(try body("# Top\n\n## Second level") == "Top\n===\n\nSecond level\n------------")
  }

  @Test func nestedListsKeepMarkersAndIndentation() throws {
    let markdown = "- one\n- two\n  1. first\n  2. second\n- three"
    #expect(try body(markdown) == "- one\n- two\n  1. first\n  2. second\n- three")
  }

  @Test func wrappedListItemsHangUnderTheirText() throws {
    let item = Array(repeating: "word", count: 30).joined(separator: " ")
    let lines = try body("- \(item)").split(separator: "\n")
    #expect(lines[0].hasPrefix("- word"))
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  word") })
  }

  @Test func emphasisIsStarredAndNoMarkdownLeaks() throws {
    let result = try body(#"**Dr. Amélie Durand** said _this_ \(2019\) and \*not\* [a](#) `code`."#)
    #expect(result == "*Dr. Amélie Durand* said *this* (2019) and *not* a code.")
    #expect(!result.contains("\\"))
    #expect(!result.contains("**"))
    #expect(!result.contains("]("))
  }

  @Test func linksBecomeNumberedReferencesListedAtTheEnd() throws {
    let result = try body("Read [the report](https://example.org/r) and [the data](https://example.org/d), or [the report again](https://example.org/r).")
    #expect(result == """
      Read the report [1] and the data [2], or the report again [1].

      [1] https://example.org/r
      [2] https://example.org/d
      """)
  }

  @Test(arguments: ["#", ""])
  func placeholderLinksStayTextWithNoReference(_ target: String) throws {
    #expect(try body("A [summary](\(target)) will follow.") == "A summary will follow.")
  }

  @Test func autolinksAndMailtoShowTheAddressOnce() throws {
    #expect(try body("Data at <https://data.example.org>, mail [x@example.org](mailto:x@example.org).")
      == "Data at https://data.example.org, mail x@example.org.")
  }

  @Test func quotesArePrefixed() throws {
    #expect(try body("> “Quoted,” she said.") == "> “Quoted,” she said.")
  }

  @Test func smallTablesAreAlignedColumns() throws {
    let markdown = "| City | Loss |\n|---|--:|\n| Berlin | 27% |\n| Oslo | 9% |"
    #expect(try body(markdown) == "City    Loss\n------  ----\nBerlin  27%\nOslo    9%")
  }

  @Test func wideTablesBecomeLabelledRows() throws {
    let wide = String(repeating: "x", count: 50)
    let markdown = "| Name | Note |\n|---|---|\n| A | \(wide) \(wide) |"
    #expect(try body(markdown) == "Name: A\nNote: \(wide)\n\(wide)")
  }

  @Test func rawHTMLNeverAppearsInText() throws {
    #expect(try body("<div>hidden</div>\n\nVisible <b>bold</b>.") == "Visible bold.")
  }
}
