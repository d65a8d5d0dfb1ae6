import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// Every file below Releases/ with the SHA-256 of its bytes: what a refused request must
/// leave as it was.
func releasesState(_ fixture: DeskFixture) throws -> [String] {
  let root = fixture.workspace.releasesDirectory
  let enumerator = FileManager.default.enumerator(atPath: root.path)
  var lines: [String] = []
  while let path = enumerator?.nextObject() as? String {
    let url = root.appendingPathComponent(path)
    var folder: ObjCBool = false
    FileManager.default.fileExists(atPath: url.path, isDirectory: &folder)
    lines.append(folder.boolValue ? "\(path)/" : "\(path) \(ReleaseSource.digest(try Data(contentsOf: url)))")
  }
  return lines.sorted()
}

/// HTML text as written by the templates (Mustache's escapes) back to the text.
func htmlUnescaped(_ text: some StringProtocol) -> String {
  String(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
}

extension TestResponse {
  /// The text of the textarea `id` (the line break after its opening tag is the HTML's).
  func textarea(_ id: String) throws -> String {
    let pattern = try Regex("<textarea id=\"\(id)\"[^>]*>\\n([\\s\\S]*?)</textarea>")
    let match = try #require(text.firstMatch(of: pattern), "no textarea \(id)")
    return htmlUnescaped(try #require(match.output[1].substring))
  }

  /// The value of the hidden or other input `name`.
  func input(_ name: String) throws -> String {
    let pattern = try Regex("name=\"\(name)\" value=\"([^\"]*)\"")
    let match = try #require(text.firstMatch(of: pattern), "no input \(name)")
    return htmlUnescaped(try #require(match.output[1].substring))
  }
}

struct DeskWriteTests {
  static let sample = "2020-03-31-water-report.md"
  static var sampleEdit: String { DeskPage.edit(file: sample).path }

  /// The routes of writing a release, with the least role each needs.
  static let routes: [DeskRouteCase] = [
    DeskRouteCase(method: .get, path: "/releases/new", role: .editor),
    DeskRouteCase(method: .post, path: "/releases/new", role: .editor, fields: [("title", "Harbour opens"), ("date", "2021-05-06"), ("list", "press-en")]),
    DeskRouteCase(method: .get, path: sampleEdit, role: .editor),
    DeskRouteCase(method: .get, path: "/releases/2020-03-31-water-report.ru.md/edit", role: .editor),
    DeskRouteCase(method: .get, path: DeskPage.files(file: sample).path, role: .viewer),
    DeskRouteCase(method: .post, path: DeskPage.removeFile(file: sample).path, role: .editor, fields: [("name", "spare.pdf")]),
  ]

  @Test(arguments: DeskRole.allCases)
  func everyWritingRouteAnswersEachRoleAsItsRoleAllows(role: DeskRole) async throws {
    for route in Self.routes {
      let fixture = try DeskFixture()
      let folder = fixture.workspace.releasesDirectory.appendingPathComponent("2020-03-31-water-report")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data("%PDF-1.4\n".utf8).write(to: folder.appendingPathComponent("spare.pdf"))
      let before = try releasesState(fixture)
      try await fixture.test { client in
        let browser = try await client.signIn("\(role)@example.org")
        let response =
          route.method == .get
          ? try await client.execute(uri: route.path, method: .get, headers: browser.headers())
          : try await client.post(route.path, browser, route.fields)
        if role.allows(route.role) {
          #expect([.ok, .seeOther].contains(response.status), "\(role) \(route.testDescription): \(response.status) \(response.text)")
        } else {
          #expect(response.status == .forbidden, "\(role) \(route.testDescription)")
          #expect(response.text.contains("Your role does not allow this"))
        }
      }
      let after = try releasesState(fixture)
      if route.method == .get || !role.allows(route.role) {
        #expect(after == before, "\(role) \(route.testDescription) changed Releases/")
      } else {
        #expect(after != before, "\(role) \(route.testDescription) changed nothing")
      }
    }
  }

  @Test(arguments: ["missing", "foreign", "cross-site"])
  func everyWritingFormWithoutItsTokenOrFromElsewhereChangesNothing(kind: String) async throws {
    let fixture = try DeskFixture()
    let before = try releasesState(fixture)
    try await fixture.test { client in
      let browser = try await client.signIn("admin@example.org")
      let other = try await client.signIn("editor@example.org")
      let edit = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      let loaded = try edit.input("loaded")
      let forms: [(String, [(String, String)])] = [
        ("/releases/new", [("title", "Harbour opens"), ("date", "2021-05-06")]),
        (Self.sampleEdit, [("loaded", loaded), ("front_matter", "title: Changed\ndate: 2020-03-31"), ("markdown", "Changed.")]),
        (DeskPage.removeFile(file: Self.sample).path, [("name", "x.pdf")]),
      ]
      for (path, fields) in forms {
        let response: TestResponse
        switch kind {
        case "missing":
          var headers = browser.headers(form: true)
          headers[.contentType] = "application/x-www-form-urlencoded"
          response = try await client.execute(uri: path, method: .post, headers: headers, body: formBody(fields))
        case "foreign":
          response = try await client.post(path, browser, fields, csrf: other.csrf)
        default:
          response = try await client.post(path, browser, fields, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
        }
        #expect(response.status == .forbidden, "\(kind) \(path)")
      }
    }
    #expect(try releasesState(fixture) == before)
  }

  // MARK: New release

  @Test func theNewReleaseFormOffersTheListsTheLanguagesAndToday() async throws {
    let fixture = try DeskFixture()
    _ = try fixture.mailroom.store.createList(name: "press-en", title: "Press releases (English)", language: "en")
    let today = ReleaseDate(fixture.clock.now, in: fixture.mailroom.configuration.compose.timeZone)
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: "/releases/new", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("<label for=\"title\">Title (the headline)</label>"))
      #expect(page.text.contains("id=\"date\" name=\"date\"") && page.text.contains("value=\"\(today)\""))
      #expect(page.text.contains("<input type=\"checkbox\" id=\"list-press-en\" name=\"list\" value=\"press-en\">"))
      #expect(page.text.contains("<label for=\"list-press-en\">press-en · Press releases (English)</label>"))
      for code in ["de", "en", "es", "fr", "ru"] { #expect(page.text.contains("<option value=\"\(code)\"")) }
      #expect(page.text.contains("<label for=\"language\">Language</label>"))
      // The releases list offers it to editors, not to viewers.
      let releases = try await client.execute(uri: "/", method: .get, headers: browser.headers())
      #expect(releases.text.contains("href=\"/releases/new\""))
      let viewer = try await client.signIn("viewer@example.org")
      #expect(!(try await client.execute(uri: "/", method: .get, headers: viewer.headers())).text.contains("href=\"/releases/new\""))
    }
  }

  @Test func aNewReleaseIsWhatHeraldNewWritesForTheSameInputs() async throws {
    let fixture = try DeskFixture()
    let title = "Гавань открывается \"снова\" — с 1 мая"
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.post("/releases/new", browser, [
        ("title", title), ("date", "2021-05-06"), ("list", "press-ru"), ("other_lists", "press-en, media"), ("language", ""),
      ])
    }
    #expect(response.status == .seeOther)
    let written = try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.releasesDirectory.path).first { $0.hasPrefix("2021-05-06") })
    #expect(response.headers[.location] == DeskPage.edit(file: written).path)
    let desk = try Data(contentsOf: fixture.workspace.releasesDirectory.appendingPathComponent(written))
    // The command line, in the same workspace, once the desk's file is out of the way.
    try FileManager.default.removeItem(at: fixture.workspace.releasesDirectory.appendingPathComponent(written))
    let cli = try HeraldProcess.run(
      ["new", title, "--date", "2021-05-06", "--list", "press-ru", "--list", "press-en", "--list", "media", "--workspace", fixture.workspace.root.path],
      in: fixture.workspace.root)
    #expect(cli.status == 0, "\(cli.stderr)")
    let command = try Data(contentsOf: fixture.workspace.releasesDirectory.appendingPathComponent(written))
    #expect(desk == command)
    #expect(String(decoding: desk, as: UTF8.self).contains("language: ru"))
  }

  @Test func aNewReleaseInAChosenLanguageDatedTodayByDefault() async throws {
    let fixture = try DeskFixture()
    let today = ReleaseDate(fixture.clock.now, in: fixture.mailroom.configuration.compose.timeZone)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.post("/releases/new", browser, [("title", "Hafen öffnet"), ("date", "\(today)"), ("language", "de")])
    }
    #expect(response.status == .seeOther)
    let file = fixture.workspace.releasesDirectory.appendingPathComponent("\(today)-hafen-offnet.md")
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains("language: de"))
    #expect(text.contains("lists: []"))
  }

  /// A new-release form with one bad field, and words its error must hold.
  struct BadNewRelease: Sendable, CustomTestStringConvertible {
    var fields: [(String, String)]
    var field: String
    var words: String
    var testDescription: String { "\(field): \(words)" }
  }

  static let badNewReleases: [BadNewRelease] = [
    BadNewRelease(fields: [("title", ""), ("date", "2021-05-06")], field: "title", words: "one line"),
    BadNewRelease(fields: [("title", "Two\nlines"), ("date", "2021-05-06")], field: "title", words: "one line"),
    BadNewRelease(fields: [("title", "Bell\u{07}"), ("date", "2021-05-06")], field: "title", words: "control character"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "2021-13-45")], field: "date", words: "is not a date"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "")], field: "date", words: "YYYY-MM-DD"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "2021-05-06"), ("language", "x1")], field: "language", words: "not a language code"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "2021-05-06"), ("language", "tlh")], field: "language", words: "no words in"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "2021-05-06"), ("other_lists", "Press EN")], field: "lists", words: "lowercase letters"),
    BadNewRelease(fields: [("title", "Fine"), ("date", "2021-05-06"), ("list", "<script>")], field: "lists", words: "lowercase letters"),
  ]

  @Test(arguments: badNewReleases)
  func aNewReleaseWithABadFieldSaysSoBesideItAndWritesNothing(bad: BadNewRelease) async throws {
    let (fields, field, words) = (bad.fields, bad.field, bad.words)
    let fixture = try DeskFixture()
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.post("/releases/new", browser, fields)
    }
    #expect(response.status == .unprocessableContent)
    let id = field == "lists" ? "lists-error" : "\(field)-error"
    let error = try #require(response.text.firstMatch(of: try Regex("<span class=\"error\" id=\"\(id)\">([^<]*)</span>")), "\(response.text)")
    #expect(htmlUnescaped(try #require(error.output[1].substring)).contains(words))
    #expect(response.text.contains("aria-describedby=\"") && response.text.contains(id))
    #expect(!response.text.contains("<script>"))
    #expect(try releasesState(fixture) == before)
  }

  @Test func aNewReleaseNeverReplacesAFileThatIsThere() async throws {
    let fixture = try DeskFixture()
    let existing = fixture.workspace.releasesDirectory.appendingPathComponent("2021-05-06-harbour-opens.md")
    try Data("---\ntitle: Mine\ndate: 2021-05-06\n---\n\nMy text.\n".utf8).write(to: existing)
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.post("/releases/new", browser, [("title", "Harbour opens"), ("date", "2021-05-06")])
    }
    #expect(response.status == .conflict)
    #expect(response.text.contains("Releases/2021-05-06-harbour-opens.md already exists"))
    #expect(try releasesState(fixture) == before)
  }

  // MARK: Edit

  @Test func savingTheEditorUnchangedRoundTripsTheFileByteForByte() async throws {
    let fixture = try DeskFixture()
    // The list the sample goes to exists: the check after saving finds nothing in the way.
    try fixture.mailroom.store.createList(name: "press-en", language: "en")
    let url = fixture.workspace.releasesDirectory.appendingPathComponent(Self.sample)
    let original = try Data(contentsOf: url)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("<label for=\"front-matter\">Front matter (YAML)</label>"))
      #expect(page.text.contains("<label for=\"markdown\">Text (Markdown)</label>"))
      #expect(try page.input("loaded") == ReleaseSource.digest(original))
      let frontMatter = try page.textarea("front-matter")
      let markdown = try page.textarea("markdown")
      #expect("---\n" + frontMatter + "\n---\n\n" + markdown == String(decoding: original, as: UTF8.self))
      // As a browser sends a textarea: CRLF line breaks.
      return try await client.post(Self.sampleEdit, browser, [
        ("loaded", try page.input("loaded")), ("front_matter", frontMatter.replacingOccurrences(of: "\n", with: "\r\n")),
        ("markdown", markdown.replacingOccurrences(of: "\n", with: "\r\n")),
      ])
    }
    #expect(response.status == .ok, "\(response.text)")
    #expect(try Data(contentsOf: url) == original)
    #expect(response.text.contains("Saved to Releases/\(Self.sample)."))
    #expect(response.text.contains("What the check found"))
    #expect(!response.text.contains("it cannot be sent until they are fixed"))
  }

  @Test func aSaveWritesTheTextAndShowsTheChecksProblemsByFieldAndLine() async throws {
    let fixture = try DeskFixture()
    let url = fixture.workspace.releasesDirectory.appendingPathComponent(Self.sample)
    let frontMatter = "title: \"Leaks\"\ndate: 2020-31-03\nlists: [press-en]\nlanguage: en"
    let markdown = "First paragraph, with a [link to nothing]().\n\n\tIndented code keeps its tab.\n"
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      return try await client.post(Self.sampleEdit, browser, [("loaded", try page.input("loaded")), ("front_matter", frontMatter), ("markdown", markdown)])
    }
    #expect(response.status == .ok)
    // Written exactly, though it has errors: it is a draft.
    #expect(try String(contentsOf: url, encoding: .utf8) == "---\n\(frontMatter)\n---\n\n\(markdown)")
    #expect(response.text.contains("it cannot be sent until they are fixed"))
    #expect(response.text.contains("Front matter, line 2 (date)"), "\(response.text)")
    #expect(response.text.contains("is not a date"))
  }

  @Test func aWarningInTheTextIsShownWithItsTextLine() async throws {
    let fixture = try DeskFixture()
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      let markdown = try page.textarea("markdown") + "\nSee [the figures](#).\n"
      return try await client.post(Self.sampleEdit, browser, [
        ("loaded", try page.input("loaded")), ("front_matter", try page.textarea("front-matter")), ("markdown", markdown),
      ])
    }
    #expect(response.status == .ok)
    let lines = try String(contentsOf: fixture.workspace.releasesDirectory.appendingPathComponent(Self.sample), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false)
    let source = ReleaseSource(text: lines.joined(separator: "\n"))
    let textLine = source.markdown.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("[the figures](#)") }! + 1
    #expect(response.text.contains("Warning</strong> · Text, line \(textLine):"), "\(response.text)")
  }

  @Test func aChangeOnDiskMeanwhileIsNotOverwrittenAndTheTextIsKept() async throws {
    let fixture = try DeskFixture()
    let url = fixture.workspace.releasesDirectory.appendingPathComponent(Self.sample)
    let theirs = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "31 per cent", with: "32 per cent")
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      // Someone else (the CLI, git, a colleague) saves the file between the GET and the POST.
      try Data(theirs.utf8).write(to: url)
      return try await client.post(Self.sampleEdit, browser, [
        ("loaded", try page.input("loaded")), ("front_matter", try page.textarea("front-matter")),
        ("markdown", "My rewritten text & <b>notes</b>.\n"),
      ])
    }
    #expect(response.status == .conflict)
    #expect(try String(contentsOf: url, encoding: .utf8) == theirs)
    #expect(try response.textarea("markdown") == "My rewritten text & <b>notes</b>.\n")
    #expect(response.text.contains("Someone changed this release since you opened it"))
    #expect(response.text.contains("32 per cent"))
    // Saving again is knowingly replacing the version shown.
    #expect(try response.input("loaded") == ReleaseSource.digest(Data(theirs.utf8)))
  }

  @Test(arguments: [
    ("markdown", "Line one.\nLine two with a NUL \u{0} in it.\n", "Line 2"),
    ("markdown", "Escape \u{1B}[31m red.\n", "Line 1"),
    ("markdown", "Bidi \u{202E}reversed\u{202C} text.\n", "Line 1"),
    ("front_matter", "title: \"Leaks\"\ndate: 2020-03-31\nsummary: \"\u{08}\"", "Line 3"),
  ])
  func controlCharactersAreRefusedWithTheirLine(field: String, value: String, line: String) async throws {
    let fixture = try DeskFixture()
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      var fields = [("loaded", try page.input("loaded")), ("front_matter", try page.textarea("front-matter")), ("markdown", try page.textarea("markdown"))]
      fields.removeAll { $0.0 == field }
      fields.append((field, value))
      return try await client.post(Self.sampleEdit, browser, fields)
    }
    #expect(response.status == .unprocessableContent)
    let id = field == "front_matter" ? "front-matter-error" : "markdown-error"
    #expect(response.text.contains("<span class=\"error\" id=\"\(id)\">\(line) holds the invisible control character"), "\(response.text)")
    #expect(try releasesState(fixture) == before)
  }

  @Test func aTextOverTheEditorsLimitIs413NamingIt() async throws {
    let fixture = try DeskFixture()
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.sampleEdit, method: .get, headers: browser.headers())
      return try await client.post(Self.sampleEdit, browser, [
        ("loaded", try page.input("loaded")), ("front_matter", "title: x\ndate: 2020-03-31"), ("markdown", String(repeating: "a", count: 1_100_000)),
      ])
    }
    #expect(response.status == .contentTooLarge)
    #expect(response.text.contains(ByteCount.formatted(DeskLimits.releaseFormBytes)))
    #expect(try releasesState(fixture) == before)
  }

  @Test func aTranslationIsEditedTheSameWayAndLinksToItsOtherLanguages() async throws {
    let fixture = try DeskFixture()
    let name = "2020-03-31-water-report.ru.md"
    let url = fixture.workspace.releasesDirectory.appendingPathComponent(name)
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: DeskPage.edit(file: name).path, method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("href=\"\(DeskPage.edit(file: Self.sample).path)\""))
      let original = try page.textarea("markdown")
      let saved = try await client.post(DeskPage.edit(file: name).path, browser, [
        ("loaded", try page.input("loaded")), ("front_matter", try page.textarea("front-matter")), ("markdown", original + "\nДобавлено.\n"),
      ])
      #expect(saved.status == .ok)
    }
    #expect(try String(contentsOf: url, encoding: .utf8).hasSuffix("\nДобавлено.\n"))
  }
}
