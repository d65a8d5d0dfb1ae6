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

  /// "Sent" comes from the report's tallies, kept as deliveries are recorded: a deferral
  /// alone is not sent; the relay's acceptance is, with the hour of the last attempt.
  @Test func aReleaseIsShownSentOnceTheRelayAcceptedItForSomeone() async throws {
    let fixture = try DeskFixture()
    let store = fixture.mailroom.store
    _ = try store.createList(name: "reporters")
    try store.addSubscriber(email: "reader@example.org", list: "reporters", source: .commandLine("test"))
    let reader = try #require(try store.subscriber(address: "reader@example.org")).id
    let campaign: CampaignID = "2020-03-31-water-report-1800000000"
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    try store.recordDeliveries([.init(subscriber: reader, campaign: campaign, list: "reporters", outcome: .deferred, reply: "451 4.7.1 later", at: start)])
    #expect(try store.sentReleases()["2020-03-31-water-report"] == nil)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      #expect(!(try await client.execute(uri: "/", method: .get, headers: browser.headers())).text.contains(">Sent<"))
      try store.recordDeliveries([
        .init(subscriber: reader, campaign: campaign, list: "reporters", outcome: .sent, reply: "250 Ok", at: start.addingTimeInterval(7200))
      ])
      let sent = try #require(try store.sentReleases()["2020-03-31-water-report"])
      #expect(sent.count == 1)
      #expect(sent.last == start.addingTimeInterval(7200))
      #expect((try await client.execute(uri: "/", method: .get, headers: browser.headers())).text.contains(">Sent<"))
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
}

/// The sign-in page in a real browser (Debian's Chromium, headless), at desktop and phone
/// widths; the screenshots are kept as test artefacts. One at a time, off Swift's threads.
@Suite(.serialized)
struct DeskBrowserTests {
  static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
  }

  @Test func theSignInPageRendersInChromiumAtDesktopAndPhoneWidths() async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    let fixture = try DeskFixture()
    try await fixture.test { _ in
      let url = "\(fixture.desk.address)/sign-in"
      let dom = try await Self.detached { try browser.dumpDOM(url) }
      #expect(dom.contains("<form method=\"post\" action=\"/sign-in\">"))
      #expect(dom.contains("<label for=\"password\">Password</label>"))
      for (width, height) in [(1280, 800), (390, 844)] {
        let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("desk-sign-in-\(width)x\(height).png")
        try await Self.detached { try browser.screenshot(url, width: width, height: height, to: file) }
        #expect(try Data(contentsOf: file).count > 2000)
      }
    }
  }

  @Test func aReleasesOverviewShowsItAndTheWaysOnForTheRole() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/releases/2020-03-31-water-report.md", method: .get, headers: viewer.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("Releases/2020-03-31-water-report.md"))
      #expect(page.text.contains("href=\"/releases/2020-03-31-water-report.md/check\""))
      #expect(page.text.contains("href=\"/releases/2020-03-31-water-report.md/preview\""))
      // A viewer is not offered what their role cannot do.
      #expect(!page.text.contains("/releases/2020-03-31-water-report.md/edit"))
      #expect(!page.text.contains("/releases/2020-03-31-water-report.md/send"))
      let sender = try await client.signIn("sender@example.org")
      let full = try await client.execute(uri: "/releases/2020-03-31-water-report.md", method: .get, headers: sender.headers())
      #expect(full.text.contains("href=\"/releases/2020-03-31-water-report.md/edit\""))
      #expect(full.text.contains("href=\"/releases/2020-03-31-water-report.md/send\""))
      // The list links to it; a translation has its own.
      let list = try await client.execute(uri: "/", method: .get, headers: viewer.headers())
      #expect(list.text.contains("<a href=\"/releases/2020-03-31-water-report.md\">"))
      let translation = try await client.execute(uri: "/releases/2020-03-31-water-report.ru.md", method: .get, headers: viewer.headers())
      #expect(translation.status == .ok)
    }
  }

  @Test func anAddressThatNamesNoReleaseFileIsNotFound() async throws {
    let fixture = try DeskFixture()
    try "secret".write(to: fixture.workspace.root.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      for path in [
        "/releases/2021-01-01-missing.md", "/releases/..%2Fnotes.md", "/releases/%2E%2E%2Fnotes.md", "/releases/herald.yml",
        "/releases/.hidden.md", "/releases/%E2%80%AEdm.md", "/releases/a%00.md",
      ] {
        let response = try await client.execute(uri: path, method: .get, headers: viewer.headers())
        #expect(response.status == .notFound, "\(path)")
        #expect(!response.text.contains("secret"), "\(path)")
      }
    }
  }
}
