import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// What `herald check --json` prints.
struct CheckOutput: Decodable {
  struct Problem: Decodable {
    var severity: String
    var file: String
    var line: Int?
    var message: String
  }
  var errors: Int
  var warnings: Int
  var problems: [Problem]
}

extension DeskFixture {
  /// A release that refers to a photo that is not there (an error on its line) and whose
  /// title holds markup.
  static let brokenRelease = (
    name: "2021-02-02-broken-photo.md",
    text: """
      ---
      title: "A <script>alert(1)</script> release"
      date: 2021-02-02
      subject: "Check me"
      lists: [press-en]
      language: en
      ---

      The first paragraph.

      ![A photo that is not there](missing-photo.jpg)
      """
  )

  /// Writes `text` as Releases/`name`.
  func writeRelease(_ name: String, _ text: String) throws {
    try text.write(to: workspace.releasesDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
  }

  /// `herald check --json Releases/NAME` run in the workspace's folder, as a person would.
  func checkWithTheCommandLine(_ name: String) throws -> CheckOutput {
    let result = try HeraldProcess.run(["check", "--json", "Releases/\(name)"], in: workspace.root)
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    return try JSONDecoder().decode(CheckOutput.self, from: Data(result.stdout.utf8))
  }
}

@Suite(.serialized)
struct DeskCheckTests {
  @Test(arguments: [WorkspaceDefaults.sampleReleasePath.replacingOccurrences(of: "Releases/", with: ""), DeskFixture.brokenRelease.name])
  func theCheckPageShowsWhatHeraldCheckPrints(_ name: String) async throws {
    let fixture = try DeskFixture()
    try fixture.writeRelease(DeskFixture.brokenRelease.name, DeskFixture.brokenRelease.text)
    let expected = try fixture.checkWithTheCommandLine(name)
    #expect(!expected.problems.isEmpty, "the release should have something to show")
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/releases/\(name)/check", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      // The same problems, no more, no fewer: each message, its file's group, its line.
      #expect(text.components(separatedBy: "<li class=\"diagnostic ").count - 1 == expected.problems.count)
      for problem in expected.problems {
        #expect(text.contains("<p class=\"message\">\(Markup.escape(problem.message))</p>"), "missing: \(problem.message)")
        #expect(text.contains("<h2 class=\"file-name\">\(Markup.escape(problem.file))</h2>"), "no group for \(problem.file)")
        if let line = problem.line { #expect(text.contains("<span class=\"line\">line \(line)</span>")) }
      }
      #expect(text.contains("<strong>Errors: \(expected.errors)</strong> · Warnings: \(expected.warnings)"))
      // Errors first.
      if expected.errors > 0, expected.errors < expected.problems.count {
        let firstError = try #require(text.range(of: "diagnostic-error"))
        for severity in ["diagnostic-warning", "diagnostic-note"] {
          if let other = text.range(of: severity) { #expect(firstError.lowerBound < other.lowerBound) }
        }
      }
    }
  }

  @Test func aProblemOnALineLinksToTheEditorThereAndShowsTheLine() async throws {
    let fixture = try DeskFixture()
    let (name, source) = DeskFixture.brokenRelease
    try fixture.writeRelease(name, source)
    let expected = try fixture.checkWithTheCommandLine(name)
    let onALine = try #require(expected.problems.first { $0.line != nil && $0.file == "Releases/\(name)" })
    let line = try #require(onALine.line)
    let lineText = source.split(separator: "\n", omittingEmptySubsequences: false)[line - 1].trimmingCharacters(in: .whitespaces)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let text = try await client.execute(uri: "/releases/\(name)/check", method: .get, headers: browser.headers()).text
      #expect(text.contains("href=\"/releases/\(name)/edit#line-\(line)\""))
      #expect(text.contains("<pre class=\"source\"><code>\(Markup.escape(lineText))</code></pre>"))
      // The title's markup is text.
      #expect(!text.contains("<script>alert(1)</script>"))
      #expect(text.contains("A &lt;script&gt;alert(1)&lt;/script&gt; release"))
    }
  }

  @Test func aCleanReleaseSaysSo() async throws {
    let fixture = try DeskFixture { workspace in
      // The sample release's list, so that nothing is left to say about it.
      let store = try workspace.openStore()
      try store.createList(name: "press-en", language: "en")
      try store.addSubscriber(email: "reader@example.com", name: "Reader", list: "press-en", source: .commandLine("test"))
    }
    let name = "2020-03-31-water-report.md"
    let expected = try fixture.checkWithTheCommandLine(name)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let text = try await client.execute(uri: "/releases/\(name)/check", method: .get, headers: browser.headers()).text
      #expect(text.contains("No problems found.") == expected.problems.isEmpty, "\(expected.problems.map(\.message))")
    }
  }

  @Test(arguments: DeskRole.allCases)
  func everyRoleSeesTheCheckAndOnlyEditorsScoreSpam(role: DeskRole) async throws {
    let fixture = try DeskFixture()
    let name = "2020-03-31-water-report.md"
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      let page = try await client.execute(uri: "/releases/\(name)/check", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("action=\"/releases/\(name)/check/spam\"") == role.allows(.editor))
      let spam = try await client.post("/releases/\(name)/check/spam", browser, [])
      if role.allows(.editor) {
        #expect(spam.status == .ok)
        // SpamAssassin's verdict, or why there is none (the release's errors, no SpamAssassin).
        #expect(spam.text.contains("Rules that fired") || spam.text.contains("class=\"problem\""))
      } else {
        #expect(spam.status == .forbidden)
      }
    }
  }

  @Test func scoringRefusesAFormFromElsewhereOrWithoutItsToken() async throws {
    let fixture = try DeskFixture()
    let path = "/releases/2020-03-31-water-report.md/check/spam"
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let foreign = try await client.post(path, browser, [], csrf: "not-the-token")
      #expect(foreign.status == .forbidden)
      let crossSite = try await client.post(path, browser, [], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
      #expect(crossSite.status == .forbidden)
    }
  }

  @Test func withoutASessionTheCheckRedirectsToSignIn() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      for (method, path) in [(HTTPRequest.Method.get, "/releases/2020-03-31-water-report.md/check"), (.post, "/releases/2020-03-31-water-report.md/check/spam")] {
        let response = try await client.execute(uri: path, method: method)
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/sign-in")
      }
    }
  }

  @Test func anUnknownReleaseIsNotFound() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for path in ["/releases/no-such-release.md/check", "/releases/..%2Fherald.yml/check"] {
        let response = try await client.execute(uri: path, method: .get, headers: browser.headers())
        #expect(response.status == .notFound, "\(path)")
      }
    }
  }
}
