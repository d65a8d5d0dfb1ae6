@testable import HeraldStore
import Testing

struct SubscriberTextTests {
  @Test(arguments: [
    ("Ann Smith", "Ann Smith", nil),
    ("Ann\r\nBcc: x@example.org", "Ann Bcc: x@example.org", "a line break (replaced by a space)"),
    ("Ann\u{0}Smith", "Ann Smith", "a NUL character (replaced by a space)"),
    ("\tAnn  \u{2028} Smith\n", "Ann Smith", "a line break and a control character (replaced by a space)"),
    ("\u{7}", "", "a control character (replaced by a space)"),
    ("Anna \u{202E}tfahcS", "Anna tfahcS", "a bidirectional control character (removed)"),
    ("\u{2066}Eve\u{2069}\u{200F}\u{061C}\u{200E}\u{202A}", "Eve", "a bidirectional control character (removed)"),
    ("Ann\n\u{202D}Smith", "Ann Smith", "a line break (replaced by a space) and a bidirectional control character (removed)"),
    ("عربي", "عربي", nil),
  ] as [(String, String, String?)])
  func namesAreOneLineWithoutControlOrBidirectionalCharacters(_ raw: String, _ cleaned: String, _ found: String?) {
    let result = SubscriberText.cleaned(raw)
    #expect(result.text == cleaned)
    #expect(result.found == found)
  }

  @Test(arguments: ["=1+1", "+49 30", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''+x", "plain", "'quoted", "", "=", "'"])
  func neutralisingACellIsUndoneExactly(_ cell: String) {
    let written = SubscriberText.neutralized(cell)
    if let first = written.utf8.first { #expect(!"=+-@\t\r".utf8.contains(first)) }
    #expect(SubscriberText.unneutralized(written) == cell)
  }
}
