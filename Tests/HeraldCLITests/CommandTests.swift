import Foundation
import HeraldTesting
import Testing

/// End-to-end: the built herald binary in a fresh workspace, checked by its output, the
/// files it writes and its exit status.
struct CommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.temporaryDirectory()
    let result = try HeraldProcess.run(["init", "ws"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
  }

  var workspace: URL { root.appendingPathComponent("ws") }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: workspace.appendingPathComponent(path))
  }

  @Test func initReportsWhatItMadeAndIsIdempotent() throws {
    let again = try herald("init", "ws", "--json")
    #expect(again.status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
    #expect((report["created"] as! [String]).isEmpty)
    #expect((report["kept"] as! [String]).contains("herald.yml"))
  }

  @Test func previewWritesTheThreeFilesAndSummarises() throws {
    let result = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--to", "Jo Reporter <jo@example.com>", "--out", "out")
    #expect(result.status == 0, "\(result.stderr)")
    for name in ["message.eml", "message.html", "message.txt"] {
      #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/\(name)").path))
      #expect(result.stdout.contains("out/\(name)"))
    }
    #expect(result.stdout.contains("Subject  New study: cities lose a third of their drinking water to leaks"))
    #expect(result.stdout.contains("To       Jo Reporter <jo@example.com>"))
    #expect(result.stdout.contains("Parts    text/plain (quoted-printable), text/html (quoted-printable)"))
    #expect(result.stdout.contains("Links    4 (2 lead nowhere)"))
    #expect(result.stdout.contains("2020-03-31-water-report.md:37: warning: the link “summary for policymakers”"))
    let eml = try [UInt8](Data(contentsOf: root.appendingPathComponent("out/message.eml")))
    let parsed = try inspectMessage(eml)
    #expect(parsed.defects.isEmpty)
    #expect(parsed.parts[0].content == (try String(contentsOf: root.appendingPathComponent("out/message.txt"), encoding: .utf8)))
    // message.html shows the photo and links the report from their copies beside it.
    let local = parsed.parts[1].content?.replacingOccurrences(of: "https://news.example.org/releases/2020-03-31-water-report/files/", with: "files/")
    #expect(local == (try String(contentsOf: root.appendingPathComponent("out/message.html"), encoding: .utf8)))
  }

  @Test func deterministicPreviewIsTheSameOnEveryRun() throws {
    _ = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--deterministic", "--out", "a")
    _ = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--deterministic", "--out", "b")
    let a = try Data(contentsOf: root.appendingPathComponent("a/message.eml"))
    let b = try Data(contentsOf: root.appendingPathComponent("b/message.eml"))
    #expect(a == b)
  }

  @Test func previewJSONIsForScripts() throws {
    let result = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--json", "--out", "j")
    #expect(result.status == 0)
    let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    #expect(summary["links"] as? Int == 4)
    #expect(summary["placeholder_links"] as? Int == 2)
    #expect((summary["files"] as? [String])?.count == 3)
  }

  @Test func checkListsProblemsAsFileLineAndFailsOnErrors() throws {
    try write("---\ntitle: T\ndate: 2020-02-30\n---\nBody\n", to: "Releases/bad.md")
    let result = try herald("check", "--workspace", "ws", "Releases/bad.md")
    #expect(result.status == 1)
    #expect(result.stdout.contains("Releases/bad.md:3: error: “date” “2020-02-30” is not a date"))
  }

  @Test func checkPassesTheSampleWithWarningsOnly() throws {
    let result = try herald("check", "--workspace", "ws", "Releases/2020-03-31-water-report.md")
    #expect(result.status == 0)
    // The two placeholder links in the release and in its Russian translation (checked with
    // it), and no DKIM key in the new workspace's herald.yml.
    #expect(result.stdout.contains("0 errors, 5 warnings"), "\(result.stdout)")
    #expect(result.stdout.contains("ws/herald.yml: warning: messages go out without a DKIM signature"), "\(result.stdout)")
  }

  @Test(arguments: [
    ("nofront.md", "# Title only\n", "has no front matter"),
    ("yaml.md", "---\ntitle: [unclosed\ndate: 2020-01-01\n---\n", "YAML is not valid"),
    ("notitle.md", "---\ndate: 2020-01-01\n---\nBody\n", "“title” is required"),
    ("unknown.md", "---\ntitle: T\ndate: 2020-01-01\nauthor: me\n---\nBody\n", "unknown key “author”"),
  ])
  func badReleasesFailPreviewWithFileLineAndWriteNothing(_ name: String, _ text: String, _ mentions: String) throws {
    try write(text, to: "Releases/\(name)")
    let result = try herald("preview", "--workspace", "ws", "Releases/\(name)", "--out", "none")
    #expect(result.status == 1)
    #expect(result.stderr.contains("Releases/\(name):"))
    #expect(result.stderr.contains(mentions), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("none").path))
  }

  @Test func invalidUTF8AndHugeFilesAreRefused() throws {
    try Data([0x2D, 0x2D, 0x2D, 0x0A, 0xC3, 0x28, 0x0A]).write(to: workspace.appendingPathComponent("Releases/latin1.md"))
    let bad = try herald("check", "--workspace", "ws", "Releases/latin1.md")
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("latin1.md:2: error:") && bad.stdout.contains("UTF-8"))
    try write("---\ntitle: T\ndate: 2020-01-01\n---\n" + String(repeating: "x", count: 5_000_000), to: "Releases/huge.md")
    let huge = try herald("check", "--workspace", "ws", "Releases/huge.md")
    #expect(huge.status == 1)
    #expect(huge.stdout.contains("the limit is"))
  }

  @Test func brokenTemplateFailsWithItsFileAndLine() throws {
    try write("<p>\n{{#release.title}}\n</p>\n", to: "Templates/release.html.mustache")
    let result = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--out", "none")
    #expect(result.status == 1)
    #expect(result.stderr.contains("Templates/release.html.mustache:"))
    #expect(result.stderr.contains("template syntax error"))
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("none").path))
  }

  @Test func newDraftsAReleaseThatCheckRefusesOnlyForItsPlaceholdersAndNeverOverwrites() throws {
    let result = try herald("new", "--workspace", "ws", "Élan: a new report", "--list", "press-en", "--date", "2021-05-06")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.trimmingCharacters(in: .newlines).hasSuffix("Releases/2021-05-06-elan-a-new-report.md"))
    // Half-written until its placeholders are replaced (issue 15): those are its only errors.
    let check = try herald("check", "--workspace", "ws", "ws/Releases/2021-05-06-elan-a-new-report.md")
    #expect(check.status == 1, "\(check.stdout)")
    let errors = check.stdout.split(separator: "\n").filter { $0.contains("error:") }
    #expect(!errors.isEmpty && errors.allSatisfy { $0.contains("herald new") }, "\(check.stdout)")
    let again = try herald("new", "--workspace", "ws", "Élan: a new report", "--date", "2021-05-06")
    #expect(again.status == 1)
    #expect(again.stderr.contains("already exists"))
  }

  @Test func newTransliteratesACyrillicTitleAndWritesInItsLanguage() throws {
    let result = try herald("new", "--workspace", "ws", "ПИР-Центр: 50 лет Договору", "--date", "2026-12-06")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.trimmingCharacters(in: .newlines).hasSuffix("Releases/2026-12-06-pir-centr-50-let-dogovoru.md"))
    let text = try String(contentsOf: workspace.appendingPathComponent("Releases/2026-12-06-pir-centr-50-let-dogovoru.md"), encoding: .utf8)
    #expect(text.contains("\nlanguage: ru\n"))
    #expect(text.contains("dateline: \"CITY, 6 декабря 2026 г.\""), "\(text)")
    let german = try herald("new", "--workspace", "ws", "Neue Studie", "--date", "2026-12-06", "--language", "de")
    #expect(german.status == 0, "\(german.stderr)")
    let draft = try String(contentsOf: workspace.appendingPathComponent("Releases/2026-12-06-neue-studie.md"), encoding: .utf8)
    #expect(draft.contains("\nlanguage: de\n") && draft.contains("6. Dezember 2026"), "\(draft)")
    let wrong = try herald("new", "--workspace", "ws", "Title", "--language", "english")
    #expect(wrong.status == 64)
    #expect(wrong.stderr.contains("--language"))
  }

  @Test func unknownConfigurationKeyIsNamedWithFileAndLine() throws {
    let config = try String(contentsOf: workspace.appendingPathComponent("herald.yml"), encoding: .utf8)
    let lines = config.split(separator: "\n", omittingEmptySubsequences: false).count - (config.hasSuffix("\n") ? 1 : 0)
    try write(config + "smtp_password: hunter2\n", to: "herald.yml")
    let result = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md")
    #expect(result.status == 1)
    #expect(result.stderr.contains("herald.yml:\(lines + 1): error: unknown key “smtp_password”"), "\(result.stderr)")
  }

  @Test func checkNeedsNoSecretButPreviewSaysHowToMakeOne() throws {
    try FileManager.default.removeItem(at: workspace.appendingPathComponent(".herald/secret"))
    let check = try herald("check", "--workspace", "ws", "Releases/2020-03-31-water-report.md")
    #expect(check.status == 0, "\(check.stdout)")
    let preview = try herald("preview", "--workspace", "ws", "Releases/2020-03-31-water-report.md", "--out", "none")
    #expect(preview.status == 1)
    #expect(preview.stderr.hasPrefix("error: "), "\(preview.stderr)")
    #expect(preview.stderr.contains(".herald/secret is missing"), "\(preview.stderr)")
    #expect(preview.stderr.contains("herald init"))
  }

  @Test func colourNeverWithNoColorOrWithoutATerminal() throws {
    let result = try herald("check", "--workspace", "ws", "Releases/2020-03-31-water-report.md")
    #expect(!result.stdout.contains("\u{1B}["))
  }
}
