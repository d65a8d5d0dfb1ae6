import Foundation
import HeraldMail
import Testing

/// The allow-list that makes a received message's HTML safe to show: each hostile form is
/// written out here and must leave nothing that runs or fetches.
struct HTMLSanitizerTests {
  func clean(_ html: String, images: [String: String] = [:]) -> String {
    HTMLSanitizer.sanitize(html, inlineImages: images).html
  }

  @Test func scriptElementsAreDroppedWithTheirContent() {
    let output = clean("<p>Hello</p><script>document.title='owned'</script><SCRIPT src=x></SCRIPT ><p>after</p>")
    #expect(output == "<p>Hello</p><p>after</p>")
  }

  @Test func eventHandlerAttributesAreDropped() {
    let output = clean(#"<p onclick="fetch('https://evil.example.com')" ONLOAD=x onmouseover='y'>text</p><body onload="alert(1)">b</body>"#)
    #expect(!output.lowercased().contains("on"), "\(output)")
    #expect(output.contains("<p>text</p>"))
  }

  @Test func remoteImagesBecomePlaceholdersWithTheirAltText() {
    let result = HTMLSanitizer.sanitize(#"<img src=http://tracker.example.com/p.gif alt="Our logo" onerror="x()"><img src='https://example.com/a.png'>"#)
    #expect(!result.html.contains("tracker.example.com"))
    #expect(!result.html.contains("<img"))
    #expect(result.html.contains("[Image not loaded: Our logo]"))
    #expect(result.blockedImages == 2)
  }

  @Test func cidImagesAreShownOnlyFromTheDataTheCallerGives() {
    let output = clean(#"<img src="cid:Logo@Example.org" alt="logo"><img src="cid:other@example.org">"#, images: ["logo@example.org": "data:image/png;base64,AAAA"])
    #expect(output.contains(#"<img src="data:image/png;base64,AAAA" alt="logo">"#))
    #expect(output.contains("[Image not loaded]"))
  }

  @Test func rasterDataImagesStayAndOtherDataImagesGo() {
    let output = clean(#"<img src="data:image/gif;base64,R0lGOD"><img src="data:image/svg+xml;base64,PHN2Zz4=">"#)
    #expect(output.contains("data:image/gif;base64,R0lGOD"))
    #expect(!output.contains("svg"))
  }

  @Test(arguments: [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "&#x6A;&#x61;vascript:alert(1)", "java\tscript:alert(1)",
    " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "//evil.example.com/", "/relative", "mailto:a@example.org",
  ])
  func linksKeepOnlyWebAddresses(address: String) {
    let output = clean("<a href=\"\(address)\">click</a>")
    #expect(!output.contains("href"), "\(address) → \(output)")
    #expect(output.contains("click"))
  }

  @Test func webLinksAreKeptAndOpenNowhere() {
    let output = clean(#"<a href="https://example.org/story?a=1&amp;b=2" target="_top" title="x">story</a>"#)
    #expect(output == #"<a href="https://example.org/story?a=1&amp;b=2" title="https://example.org/story?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">story</a>"#)
  }

  @Test func cssThatFetchesIsRemoved() {
    let output = clean("""
      <style>@import url(http://evil.example.com/a.css); @import 'b.css'; p{color:red;background:url(http://tracker.example.com/bg.gif)} \
      div{width:expression(alert(1))} h1{behavior:url(x.htc)} a{b\\61ckground:u\\72l(x)} @font-face{font-family:x;src:url(http://example.com/f.woff)}</style>
      <div style="background-image: URL('http://tracker.example.com/x.png'); color: blue">x</div>
      <p style="background:&#117;rl(http://tracker.example.com/y)">y</p>
      """)
    #expect(!output.lowercased().contains("url"), "\(output)")
    #expect(!output.contains("@import"))
    #expect(!output.contains("expression"))
    #expect(!output.contains("tracker.example.com"))
    #expect(output.contains("color:red"))
    #expect(output.contains("color: blue"))
  }

  @Test func elementsThatLoadOrNavigateAreDropped() {
    let output = clean("""
      <html><head><base href="http://evil.example.com/"><meta http-equiv="refresh" content="0;url=http://evil.example.com/">
      <link rel=stylesheet href="http://evil.example.com/s.css"><title>T</title></head>
      <body><iframe src="http://evil.example.com/"></iframe><object data="x.swf"></object><embed src="x.swf">
      <form action="http://evil.example.com/"><input name=q value="v"><button>Send</button></form>
      <svg onload="alert(1)"><script>alert(2)</script></svg><math><mtext>m</mtext></math><p>kept</p></body></html>
      """)
    for forbidden in ["<base", "<meta", "http-equiv", "<link", "<iframe", "<object", "<embed", "<form", "<input", "<svg", "<script", "evil.example.com", "<title"] {
      #expect(!output.lowercased().contains(forbidden), "\(forbidden) in \(output)")
    }
    #expect(output.contains("<p>kept</p>"))
    #expect(output.contains("Send"))
  }

  @Test func brokenMarkupIsWrittenOutWellFormed() {
    let output = clean(#"<p>a < b <b>bold <i>both</b> <scr<script>ipt>alert(1)</script> <img src="x" alt="unclosed"#)
    #expect(!output.contains("<script"))
    #expect(!output.contains("<scr<"))
    #expect(output.hasPrefix("<p>a &lt; b <b>bold <i>both</i></b>"))
    #expect(output.hasSuffix("</p>"))
  }

  @Test func commentsAndProcessingInstructionsGo() {
    let output = clean("<!--[if IE]><script>x</script><![endif]--><?xml version=1?><!DOCTYPE html><p>t</p>")
    #expect(output == "<p>t</p>")
  }

  @Test func attributeValuesAreQuotedAndEscaped() {
    let output = clean(#"<td width=10 title='a "quoted" <b>' class=x id=y name=z>c</td>"#)
    #expect(output == #"<td width="10" title="a &quot;quoted&quot; &lt;b&gt;" class="x">c</td>"#)
  }

  @Test func aLongDocumentIsCutAtTheLimit() {
    let html = String(repeating: "<p>word</p>", count: 1000)
    let result = HTMLSanitizer.sanitize(html, limit: 1000)
    #expect(result.truncated)
    #expect(result.html.utf8.count < 1100)
  }

  @Test func deepNestingStopsAtTheLimit() {
    let html = String(repeating: "<div>", count: 5000) + "deep"
    let result = HTMLSanitizer.sanitize(html)
    #expect(result.html.components(separatedBy: "<div>").count - 1 == 200)
    #expect(result.html.contains("deep"))
  }
}
