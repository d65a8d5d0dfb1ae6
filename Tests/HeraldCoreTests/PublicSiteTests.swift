import Foundation
import HeraldCore
import Testing

struct PublicSiteTests {
  let site = PublicSite(baseURL: "https://news.example.org/")

  @Test func addressesAreTheBaseAndThePagesPath() {
    #expect(site.baseURL == "https://news.example.org")
    #expect(site.url(.home) == "https://news.example.org/")
    #expect(site.url(.feed) == "https://news.example.org/feed.atom")
    #expect(site.url(.release(slug: "2026-12-06-report")) == "https://news.example.org/releases/2026-12-06-report")
    #expect(site.url(.unsubscribe(token: "abc.DEF-_")) == "https://news.example.org/unsubscribe/abc.DEF-_")
    #expect(site.url(.confirm(token: "t")) == "https://news.example.org/confirm/t")
    #expect(site.url(.lists) == "https://news.example.org/subscribe")
    #expect(site.url(.subscribe(list: "press-en")) == "https://news.example.org/subscribe/press-en")
    #expect(site.url(.contact()) == "https://news.example.org/contact")
    #expect(site.url(.contact(release: "2026-12-06-report")) == "https://news.example.org/contact?release=2026-12-06-report")
  }

  @Test func valuesCannotLeaveTheirSegment() {
    #expect(PublicPage.release(slug: "../admin").path == "/releases/..%2Fadmin")
    #expect(PublicPage.subscribe(list: "a b?c#d").path == "/subscribe/a%20b%3Fc%23d")
    #expect(PublicPage.contact(release: "x&y=z").path == "/contact?release=x%26y%3Dz")
    #expect(PublicPage.release(slug: "пресса").path == "/releases/%D0%BF%D1%80%D0%B5%D1%81%D1%81%D0%B0")
  }

  /// Every page's path is matched by its route's pattern: what mail links to is served.
  @Test(arguments: [
    PublicPage.home, .feed, .stylesheet, .release(slug: "s"), .unsubscribe(token: "t"), .confirm(token: "t"), .lists,
    .subscribe(list: "l"), .contact(), .contact(release: "s"),
  ])
  func everyPageIsMatchedByItsRoutesPattern(_ page: PublicPage) {
    let path = page.path.split(separator: "?").first.map(String.init) ?? ""
    let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    let pattern = page.route.pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    #expect(segments.count == pattern.count, "\(path) against \(page.route)")
    for (segment, expected) in zip(segments, pattern) {
      #expect(expected.hasPrefix(":") ? !segment.isEmpty : segment == expected, "\(path) against \(page.route)")
    }
  }

  @Test func routesNameTheirParameter() {
    #expect(PublicRoute.release.pattern == "/releases/:slug" && PublicRoute.release.parameter == "slug")
    #expect(PublicRoute.unsubscribe.parameter == "token" && PublicRoute.subscribe.parameter == "list")
    #expect(PublicRoute.home.pattern == "/" && PublicRoute.home.parameter == nil)
  }
}

struct MarkupTests {
  @Test func theFiveCharactersAreEscapedAndNothingElse() {
    #expect(Markup.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    #expect(Markup.escape("Привет, мир") == "Привет, мир")
    #expect(Markup.escape("tab\there\u{1}") == "tab\there\u{1}")
  }

  @Test func xmlDropsTheControlCharactersItForbids() {
    #expect(Markup.escape("a\u{1}b\u{8}c\td\ne\rf<", xml: true) == "abc\td\ne\rf&lt;")
  }
}

struct MailKindTests {
  @Test func oneOffCampaignsAreNamedByTheirKindAndAreNoRelease() throws {
    let started = Date(timeIntervalSince1970: 1_795_947_733)
    let campaign = CampaignID(kind: .confirmation, started: started)
    #expect(campaign.rawValue == "_confirmation-1795947733")
    #expect(campaign.kind == .confirmation && campaign.release == nil)
    #expect(campaign.started == started)
    #expect(CampaignID(kind: .inquiryReply, started: started).kind == .inquiryReply)
    // A release is a release, and its slug cannot take a one-off's name: slugs have no "_".
    let release = CampaignID(release: "confirmation", started: started)
    #expect(release.kind == .release && release.release == "confirmation")
    #expect(release.releaseKey != campaign.releaseKey)
  }
}
