import Foundation
import HeraldTesting
import Testing

/// End-to-end: the built `herald` records the commands that change a workspace in its audit,
/// and `herald audit` reads it.
struct AuditCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String..., user: String? = "Claire Durand") throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root, environment: user.map { ["HERALD_USER": $0] } ?? [:])
  }

  func audit(_ arguments: String...) throws -> [[String: Any]] {
    let result = try HeraldProcess.run(["audit", "--json"] + arguments, in: root)
    #expect(result.status == 0, "\(result.stderr)")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
  }

  @Test func aCommandIsRecordedWithHeraldUserTheHostWhatOnWhatAndItsOutcome() throws {
    #expect(try herald("lists", "create", "press-en", "--title", "Press (English)").status == 0)
    let failed = try herald("lists", "create", "press-en", "--title", "Again")
    #expect(failed.status == 1)
    #expect(try herald("lists", "show").status == 0)
    let entries = try audit("--action", "list.create")
    #expect(entries.count == 2)
    #expect(entries.map { $0["outcome"] as? String } == ["failed", "done"])
    #expect(entries.allSatisfy { $0["actor"] as? String == "Claire Durand" && $0["actor_kind"] as? String == "cli" })
    #expect(entries.allSatisfy { ($0["origin"] as? String)?.hasPrefix("command line on ") == true })
    #expect(entries.allSatisfy { $0["target"] as? String == "list press-en" })
    // Reading changes nothing and is not recorded.
    #expect(try audit().allSatisfy { $0["action"] as? String != "lists.show" })
    let claires = try audit().filter { $0["actor"] as? String == "Claire Durand" }.count
    #expect(try audit("--actor", "claire durand").count == claires)
  }

  @Test func withoutHeraldUserTheLoginNameIsRecorded() throws {
    #expect(try herald("lists", "create", "press-de", "--title", "Presse", user: nil).status == 0)
    let entry = try #require(try audit("--action", "list.create").first)
    // The login name, as the binary finds it: the terminal's login, else the account's name.
    let login = getlogin().map { String(cString: $0) } ?? ProcessInfo.processInfo.userName
    #expect(entry["actor"] as? String == login)
  }

  @Test func forgettingASubscriberLeavesNoAddressInTheAudit() throws {
    let address = "jeanne.martin@example.com"
    #expect(try herald("lists", "create", "press-en", "--title", "Press").status == 0)
    #expect(try herald("subscribers", "add", address, "--list", "press-en").status == 0)
    #expect(try herald("subscribers", "unsubscribe", address, "--list", "press-en").status == 0)
    #expect(try herald("subscribers", "forget", address, "--yes").status == 0)
    let entries = try audit()
    let forget = try #require(entries.first { $0["action"] as? String == "subscriber.forget" })
    let added = try #require(entries.first { $0["action"] as? String == "subscriber.add" })
    #expect((forget["target"] as? String)?.hasPrefix("subscriber ") == true)
    #expect(forget["target"] as? String == added["target"] as? String)
    let text = try HeraldProcess.run(["audit"], in: root).stdout + String(describing: entries)
    #expect(!text.contains("jeanne") && !text.contains(address))
  }

  @Test func everyCommandThatChangesTheWorkspaceSaysSoForTheAudit() throws {
    let result = try HeraldProcess.run(["audit", "--commands"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count > 40)
    let undeclared = lines.filter { $0.hasSuffix("UNDECLARED") }
    #expect(undeclared.isEmpty, "commands that do not say whether they change the workspace (AuditedCommand+Commands.swift): \(undeclared)")
  }

  @Test func theAuditNeverMakesAStoreButInitOnAWorkspaceInUseIsRecorded() throws {
    let folder = try HeraldProcess.temporaryDirectory().appendingPathComponent("new-workspace")
    #expect(try HeraldProcess.run(["init", folder.path], in: root, environment: ["HERALD_USER": "Paul"]).status == 0)
    // A new workspace has no store until a command needs one (herald check then skips the lists).
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Lists/herald.sqlite").path))
    #expect(try herald("lists", "create", "press-en").status == 0)
    #expect(try HeraldProcess.run(["init", "."], in: root, environment: ["HERALD_USER": "Paul"]).status == 0)
    let entry = try #require(try audit("--action", "workspace.init").first)
    #expect(entry["actor"] as? String == "Paul")
  }
}
