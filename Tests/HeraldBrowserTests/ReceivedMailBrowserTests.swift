import Foundation
import HeraldTesting
import Testing

/// A hostile received message in the desk, in a real browser driving the real server (issue
/// 18): opening it makes no request to any host but the desk (no tracking pixel, no
/// stylesheet, no script's fetch), runs none of its scripts, and axe finds nothing serious;
/// an attachment that claims to be HTML is only downloaded. Screenshots are kept in
/// `.build/test-artifacts/received-mail/`.
struct ReceivedMailBrowserTests {
  /// Tests/HeraldDeskTests/Fixtures/hostile-html.eml: scripts, event handlers, remote images,
  /// CSS that fetches, javascript: and data: links, an SVG with script, hostile attachments.
  static let hostileMessage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("HeraldDeskTests/Fixtures/hostile-html.eml")

  struct Person: Encodable {
    var email: String
    var password: String
  }

  struct Request: Encodable {
    var desk: String
    var viewer: Person
    var message: String
    var artefacts: String
  }

  struct Download: Decodable {
    var name: String
    var url: String
    var navigated: Bool
  }

  struct Result: Decodable {
    var requests: [String]
    var landed: [String]
    var title: String
    var frames: Int
    var sandboxes: [String?]
    var frame_titles: [String]
    var text: String
    var download: Download
    var violations: [String]
    var screenshots: [String]
    var console_errors: [String]
  }

  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func aHostileMessageLoadsNothingFromElsewhereRunsNoScriptAndOnlyDownloadsItsAttachments() throws {
    let site = try ServedWorkspace()
    let imported = try HeraldProcess.run(["inbox", "import", Self.hostileMessage.path], in: site.root)
    #expect(imported.status == 0, "\(imported.stderr)")
    let result = try BrowserScript("received_mail.py").run(
      Request(
        desk: site.desk, viewer: Person(email: ServedWorkspace.email("viewer"), password: ServedWorkspace.password),
        message: "/inbox/1", artefacts: BrowserScript.artefacts("received-mail").path),
      as: Result.self, timeout: 300)

    // Each page was shown at both widths, signed in (not sent to the sign-in page).
    let pages = [site.desk + "/inbox", site.desk + "/inbox/1"]
    #expect(result.landed == pages + pages, "\(result.landed)")
    // Every request went to the desk: nothing to tracker.example.com or evil.example.com.
    #expect(!result.requests.isEmpty)
    let elsewhere = result.requests.filter { !$0.hasPrefix(site.desk + "/") }
    #expect(elsewhere.isEmpty, "requests to other hosts: \(elsewhere)")
    #expect(result.requests.contains(site.desk + "/inbox/1/message.html"), "the frame was loaded: \(result.requests)")
    // No script of the message ran: the titles are the desk's and the subject, never "owned…".
    #expect(!result.title.contains("owned"), "\(result.title)")
    #expect(result.frame_titles.allSatisfy { !$0.contains("owned") }, "\(result.frame_titles)")
    #expect(result.frames == 1)
    #expect(result.sandboxes == [""], "a frame sandboxed with no allowance: \(result.sandboxes)")
    #expect(result.text.contains("Dear press office"))
    // The attachment that claims text/html was downloaded, not shown.
    #expect(result.download.name == "page.html")
    #expect(!result.download.navigated)
    // The desk's own policy refused nothing of its pages (the message's frame has its own).
    let refused = result.console_errors.filter { $0.contains("Content Security Policy") && !$0.contains("/message.html") }
    #expect(refused.isEmpty, "\(refused)")
    #expect(result.screenshots.count == 4)
    for violation in result.violations { Issue.record(Comment(rawValue: violation)) }
  }
}
