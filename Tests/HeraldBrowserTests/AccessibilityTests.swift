import Foundation
import HeraldTesting
import Testing

/// Accessibility measured, not assumed: the built `herald serve` on a workspace like the
/// demo's, every public page, the email's HTML and every desk page looked at in Chromium at a
/// desktop's and a phone's width, and measured with axe-core's WCAG 2.1 A/AA rules. A serious
/// or critical violation fails the test, and so does an element the Tab key reaches without
/// focus drawn on it; screenshots of every page at both widths are kept in
/// .build/test-artifacts/accessibility/.
struct AccessibilityTests {
  /// Every page of the desk, signed in as the role that may see it (nil: signed out). The
  /// one list of them: a new desk page is added here. `release` is the sample release's
  /// file name.
  static func deskPages(_ desk: String, release: String) -> [PageAudit.Page] {
    let translation = release.replacingOccurrences(of: ".md", with: ".ru.md")
    return [
      .init("desk-sign-in", "\(desk)/sign-in"),
      .init(
        "desk-sign-in-wrong-password", "\(desk)/sign-in",
        steps: [.fill("#email", ServedWorkspace.email("admin")), .fill("#password", "not the password at all"), .click("main button[type=submit]")],
        status: 401),
      .init("desk-releases", "\(desk)/", as: "admin"),
      .init("desk-release", "\(desk)/releases/\(release)", as: "admin"),
      .init("desk-release-translation", "\(desk)/releases/\(translation)", as: "admin"),
      .init("desk-release-as-viewer", "\(desk)/releases/\(release)", as: "viewer"),
      .init("desk-new-release", "\(desk)/releases/new", as: "admin"),
      .init("desk-edit", "\(desk)/releases/\(release)/edit", as: "admin"),
      .init("desk-files", "\(desk)/releases/\(release)/files", as: "admin"),
      .init("desk-check", "\(desk)/releases/\(release)/check", as: "admin"),
      .init("desk-preview", "\(desk)/releases/\(release)/preview", as: "admin"),
      .init("desk-send", "\(desk)/releases/\(release)/send", as: "admin"),
      .init("desk-account", "\(desk)/account", as: "admin"),
      .init("desk-two-step-set-up", "\(desk)/account/two-step", as: "admin"),
      .init(
        "desk-two-step-wrong-code", "\(desk)/account/two-step", as: "admin",
        steps: [.fill("#code", "00000x"), .click("main form button[type=submit]")], status: 422),
      .init("desk-users", "\(desk)/users", as: "admin"),
      // Received mail: the list, and the hostile message (imported first, so it is 1) as a
      // sender and admin see it (with the form that corrects its class) and as a viewer.
      .init("desk-inbox", "\(desk)/inbox", as: "admin"),
      .init("desk-received", "\(desk)/inbox/1", as: "admin"),
      .init("desk-received-as-viewer", "\(desk)/inbox/1", as: "viewer"),
      // Reports.
      .init("desk-reports", "\(desk)/reports", as: "viewer"),
      .init("desk-report", "\(desk)/releases/\(release)/report", as: "viewer"),
      .init("desk-forbidden", "\(desk)/users", as: "viewer", status: 403),
      .init("desk-not-found", "\(desk)/no-such-page", as: "admin", status: 404),
      // Inquiries: the list, and the one the public contact form (publicPages, audited
      // first) made.
      .init("desk-inquiries", "\(desk)/inquiries", as: "admin"),
      .init("desk-inquiries-filtered", "\(desk)/inquiries?status=new&assignee=nobody&q=leak", as: "viewer"),
      .init("desk-inquiry", "\(desk)/inquiries/1", as: "admin"),
      .init("desk-inquiry-as-viewer", "\(desk)/inquiries/1", as: "viewer"),
      // Subscribers and lists (subscriber 1: the first row of the sample list, imported).
      .init("desk-subscribers", "\(desk)/subscribers", as: "admin"),
      .init("desk-subscribers-search", "\(desk)/subscribers?q=example", as: "viewer"),
      .init("desk-subscriber", "\(desk)/subscribers/1", as: "admin"),
      .init("desk-subscriber-as-viewer", "\(desk)/subscribers/1", as: "viewer"),
      .init("desk-subscriber-new", "\(desk)/subscribers/new", as: "admin"),
      .init("desk-subscriber-edit", "\(desk)/subscribers/1/edit", as: "admin"),
      .init("desk-list", "\(desk)/lists/press-en", as: "admin"),
      .init("desk-list-import", "\(desk)/lists/press-en/import", as: "admin"),
      .init("desk-subscriber-forget", "\(desk)/subscribers/1/forget", as: "admin"),
      .init("desk-suppressions", "\(desk)/suppressions", as: "admin"),
      .init("desk-lists", "\(desk)/lists", as: "admin"),
      // The Outbox and the audit.
      .init("desk-outbox", "\(desk)/outbox", as: "admin"),
      .init("desk-outbox-as-viewer", "\(desk)/outbox", as: "viewer"),
      .init("desk-audit", "\(desk)/audit", as: "admin"),
      .init("desk-audit-wrong-day", "\(desk)/audit?from=yesterday", as: "admin", status: 422),
    ]
  }

  /// Every public page, and what a visitor's forms lead to (errors beside their fields, the
  /// thanks), at `web`; `unsubscribe` and `confirm` are paths with real tokens.
  static func publicPages(_ web: String, unsubscribe: String, confirm: String) -> [PageAudit.Page] {
    let send = PageAudit.Step.click("main button[type=submit]")
    return [
      .init("public-index", "\(web)/"),
      .init("public-release", "\(web)/releases/2020-03-31-water-report"),
      .init("public-release-translation", "\(web)/ru/releases/2020-03-31-water-report"),
      .init("public-lists", "\(web)/subscribe"),
      .init("public-subscribe", "\(web)/subscribe/press-en"),
      .init("public-subscribe-errors", "\(web)/subscribe/press-en", steps: [.fill("#email", "not an address"), send], status: 422),
      .init("public-subscribe-sent", "\(web)/subscribe/press-en", steps: [.fill("#email", "lee@example.net"), .check("#consent"), send]),
      .init("public-contact", "\(web)/contact"),
      .init("public-contact-errors", "\(web)/contact", steps: [send], status: 422),
      .init(
        "public-contact-sent", "\(web)/contact",
        steps: [
          .fill("#name", "Kim Example"), .fill("#email", "kim@example.net"), .fill("#subject", "The leak figures"),
          .fill("#message", "Which cities lose the most?"), send,
        ]),
      .init("public-unsubscribe", "\(web)\(unsubscribe)"),
      .init("public-confirm", "\(web)\(confirm)"),
      .init("public-confirmed", "\(web)\(confirm)", steps: [send]),
      .init("public-unsubscribed", "\(web)\(unsubscribe)", steps: [send]),
      .init("public-not-found", "\(web)/no-such-page", status: 404),
    ]
  }

  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func noPageAndNotTheEmailHasASeriousOrCriticalViolationOrHiddenFocusAtDesktopOrPhoneWidth() throws {
    let site = try ServedWorkspace()
    // A hostile received message for the desk's received-mail pages (message 1).
    let imported = try HeraldProcess.run(["inbox", "import", ReceivedMailBrowserTests.hostileMessage.path], in: site.root)
    #expect(imported.status == 0, "\(imported.stderr)")
    // A real subscription, for a confirmation page with a real token.
    #expect(try site.subscribe("kim@example.net") == 200)
    let confirm = try #require(site.confirmationPath(), "no confirmation message in the Outbox:\n\(site.server.output)")
    let unsubscribe = try site.unsubscribePath(for: "bob.jones@example.com")
    // The email as two subscribers get it: in English, and in Russian (Dmitri's language).
    let emails: [PageAudit.Page] = try [("email", "grace.obi@example.org"), ("email-ru", "dmitri.ivanov@example.com")].map { name, recipient in
      .init(name, try site.preview(for: recipient).appendingPathComponent("message.html").absoluteString)
    }
    let pages =
      Self.publicPages(site.web, unsubscribe: unsubscribe, confirm: confirm) + emails
      + Self.deskPages(site.desk, release: ServedWorkspace.sampleRelease)
    let artefacts = BrowserScript.artefacts("accessibility")
    let audit = PageAudit(pages: pages, accounts: ["admin": site.account("admin"), "viewer": site.account("viewer")], artefacts: artefacts)

    let report = try audit.run()

    let counts = report.countsByRule.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    try Data("WCAG 2.1 A/AA violations (elements) by rule: \(counts.isEmpty ? "none" : counts)\n".utf8)
      .write(to: artefacts.appendingPathComponent("summary.txt"))
    #expect(report.pages.count == pages.count * 2, "every page at both widths")
    for problem in report.unexpected(pages) { Issue.record(Comment(rawValue: problem)) }
    for violation in report.blocking { Issue.record(Comment(rawValue: violation)) }
    // Keyboard reachable, focus visible: Tab reaches something on every page and shows where it is.
    for problem in report.keyboardProblems { Issue.record(Comment(rawValue: problem)) }
    // The pages run no inline script or style: the browser reports what the policy refused.
    let refused = report.consoleErrors.filter { $0.contains("Content Security Policy") }
    #expect(refused.isEmpty, "\(refused.joined(separator: "\n"))")
    for page in report.pages where page.error == nil {
      #expect(page.screenshot.map { FileManager.default.fileExists(atPath: $0) } == true, "\(page.name) (\(page.viewport)) has no screenshot")
    }
  }
}
