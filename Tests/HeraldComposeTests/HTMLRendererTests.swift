import HeraldCompose
import Testing

struct HTMLRendererTests {
  func html(_ markdown: String, allowRawHTML: Bool = false) throws -> String {
    var settings = Fixtures.settings
    settings.allowRawHTML = allowRawHTML
    return try Fixtures.compose(Fixtures.releaseText(body: markdown), settings: settings)
      .personalisedParts(for: Fixtures.alex, list: "press-en").html
  }

  @Test func everyElementCarriesItsStyleInline() throws {
    let result = try html("# H\n\nA [link](https://example.org).\n\n> quote\n\n- item")
    #expect(!result.contains("<style"))
    for tag in ["<h1 style=", "<p style=", "<a href=\"https://example.org\" style=", "<blockquote style=", "<ul style=", "<li style="] {
      #expect(result.contains(tag), "\(tag)")
    }
  }

  @Test func rawHTMLIsDroppedUnlessAllowed() throws {
    let markdown = "<div class=\"x\">block</div>\n\nInline <b>bold</b> <script>alert(1)</script>."
    let dropped = try html(markdown)
    #expect(!dropped.contains("<div class=\"x\">"))
    #expect(!dropped.contains("<b>"))
    #expect(!dropped.contains("<script>"))
    let kept = try html(markdown, allowRawHTML: true)
    #expect(kept.contains("<div class=\"x\">block</div>"))
    #expect(kept.contains("<b>bold</b>"))
  }

  @Test(arguments: ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "#", ""])
  func linksThatLeadNowhereOrRunCodeBecomeText(_ target: String) throws {
    let result = try html("Click [here](\(target)) now.")
    #expect(result.contains("Click here now."))
    #expect(!result.contains("href=\"\(target)\""))
  }

  @Test func textAndAttributesAreEscaped() throws {
    let result = try html(#"Fish & chips <3 [x](https://e.org/?a=1&b="2")"#)
    #expect(result.contains("Fish &amp; chips &lt;3"))
    #expect(result.contains("href=\"https://e.org/?a=1&amp;b=%222%22\"") || result.contains("href=\"https://e.org/?a=1&amp;b=&quot;2&quot;\""))
  }

  @Test func imagesScaleAndKeepAltText() throws {
    let result = try html("![A chart of losses](https://example.org/c.png)")
    #expect(result.contains("alt=\"A chart of losses\""))
    #expect(result.contains("max-width:100%"))
  }

  @Test func hasAHiddenPreheaderFromTheSummary() throws {
    let result = try html("Body.")
    #expect(result.contains("display:none"))
    #expect(result.contains(">A summary.&#847;"))
  }

  @Test func footerHasOrganisationAddressReasonAndVisibleUnsubscribe() throws {
    let result = try html("Body.")
    #expect(result.contains("Institute for Example Studies"))
    #expect(result.contains("12 Example Square, 10115 Berlin, Germany"))
    #expect(result.contains("You receive this release because alex@example.com (Example Daily) is subscribed to the list “press-en”"))
    #expect(result.contains(">Unsubscribe</a>"))
    #expect(result.contains("href=\"https://news.example.org/unsubscribe/"))
  }
}
