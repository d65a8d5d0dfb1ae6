import HeraldCore
import Testing

struct TerminalTextTests {
  @Test(arguments: [
    ("plain text, “quotes”, Ünïcödé and 漢字", "plain text, “quotes”, Ünïcödé and 漢字"),
    ("line one\nline two\tcolumn", "line one\nline two\tcolumn"),
    ("Dana\rsender verified", "Dana\\rsender verified"),
    ("a\r\nb", "a\\r\nb"),
    ("gro.elpmaxe@\u{202E}eve", "gro.elpmaxe@\\u{202E}eve"),
    ("\u{1B}[8mhidden\u{1B}[0m", "\\u{1B}[8mhidden\\u{1B}[0m"),
    ("nul\0bell\u{7}del\u{7F}c1\u{9B}", "nul\\0bell\\u{7}del\\u{7F}c1\\u{9B}"),
    ("\u{2028}\u{2029}", "\\u{2028}\\u{2029}"),
    ("\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}",
     "\\u{202A}\\u{202B}\\u{202C}\\u{202D}\\u{2066}\\u{2067}\\u{2068}\\u{2069}\\u{200E}\\u{200F}\\u{61C}"),
  ])
  func controlAndBidirectionalCharactersAreShownEscapedAndTheRestKept(_ raw: String, _ shown: String) {
    #expect(TerminalText.escaped(raw) == shown)
  }

  @Test func escapedTextHasNothingATerminalActsOn() {
    let everything = String(String.UnicodeScalarView((0...0x30FF).compactMap(Unicode.Scalar.init)))
    let shown = TerminalText.escaped(everything)
    #expect(!shown.unicodeScalars.contains { TerminalText.needsEscape($0) })
    #expect(shown.unicodeScalars.filter { $0 == "\n" || $0 == "\t" }.count == 2)
  }
}
