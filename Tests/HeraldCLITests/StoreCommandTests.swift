import Foundation
import HeraldTesting
import Testing

/// End-to-end: the lists and subscribers commands of the built binary on a fresh workspace.
struct StoreCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func write(_ bytes: [UInt8], to name: String) throws {
    try Data(bytes).write(to: root.appendingPathComponent(name))
  }

  func json(_ result: HeraldProcess.Result) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  @Test func createImportShowAndExportAList() throws {
    #expect(try herald("lists", "create", "press-en", "--title", "Press releases (English)").status == 0)
    try write(Array("email,name,organization\nanna@example.org,Anna Schmidt,Example Daily\nbob@example.com,\"Jones, Bob\",\nbad-address,X,\n".utf8), to: "people.csv")
    let imported = try herald("lists", "import", "press-en", "people.csv")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("added              2"))
    #expect(imported.stdout.contains("rejected           1"))
    #expect(imported.stdout.contains("people.csv:4: “bad-address” is not a valid email address"))

    let table = try herald("lists")
    // The EMBARGOED column (issue 15) says whether a list takes embargoed copies.
    #expect(table.stdout.contains("press-en  Press releases (English)  -     -                   2        0"), "\(table.stdout)")
    let lists = try json(try herald("lists", "--json")) as! [[String: Any]]
    #expect(lists.first?["subscribed"] as? Int == 2)

    let show = try herald("subscribers", "show", "ANNA@example.org")
    #expect(show.stdout.contains("Anna Schmidt <anna@example.org>"))
    #expect(show.stdout.contains("import (people.csv:2)"))

    let export = try herald("lists", "export", "press-en", "-o", "out.csv")
    #expect(export.status == 0)
    let csv = try String(contentsOf: root.appendingPathComponent("out.csv"), encoding: .utf8)
    #expect(csv.hasPrefix("email,name,organization,language,status,status_since\r\nanna@example.org,Anna Schmidt,Example Daily,,subscribed,"))
    #expect(csv.contains("bob@example.com,\"Jones, Bob\","))
  }

  @Test func aWindows1251FileIsReadWithAWarning() throws {
    _ = try herald("lists", "create", "press-ru")
    // "email,name\nivan@example.org,Иван Петров\n" in Windows-1251.
    var bytes = Array("email,name\nivan@example.org,".utf8)
    bytes += [0xC8, 0xE2, 0xE0, 0xED, 0x20, 0xCF, 0xE5, 0xF2, 0xF0, 0xEE, 0xE2, 0x0A]
    try write(bytes, to: "ru.csv")
    let imported = try herald("lists", "import", "press-ru", "ru.csv")
    #expect(imported.status == 0)
    #expect(imported.stderr.contains("Windows-1251"), "\(imported.stderr)")
    #expect(try herald("subscribers", "show", "ivan@example.org").stdout.contains("Иван Петров <ivan@example.org>"))
  }

  @Test func importErrorsNameTheFileAndChangeNothing() throws {
    _ = try herald("lists", "create", "a")
    try write(Array("name,phone\nAnna,123\n".utf8), to: "nomail.csv")
    let result = try herald("lists", "import", "a", "nomail.csv")
    #expect(result.status == 1)
    #expect(result.stderr.contains("nomail.csv:1: there is no email column"))
    #expect(try herald("lists", "import", "nope", "nomail.csv").stderr.contains("there is no list named “nope”; the lists are: a"))
  }

  @Test func unsubscribeSuppressAndForget() throws {
    _ = try herald("lists", "create", "a")
    #expect(try herald("subscribers", "add", "jo@example.org", "--list", "a", "--name", "Jo").status == 0)
    #expect(try herald("subscribers", "unsubscribe", "jo@example.org", "--all").stdout.contains("Unsubscribed jo@example.org from a."))
    let again = try herald("subscribers", "add", "jo@example.org", "--list", "a")
    #expect(again.status == 1 && again.stderr.contains("--resubscribe"))
    #expect(try herald("subscribers", "suppress", "@spam.example", "--reason", "complaints").status == 0)
    #expect(try herald("subscribers", "add", "x@spam.example", "--list", "a").stderr.contains("suppressed (complaints)"))
    #expect(try herald("subscribers", "forget", "jo@example.org").status != 0, "forget needs --yes")
    #expect(try herald("subscribers", "forget", "jo@example.org", "--yes").status == 0)
    #expect(try herald("subscribers", "show", "jo@example.org").status == 1)
  }

  @Test func deletingAListNeedsYes() throws {
    _ = try herald("lists", "create", "a")
    let refused = try herald("lists", "delete", "a")
    #expect(refused.status != 0 && refused.stderr.contains("--yes"))
    #expect(try herald("lists", "delete", "a", "--yes").status == 0)
    #expect(try herald("lists").stdout.contains("No lists yet"))
  }

  @Test func twoHeraldProcessesImportingAtOnceBothSucceed() throws {
    _ = try herald("lists", "create", "a")
    _ = try herald("lists", "create", "b")
    for (name, prefix) in [("one.csv", "one"), ("two.csv", "two")] {
      let rows = (0..<4000).map { "\(prefix)\($0)@example.org,Person \($0)" }.joined(separator: "\n")
      try write(Array("email,name\n\(rows)\n".utf8), to: name)
    }
    let group = DispatchGroup()
    nonisolated(unsafe) var results: [HeraldProcess.Result?] = [nil, nil]
    for (index, (list, file)) in [("a", "one.csv"), ("b", "two.csv")].enumerated() {
      group.enter()
      DispatchQueue.global().async {
        results[index] = try? HeraldProcess.run(["lists", "import", list, file, "--json"], in: root)
        group.leave()
      }
    }
    group.wait()
    for result in results {
      #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
    }
    let lists = try json(try herald("lists", "--json")) as! [[String: Any]]
    #expect(lists.map { $0["subscribed"] as? Int } == [4000, 4000])
  }
}
