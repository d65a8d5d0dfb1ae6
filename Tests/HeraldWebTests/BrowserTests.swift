import Foundation
import HeraldTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldWeb

/// The pages in a real browser: headless Chromium loads them from the running server, the
/// DOM it built is checked for what a reader must see, and screenshots at desktop and phone
/// widths are kept in .build/test-artifacts/ (not committed) for a person to look at.
@Suite(.serialized)
struct BrowserTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  static let sizes = [(name: "desktop", width: 1280, height: 900), (name: "phone", width: 390, height: 844)]

  /// Loads `path`, checks its DOM has every one of `texts`, and keeps screenshots.
  func look(at path: String, named name: String, expecting texts: [String]) async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium: run scripts/bootstrap")
    try await fixture.test { client in
      let url = "http://127.0.0.1:\(try #require(client.port))\(path)"
      // Chromium is a child process we wait for: off the cooperative pool, which the server needs.
      let dom = try await Self.detached { try browser.dumpDOM(url) }
      for text in texts { #expect(dom.contains(text), "\(name): “\(text)” in the DOM") }
      #expect(!dom.contains("<script"), "\(name): no scripts")
      for size in Self.sizes {
        let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("web-\(name)-\(size.name).png")
        try await Self.detached { try browser.screenshot(url, width: size.width, height: size.height, to: file) }
        #expect(((try? Data(contentsOf: file))?.count ?? 0) > 5_000, "\(name) at \(size.name): a page, not a blank")
      }
    }
  }

  static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
  }

  @Test func theSubscribePage() async throws {
    try await look(at: "/subscribe/press-en", named: "subscribe", expecting: [
      "Subscribe to Press releases (English)", "<label for=\"email\">Email address</label>",
      "I agree to receive press releases by email.", "<button type=\"submit\">Subscribe</button>",
    ])
  }

  @Test func aReleasePage() async throws {
    try await look(at: "/releases/2020-03-31-water-report", named: "release", expecting: [
      "<h1>Cities lose a third of their drinking water to leaks, new study finds</h1>", "<strong>31 per cent</strong>",
      "Write to the press office",
    ])
  }

  @Test func theUnsubscribePage() async throws {
    let token = try fixture.unsubscribeToken("reader1@example.com")
    try await look(at: "/unsubscribe/\(token)", named: "unsubscribe", expecting: [
      "reader1@example.com", "The list <strong>Press releases (English)</strong>", "Every list of Institute for Example Studies",
    ])
    #expect(try fixture.status("reader1@example.com") == .subscribed, "loading the page in a browser unsubscribes nobody")
  }

  @Test func theContactForm() async throws {
    try await look(at: "/contact?release=2020-03-31-water-report", named: "contact", expecting: [
      "Contact the press office", "<label for=\"message\">Your message</label>",
      "<option value=\"2020-03-31-water-report\" selected=\"\">",
    ])
  }
}
