import Foundation
import HeraldTesting
import Testing

/// Subscribers and lists in a real browser driving the real desk (issue 18): an editor
/// imports a CSV by upload after its mapping and dry run are shown, finds a new subscriber,
/// and is refused "forget"; an administrator forgets them. Screenshots at desktop and phone
/// widths in `.build/test-artifacts/people/`.
struct DeskPeopleTests {
  struct Person: Encodable {
    var email: String
    var password: String
  }

  struct Request: Encodable {
    var desk: String
    var editor: Person
    var admin: Person
    var csv: String
    var list: String
    var artefacts: String
    var wait_seconds: Int
  }

  struct Result: Decodable {
    var check: String
    var import_result: String
    var search: String
    var subscriber: String
    var editor_forget_status: Int?
    var forgotten_address: String
    var forgotten: String
    var after_forget_status: Int?
    var screenshots: [String]
    var console_errors: [String]
    var violations: [String]
  }

  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func anEditorImportsACSVAfterItsMappingIsShownAndOnlyAnAdministratorForgets() throws {
    let site = try ServedWorkspace()
    let folder = try HeraldProcess.temporaryDirectory()
    // A spreadsheet saved as "CSV" on a Western Windows: semicolons, Latin-1.
    let csv = folder.appendingPathComponent("fair-2026.csv")
    let text = "E-mail;Prénom;Nom;Société\nmarie.lefevre@example.com;Marie;Lefèvre;Le Monde\njan@example.net;Jan;Novák;\n"
    try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: csv)
    let artefacts = BrowserScript.artefacts("people")

    let result = try BrowserScript("people_workflow.py").run(
      Request(
        desk: site.desk, editor: Person(email: ServedWorkspace.email("editor"), password: ServedWorkspace.password),
        admin: Person(email: ServedWorkspace.email("admin"), password: ServedWorkspace.password), csv: csv.path, list: "press-en",
        artefacts: artefacts.path, wait_seconds: 60),
      as: Result.self, timeout: 300)

    // The check named the columns, the encoding and the separator, and counted before writing.
    #expect(result.check.contains("Latin-1"), "\(result.check)")
    #expect(result.check.contains("semicolons"))
    #expect(result.check.contains("Société"))
    #expect(result.check.contains("Nothing has been written yet"))
    #expect(result.import_result.contains("Imported."), "\(result.import_result)")
    #expect(result.search.contains("marie.lefevre@example.com"), "\(result.search)")
    #expect(result.subscriber.contains("Le Monde"))
    #expect(result.subscriber.contains("met at the 2026 press fair"))
    #expect(result.editor_forget_status == 403)
    #expect(result.forgotten_address == "marie.lefevre@example.com")
    #expect(result.after_forget_status == 404)
    #expect(result.console_errors.filter { $0.contains("Content Security Policy") }.isEmpty, "\(result.console_errors)")
    #expect(result.screenshots.count >= 14)
    for violation in result.violations { Issue.record(Comment(rawValue: violation)) }
  }
}
