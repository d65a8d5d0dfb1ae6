import Foundation
import HeraldCampaign
import HeraldCore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

struct DeskReleasesTests {
  @Test func theReleasesPageShowsEachReleaseWithItsLanguagesListsAndState() async throws {
    let fixture = try DeskFixture()
    // One published, one that cannot be read: the page shows both.
    _ = try fixture.mailroom.publish(release: WorkspaceDefaults.sampleReleasePath, at: fixture.clock.now)
    try "---\ntitle: [unclosed\n".write(
      to: fixture.workspace.releasesDirectory.appendingPathComponent("2021-01-01-broken.md"), atomically: true, encoding: .utf8)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      #expect(text.contains("Releases/2020-03-31-water-report.md"))
      #expect(text.contains("en, ru"))
      #expect(text.contains("Published"))
      #expect(text.contains("Releases/2021-01-01-broken.md"))
      #expect(text.contains("Cannot be read"))
      // A translation is shown with its original, not as a release of its own.
      #expect(!text.contains("Releases/2020-03-31-water-report.ru.md"))
      // The newest file first.
      let broken = try #require(text.range(of: "2021-01-01-broken.md"))
      let water = try #require(text.range(of: "2020-03-31-water-report.md"))
      #expect(broken.lowerBound < water.lowerBound)
    }
  }

  @Test func thePagesAreInTheWorkspacesLanguage() async throws {
    let fixture = try DeskFixture(web: ["  language: de"])
    try await fixture.test { client in
      let signIn = try await client.execute(uri: "/sign-in", method: .get)
      #expect(signIn.text.contains("<html lang=\"de\">"))
      #expect(signIn.text.contains("Bei der Redaktion anmelden"))
      #expect(signIn.text.contains("<label for=\"email\">E-Mail-Adresse</label>"))
      #expect(signIn.text.contains("<label for=\"password\">Passwort</label>"))
    }
  }

  @Test(arguments: [(1280, 800), (390, 844)])
  func theSignInPageRendersInChromiumAtDesktopAndPhoneWidths(width: Int, height: Int) async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    let fixture = try DeskFixture()
    try await fixture.test { _ in
      let url = "\(fixture.desk.address)/sign-in"
      let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("desk-sign-in-\(width)x\(height).png")
      // Chromium runs a child process: off the test's task, as the web tests do.
      try await Task.detached {
        try browser.screenshot(url, width: width, height: height, to: file)
      }.value
      let dom = try await Task.detached { try browser.dumpDOM(url) }.value
      #expect(dom.contains("<form method=\"post\" action=\"/sign-in\">"))
      #expect(try Data(contentsOf: file).count > 2000)
    }
  }
}
