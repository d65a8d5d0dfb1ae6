@testable import HeraldStore
import Testing

struct SubscriberTextTests {
  @Test(arguments: [
    ("Ann Smith", "Ann Smith", nil),
    ("Ann\r\nBcc: x@example.org", "Ann Bcc: x@example.org", "a line break"),
    ("Ann\u{0}Smith", "Ann Smith", "a NUL character"),
    ("\tAnn  \u{2028} Smith\n", "Ann Smith", "a line break and a control character"),
    ("\u{7}", "", "a control character"),
  ] as [(String, String, String?)])
  func namesAreOneLineWithoutControlCharacters(_ raw: String, _ cleaned: String, _ found: String?) {
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
