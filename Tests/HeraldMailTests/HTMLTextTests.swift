import HeraldMail
import Testing

struct HTMLTextTests {
  @Test(arguments: [
    // Tags dropped, inline ones without a space.
    ("<b>bold</b> and <i>it</i>al<span>ic</span>", "bold and italic"),
    // Line breaks and blocks.
    ("one<br>two<br/>three<BR />four", "one\ntwo\nthree\nfour"),
    ("one<br><br>two", "one\n\ntwo"),
    ("<p>one</p><p>two</p>", "one\n\ntwo"),
    ("<div>one</div><div>two</div>", "one\ntwo"),
    ("<h1>Title</h1>Text", "Title\n\nText"),
    ("<ul><li>one</li><li>two</li></ul>after", "one\ntwo\nafter"),
    ("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>", "a b\nc d"),
    ("<blockquote>quoted</blockquote>reply", "quoted\n\nreply"),
    // Links keep their text.
    ("See <a href=\"https://example.org/r?a=1&amp;b=2\">the release</a>.", "See the release."),
    // Entities: named, decimal, hex, without ";" for the old few, unknown left alone.
    ("caf&eacute; &amp; cr&egrave;me &lt;b&gt; &quot;x&quot; &apos;y&apos;", "café & crème <b> \"x\" 'y'"),
    ("&#233;&#xE9;&#XE9;&#128512;", "ééé😀"),
    ("&#150; &#x93;quoted&#148;", "– “quoted”"),
    ("&#0; &#xD800; &#1114112;", "\u{FFFD} \u{FFFD} \u{FFFD}"),
    ("AT&T &amp &copy 2026 &nosuch; &", "AT&T & © 2026 &nosuch; &"),
    ("&euro;&hellip;&mdash;&nbsp;&rsquo;&Omega;&hearts;", "€…— ’Ω♥"),
    // Content that is not text.
    ("<head><title>T</title><meta charset=utf-8></head><body>Body</body>", "Body"),
    ("a<script>var x = '<p>no</p>';</script>b<style>p { color: red }</style>c", "abc"),
    ("a<SCRIPT type=text/javascript>x()</Script >b", "ab"),
    ("a<!-- a <p>comment</p> -->b<!DOCTYPE html><?xml version=\"1.0\"?>c", "abc"),
    // Whitespace collapsed, trimmed at the ends and around breaks.
    ("  lots   of\n\n\tspace  <br>  here  ", "lots of space\nhere"),
    ("<p>  one  </p>  <p>  two  </p>", "one\n\ntwo"),
    ("a&nbsp;&nbsp;&nbsp;b", "a b"),
    // <pre> keeps its whitespace.
    ("<pre>  a\n    b</pre>c", "  a\n    b\n\nc"),
    // Things that are not tags.
    ("1 < 2 and 3 > 2, a<-b", "1 < 2 and 3 > 2, a<-b"),
    ("<p title=\"a > b\">quoted attribute</p>", "quoted attribute"),
    ("Outlook<o:p></o:p> tags", "Outlook tags"),
    // Broken HTML.
    ("unclosed <b tag", "unclosed"),
    ("<head>no end, no body", "no end, no body"),
    ("<title>no end", "no end"),
    ("text<script>never closes", "text"),
    ("", ""),
    ("<", "<"),
    ("&", "&"),
    ("&#", "&#"),
    ("&#x;", "&#x;"),
  ])
  func convertsHTMLToText(_ html: String, _ text: String) {
    #expect(HTMLText.text(fromHTML: html) == text)
  }

  @Test func convertsATypicalReply() {
    let html = """
      <html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
      <style type="text/css">body { font-family: Arial; }</style></head>
      <body><div dir="ltr">Hello,<div><br></div><div>could you send the figures before the embargo?</div>
      <div><br></div><div>Thanks,<br>Ren&eacute;e</div></div><br>
      <div class="gmail_quote"><div dir="ltr">On Sun, Nov 29, 2026 at 8:16 AM Press Office &lt;<a href="mailto:press@example.org">press@example.org</a>&gt; wrote:<br></div>
      <blockquote class="gmail_quote">The release.</blockquote></div></body></html>
      """
    #expect(
      HTMLText.text(fromHTML: html) == """
        Hello,

        could you send the figures before the embargo?

        Thanks,
        Renée

        On Sun, Nov 29, 2026 at 8:16 AM Press Office <press@example.org> wrote:

        The release.
        """)
  }

  /// Quadratic work on 3 MB of HTML would take far longer than the limit (the time is
  /// measured by `make bench`, not here).
  @Test(.timeLimit(.minutes(1))) func largeHTMLIsConvertedWhole() {
    let html = String(repeating: "<div><p>Para&nbsp;<b>graph</b> &amp; more</p></div>\n", count: 50_000)
    let text = HTMLText.text(fromHTML: html)
    #expect(text.hasPrefix("Para graph & more\n\nPara graph"))
    #expect(text.components(separatedBy: "Para graph & more").count == 50_001)
  }
}
