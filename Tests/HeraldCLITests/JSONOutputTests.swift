import Foundation
import HeraldTesting
import Testing

/// End to end: what every command prints with --json is for scripts, in one style: keys in
/// snake_case, absent values as null where a script looks for the key.
struct JSONOutputTests {
  let root: URL
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("HeraldInboxTests/Fixtures")

  init() throws {
    root = try HeraldProcess.workspace(list: "press-en", readers: 13).root
  }

  /// Runs herald and reads its output as JSON (one document, or with `lines` one per line).
  func json(_ arguments: String..., lines: Bool = false) throws -> Any {
    let result = try HeraldProcess.run(arguments, in: root)
    #expect(result.status == 0, "herald \(arguments.joined(separator: " ")): \(result.stderr)")
    if lines { return try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } }
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  /// The keys that are not snake_case, with where they are; objects whose keys are data
  /// (a subscriber's attributes, counts by state or by campaign) are not looked into.
  func badKeys(_ value: Any, at path: String = "") -> [String] {
    let data: Set<String> = ["attributes", "states", "campaigns"]
    if let array = value as? [Any] { return array.enumerated().flatMap { badKeys($1, at: "\(path)[\($0)]") } }
    guard let object = value as? [String: Any] else { return [] }
    return object.flatMap { key, child -> [String] in
      let bad = key.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) == nil ? ["\(path).\(key)"] : []
      return bad + (data.contains(key) ? [] : badKeys(child, at: "\(path).\(key)"))
    }
  }

  func maildir(_ names: [String]) throws -> String {
    let folder = root.appendingPathComponent("Maildir")
    for sub in ["new", "cur", "tmp"] {
      try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    for (index, name) in names.enumerated() {
      try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: folder.appendingPathComponent("new/17000000\(index).M\(index).test"))
    }
    return folder.path
  }

  @Test func everyOutputSpellsItsKeysInSnakeCase() throws {
    let release = "Releases/2020-03-31-water-report.md"
    try Data("email,name,deskPhone\nnew@example.org,New Reader,030 1234\nbad-address,X,Y\n".utf8).write(to: root.appendingPathComponent("more.csv"))
    let mail = try maildir(["postfix-dsn-5.1.1.eml", "reply-html-only.eml"])
    var outputs: [(String, Any)] = []
    func record(_ name: String, _ value: Any) { outputs.append((name, value)) }
    record("init", try json("init", ".", "--json"))
    record("check", try json("check", release, "--json"))
    record("preview", try json("preview", release, "--json", "--out", "p"))
    record("dkim keygen", try json("dkim", "keygen", "--algorithm", "ed25519", "--json"))
    record("dkim show", try json("dkim", "show", "--json"))
    record("lists create", try json("lists", "create", "press-de", "--language", "de", "--json"))
    record("lists update", try json("lists", "update", "press-de", "--public", "--enable-double-opt-in", "--json"))
    record("lists import", try json("lists", "import", "press-en", "more.csv", "--dry-run", "--json"))
    record("lists", try json("lists", "--json"))
    record("subscribers add", try json("subscribers", "add", "jo@example.org", "--list", "press-de", "--json"))
    record("subscribers show", try json("subscribers", "show", "reader0@example.com", "--json"))
    record("subscribers unsubscribe", try json("subscribers", "unsubscribe", "jo@example.org", "--all", "--json"))
    record("subscribers suppress", try json("subscribers", "suppress", "@spam.example", "--reason", "complaints", "--json"))
    record("subscribers unsuppress", try json("subscribers", "unsuppress", "@spam.example", "--json"))
    record("subscribers forget", try json("subscribers", "forget", "jo@example.org", "--yes", "--json"))
    record("send --dry-run", try json("send", release, "--dry-run", "--json"))
    record("send --queue-only", try json("send", release, "--queue-only", "--yes", "--json"))
    record("outbox", try json("outbox", "--json"))
    record("outbox list", try json("outbox", "list", "--json"))
    let relay = try ScriptedSMTPServer()
    record("deliver", try json("deliver", "--smtp", "smtp://127.0.0.1:\(relay.port)", "--json"))
    record("publish", try json("publish", release, "--json"))
    record("publish --withdraw", try json("publish", release, "--withdraw", "--json"))
    record("inbox import", try json("inbox", "import", mail, "--json", lines: true))
    let messages = try #require(try json("inbox", "list", "--json") as? [[String: Any]])
    record("inbox list", messages)
    let bounce = try #require(messages.first { $0["class"] as? String == "bounce" }?["id"] as? Int)
    let shown = try #require(try json("inbox", "show", "\(bounce)", "--json") as? [String: Any])
    record("inbox show", shown)
    // The bounce's particulars, as the store keeps them, with their keys in snake_case too.
    let details = try #require(shown["details"] as? [String: Any])
    #expect(details["original_message_id"] is String && details["reporting_mta"] as? String == "mail.example.org", "\(details)")
    #expect((details["recipients"] as? [[String: Any]])?.first?["blames_sender"] as? Bool == false)
    record("inbox reclassify", try json("inbox", "reclassify", "\(bounce)", "auto-reply", "--json", lines: true))
    let inquiries = try #require(try json("inquiries", "--json") as? [[String: Any]])
    record("inquiries", inquiries)
    let inquiry = try #require(inquiries.first?["id"] as? Int)
    record("inquiries show", try json("inquiries", "show", "\(inquiry)", "--json"))
    record("report", try json("report", release, "--json"))

    for (name, value) in outputs {
      #expect(badKeys(value).isEmpty, "herald \(name) --json: \(badKeys(value))")
    }
    // Data keeps its own spelling: a CSV column is an attribute by its name as it was.
    let imported = try json("lists", "import", "press-en", "more.csv", "--json") as? [String: Any]
    #expect(imported?["added"] as? Int == 1)
    let profile = try json("subscribers", "show", "new@example.org", "--json") as? [String: Any]
    #expect(((profile?["profile"] as? [String: Any])?["subscriber"] as? [String: Any])?["attributes"] as? [String: String] == ["deskPhone": "030 1234"])
  }

  @Test func listsImportAndSubscribersShowWriteTheirKeysInSnakeCase() throws {
    try Data("email\nnew@example.org\nbad-address\n".utf8).write(to: root.appendingPathComponent("more.csv"))
    let report = try #require(try json("lists", "import", "press-en", "more.csv", "--dry-run", "--json") as? [String: Any])
    #expect(report["dry_run"] as? Bool == true && report["dryRun"] == nil)
    #expect(report["kept_out"] as? Int == 0 && report["rejected"] as? Int == 1)
    #expect((report["problems"] as? [[String: Any]])?.first?["line"] as? Int == 3)
    let shown = try #require(try json("subscribers", "show", "reader0@example.com", "--json") as? [String: Any])
    let profile = try #require(shown["profile"] as? [String: Any])
    #expect(((profile["subscriber"] as? [String: Any])?["created_at"] as? String)?.hasSuffix("Z") == true)
    #expect((profile["memberships"] as? [[String: Any]])?.first?["changed_at"] as? String != nil)
  }

  @Test func absentValuesAreNullWhereScriptsReadTheKey() throws {
    let check = try #require(try json("check", "Releases/2020-03-31-water-report.md", "--json") as? [String: Any])
    let problems = try #require(check["problems"] as? [[String: Any]])
    // The herald.yml warning has no line: the key is there, null.
    #expect(problems.contains { $0["line"] is NSNull })
    #expect(problems.contains { $0["line"] as? Int == 37 })  // the sample's first placeholder link
    let outbox = try #require(try json("outbox", "--json") as? [String: Any])
    #expect(outbox["next_retry"] is NSNull)
    let lists = try #require(try json("lists", "--json") as? [[String: Any]])
    #expect(lists.first?["language"] is NSNull && lists.first?["subscribed"] as? Int == 13)
    let relay = try ScriptedSMTPServer()
    let deliver = try #require(try json("deliver", "--smtp", "smtp://127.0.0.1:\(relay.port)", "--json") as? [String: Any])
    #expect(deliver["paused"] is NSNull && deliver["campaign"] == nil, "deliver has no campaign")
  }
}
