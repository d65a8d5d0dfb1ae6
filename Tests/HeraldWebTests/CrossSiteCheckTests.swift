import Testing

@testable import HeraldWeb

struct CrossSiteCheckTests {
  static let check = CrossSiteCheck(baseURL: "https://news.example.org/press")

  @Test(arguments: ["GET", "HEAD", "OPTIONS"])
  func safeMethodsAlwaysPass(_ method: String) {
    #expect(Self.check.allows(method: method, secFetchSite: "cross-site", origin: "https://evil.example"))
    #expect(Self.check.allows(method: method, secFetchSite: nil, origin: "null"))
  }

  @Test(arguments: ["POST", "PUT", "DELETE", "PATCH", "get", "Post"])
  func crossSiteFetchIsRefusedForOtherMethods(_ method: String) {
    #expect(!Self.check.allows(method: method, secFetchSite: "cross-site", origin: nil))
    #expect(!Self.check.allows(method: method, secFetchSite: "cross-site", origin: "https://news.example.org"))
    #expect(!Self.check.allows(method: method, secFetchSite: " Cross-Site ", origin: nil))
  }

  @Test(arguments: [nil, "same-origin", "same-site", "none"])
  func ownOriginPasses(_ site: String?) {
    #expect(Self.check.allows(method: "POST", secFetchSite: site, origin: "https://news.example.org"))
  }

  @Test(arguments: [nil, "same-origin", "same-site", "none"])
  func otherOriginIsRefused(_ site: String?) {
    for origin in [
      "https://evil.example", "https://press.news.example.org", "https://example.org", "http://news.example.org",
      "https://news.example.org:8443", "https://news.example.org.evil.example", "null", "", "garbage",
      "https://news.example.org/press", "https://user@news.example.org",
    ] {
      #expect(!Self.check.allows(method: "POST", secFetchSite: site, origin: origin), "\(origin)")
    }
  }

  @Test func neitherHeaderPasses() {
    #expect(Self.check.allows(method: "POST", secFetchSite: nil, origin: nil))
  }

  @Test(arguments: ["same-origin", "same-site", "none", "some-future-value"])
  func fetchSiteOtherThanCrossSiteWithoutOriginPasses(_ site: String) {
    #expect(Self.check.allows(method: "POST", secFetchSite: site, origin: nil))
  }

  @Test(arguments: [
    ("https://news.example.org/press", "https://NEWS.Example.ORG"),
    ("https://news.example.org/press", "HTTPS://news.example.org"),
    ("https://news.example.org/press", "https://news.example.org:443"),
    ("https://news.example.org:443/", "https://news.example.org"),
    ("http://news.example.org", "http://news.example.org:80"),
    ("http://localhost:8080/", "http://localhost:8080"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://[::1]:8080/x", "http://[::1]:8080"),
    ("http://[0:0::1]:8080", "http://[::1]:8080"),
    ("https://News.Example.org?x=1#top", "https://news.example.org"),
    ("https://editor:secret@news.example.org/press", "https://news.example.org"),
    ("https://bücher.example/", "https://xn--bcher-kva.example"),
  ])
  func originsCompareAsBrowsersSerialiseThem(_ base: String, _ origin: String) {
    #expect(CrossSiteCheck(baseURL: base).allows(method: "POST", secFetchSite: "same-origin", origin: origin))
  }

  @Test(arguments: [
    ("http://localhost:8080", "http://localhost:8081"),
    ("http://localhost:8080", "http://localhost"),
    ("https://news.example.org", "https://news.example.org:80"),
    ("http://news.example.org", "http://news.example.org:443"),
    ("http://[::1]:8080", "http://[::2]:8080"),
    ("http://[::1]:8080", "http://127.0.0.1:8080"),
  ])
  func differentPortsOrHostsAreOtherOrigins(_ base: String, _ origin: String) {
    #expect(!CrossSiteCheck(baseURL: base).allows(method: "POST", secFetchSite: nil, origin: origin))
  }

  @Test func unreadableBaseURLRefusesEveryOrigin() {
    let check = CrossSiteCheck(baseURL: "news.example.org")
    #expect(!check.allows(method: "POST", secFetchSite: nil, origin: "https://news.example.org"))
    #expect(check.allows(method: "POST", secFetchSite: nil, origin: nil))
  }
}
