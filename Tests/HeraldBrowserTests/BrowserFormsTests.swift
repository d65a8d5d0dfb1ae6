import Foundation
import HeraldTesting
import Testing

/// What only a real browser shows: its forms are sent as it sends them (with the `Origin`
/// and `Sec-Fetch-Site` it chooses under the pages' Referrer-Policy), and they are accepted.
struct BrowserFormsTests {
  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func aBrowserSignsInToTheDeskAndSubscribesThroughThePublicForm() throws {
    let site = try ServedWorkspace()
    let pages: [PageAudit.Page] = [
      .init("desk-releases", "\(site.desk)/", as: "admin"),
      .init(
        "public-subscribe-sent", "\(site.web)/subscribe/press-en",
        steps: [.fill("#email", "lee@example.net"), .check("#consent"), .click("main button[type=submit]")]),
    ]
    let audit = PageAudit(
      pages: pages, accounts: ["admin": site.account("admin")], artefacts: BrowserScript.artefacts("browser-forms"), viewports: ["desktop"])
    let report = try audit.run()
    // Signed in: the releases list, not the sign-in page again or a refusal.
    #expect(report.unexpected(pages).isEmpty, "\(report.unexpected(pages))")
    #expect(report.pages.first { $0.name == "desk-releases" }?.title?.hasPrefix("Releases") == true, "\(report.pages)")
    // The subscription was taken: waiting for its confirmation.
    let shown = try HeraldProcess.run(["subscribers", "show", "lee@example.net"], in: site.root)
    #expect(shown.status == 0 && shown.stdout.contains("pending"), "\(shown.stdout)\(shown.stderr)")
  }
}
