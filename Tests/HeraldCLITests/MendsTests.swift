import Foundation
import HeraldTesting
import Testing

/// End-to-end: what a new user ran into, and the exit codes and first lines scripts rely on.
struct MendsTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String..., environment: [String: String] = [:]) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root, environment: environment)
  }

  func write(_ text: String, to name: String) throws {
    try Data(text.utf8).write(to: root.appendingPathComponent(name))
  }

  func append(_ text: String, to name: String) throws {
    let url = root.appendingPathComponent(name)
    try (try String(contentsOf: url, encoding: .utf8) + text).write(to: url, atomically: true, encoding: .utf8)
  }

  // MARK: Exit codes: 0 done, 1 failed, 64 usage

  @Test(arguments: [
    (["outbox", "list", "--state", "bogus"], "--state"),
    (["deliver", "--interval", "0"], "--interval"),
    (["send", "Releases/2020-03-31-water-report.md", "--correction-of", "x-1", "--list", "a"], "--correction-of"),
    (["outbox", "purge", "--state", "queue", "--older-than", "30d"], "purge removes only sent or failed"),
    (["outbox", "purge", "--state", "sent", "--older-than", "soon"], "--older-than"),
    (["lists", "import", "a", "x.csv", "--status", "bounced"], "--status"),
  ])
  func wrongArgumentsAreUsageErrors(_ arguments: [String], _ mentions: String) throws {
    let result = try HeraldProcess.run(arguments, in: root)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains(mentions), "\(result.stderr)")
    #expect(result.stderr.contains("Usage:") || result.stderr.contains("See 'herald"), "\(result.stderr)")
  }

  @Test(arguments: [
    (["send", "Releases/2020-03-31-water-report.md", "--list", "press-en", "--yes"], "error: no relay to send through: pass --smtp"),
    (["deliver"], "error: no relay to send through: pass --smtp"),
    (["subscribers", "show", "nobody@example.com"], "error: nobody@example.com is not a subscriber"),
    (["outbox", "show", "NOSUCHID"], "error: no message NOSUCHID in"),
    (["lists", "import", "nope", "missing.csv"], "error: cannot read missing.csv"),
    (["dkim", "show"], "error: .herald/dkim/herald.pem does not exist"),
  ])
  func runtimeFailuresExitOneAndSayWhatFailedFirst(_ arguments: [String], _ firstLine: String) throws {
    _ = try herald("lists", "create", "press-en")
    let result = try HeraldProcess.run(arguments, in: root)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.hasPrefix(firstLine), "\(result.stderr)")
    #expect(!result.stderr.contains("Usage:"), "a runtime failure is not a usage error")
  }

  @Test func aSendWithoutYesAndNoTerminalExitsAsTheReadmeSays() throws {
    // The README's exit status table names the missing --yes in one row: that row's status
    // is what Herald gives.
    let readme = try String(contentsOf: PythonOracle.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let row = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| ") && $0.contains("a missing `--yes`") }, "no README row")
    let documented = try #require(Int32(row.split(separator: "|")[0].trimmingCharacters(in: .whitespaces)))
    _ = try herald("lists", "create", "press-en")
    _ = try herald("subscribers", "add", "reader@example.com", "--list", "press-en")
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:9")
    #expect(result.status == documented, "\(result.stderr)")
    #expect(result.stderr.contains("add --yes"), "\(result.stderr)")
    #expect(result.stdout.contains("Recipients") || result.stdout.contains("recipients"), "the plan is shown first: \(result.stdout)")
    #expect(Self.spooled(in: root) == 0, "nothing was enqueued")
  }

  static func spooled(in root: URL) -> Int {
    ["queue", "active", "deferred", "sent", "failed", "hold"].reduce(0) { total, state in
      total + ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/\(state)").path).count) ?? 0)
    }
  }

  @Test func aFolderThatIsNotAWorkspaceIsNamedAndNothingIsCreated() throws {
    let empty = try HeraldProcess.temporaryDirectory()
    let result = try HeraldProcess.run(["lists"], in: empty)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: \(empty.path)/herald.yml is missing: this folder is not a Herald workspace"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
  }

  @Test(arguments: [
    (["sned", "Releases/2020-03-31-water-report.md"], "“sned” is not a command of herald. Did you mean “herald send”?"),
    (["lists", "improt", "press-en", "x.csv"], "“improt” is not a command of herald lists. Did you mean “herald lists import”?"),
    (["inquiries", "shwo", "1"], "Did you mean “herald inquiries show”?"),
    (["frobnicate"], "“frobnicate” is not a command of herald. Run “herald --help” to see the commands."),
  ])
  func aMistypedCommandIsAUsageErrorThatSaysWhichWasMeant(_ arguments: [String], _ message: String) throws {
    let result = try HeraldProcess.run(arguments, in: root)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
  }

  @Test func theSingularFormsOfCommandsWork() throws {
    _ = try herald("list", "create", "press-en")
    #expect(try herald("list").stdout.contains("press-en"))
    _ = try herald("subscriber", "add", "reader@example.com", "--list", "press-en")
    #expect(try herald("subscriber", "show", "reader@example.com").stdout.contains("press-en"))
    #expect(try herald("inquiry").status == 0)
  }

  @Test func aCommandInsideAWorkspaceFindsItAsGitFindsItsRepository() throws {
    _ = try herald("lists", "create", "press-en")
    let releases = root.appendingPathComponent("Releases")
    let nested = releases.appendingPathComponent("drafts/2026")
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    // From a folder two levels below Releases/: the workspace above, and its list.
    let lists = try HeraldProcess.run(["lists"], in: nested)
    #expect(lists.status == 0, "\(lists.stderr)")
    #expect(lists.stdout.contains("press-en"), "\(lists.stdout)")
    // A release named as the shell means it, from Releases/.
    let check = try HeraldProcess.run(["check", "2020-03-31-water-report.md"], in: releases)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    // Nothing of a workspace was made below.
    #expect(!FileManager.default.fileExists(atPath: releases.appendingPathComponent("Lists").path))
    #expect(!FileManager.default.fileExists(atPath: nested.appendingPathComponent("Outbox").path))
  }

  @Test func aSubfolderNamedAsTheWorkspaceIsNeverAdvisedToBecomeOne() throws {
    let releases = root.appendingPathComponent("Releases")
    let result = try herald("lists", "--workspace", releases.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("inside the workspace \(root.standardizedFileURL.path)"), "\(result.stderr)")
    #expect(!result.stderr.contains("herald init"), "\(result.stderr)")
  }

  @Test func theSinkPrintsALinePerMessageUnlessQuiet() throws {
    _ = try herald("lists", "create", "press-en")
    _ = try herald("subscribers", "add", "reader@example.com", "--list", "press-en")
    for quiet in [false, true] {
      let maildir = root.appendingPathComponent(quiet ? "quiet" : "loud")
      let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path] + (quiet ? ["--quiet"] : []), in: root)
      let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")
      let sent = try herald(
        "send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(port)", "--yes", "--again")
      #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
      let line = #"000001  from [^ ]+@[^ ]+  to reader@example\.com  “New study: cities lose a third of their drinking water to leaks”"#
      if quiet {
        #expect(try NSRegularExpression(pattern: line).firstMatch(in: sink.output, range: NSRange(sink.output.startIndex..., in: sink.output)) == nil)
        #expect(FileManager.default.fileExists(atPath: maildir.appendingPathComponent("000001.eml").path))
      } else {
        #expect(try sink.waitForOutput(line) != nil, "\(sink.output)")
      }
      sink.stop()
    }
  }

  // MARK: Why messages were deferred

  @Test func aSendToARelayThatIsNotRunningSaysWhy() throws {
    _ = try herald("lists", "create", "press-en")
    _ = try herald("lists", "import", "press-en", "Lists/press-en.csv")
    let closed = try ClosedPort()
    let port = closed.port
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(result.stdout.contains("Sent 0, deferred 8"), "\(result.stdout)")
    #expect(result.stdout.contains("Deferred, by reason:\n  the relay refused the connection: 8"), "\(result.stdout)")
    let json = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(port)", "--json")
    let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect(report?["deferred"] as? Int == 0, "deferred messages are not due yet")
    let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/reports").path)
    let text = try String(contentsOf: root.appendingPathComponent("Outbox/reports/\(try #require(reports.first { $0.hasSuffix(".txt") }))"), encoding: .utf8)
    #expect(text.contains("the relay refused the connection: 8"))
  }

  // MARK: Logging

  @Test func heraldLogTraceShowsTheSMTPDialogueButNotThePassword() throws {
    _ = try herald("lists", "create", "press-en")
    _ = try herald("subscribers", "add", "jo@example.com", "--list", "press-en")
    let server = try ScenarioSMTPServer(.authPlain, username: "press", password: "s3cret-Pa55")
    try append("delivery:\n  tls: required\n  ca_file: \(server.certificateFile.path)\n", to: "herald.yml")
    let result = try herald(
      "send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes",
      environment: ["HERALD_LOG": "trace", "HERALD_SMTP_USERNAME": "press", "HERALD_SMTP_PASSWORD": "s3cret-Pa55"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("> RCPT TO:<jo@example.com>"), "\(result.stderr)")
    #expect(result.stderr.contains("AUTH PLAIN"), "\(result.stderr)")
    for form in ["s3cret-Pa55", Data("\0press\0s3cret-Pa55".utf8).base64EncodedString()] {
      #expect(!result.stderr.contains(form), "the password is in the log")
    }
    // Without it, no trace.
    let quiet = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(server.port)", "--yes", "--again",
      environment: ["HERALD_SMTP_USERNAME": "press", "HERALD_SMTP_PASSWORD": "s3cret-Pa55"])
    #expect(quiet.status == 0 && !quiet.stderr.contains("RCPT TO"), "\(quiet.stderr)")
  }

  // MARK: Preview as sent

  @Test func aPreviewIsSignedWithTheConfiguredKeysAndSaysSo() throws {
    #expect(try herald("dkim", "keygen", "--algorithm", "ed25519").status == 0)
    let shown = try JSONSerialization.jsonObject(with: Data(try herald("dkim", "show", "--json").stdout.utf8)) as? [String: Any]
    let record = try #require((shown?["keys"] as? [[String: Any]])?.first?["value"] as? String)
    let unsigned = try herald("preview", "Releases/2020-03-31-water-report.md", "--out", "a")
    #expect(unsigned.stdout.contains("DKIM     none: not signed"), "\(unsigned.stdout)")
    try append("dkim:\n  selector: herald\n  key: .herald/dkim/herald.pem\n", to: "herald.yml")
    let signed = try herald("preview", "Releases/2020-03-31-water-report.md", "--out", "b")
    #expect(signed.status == 0, "\(signed.stderr)")
    #expect(signed.stdout.contains("DKIM     signed: herald._domainkey.example.org (ed25519)"), "\(signed.stdout)")
    let eml = try [UInt8](Data(contentsOf: root.appendingPathComponent("b/message.eml")))
    #expect(String(decoding: eml.prefix(15), as: UTF8.self) == "DKIM-Signature:")
    #expect(try PythonOracle.verifyDKIM(message: eml, txtRecord: record).valid)
  }

  // MARK: CSV injection

  @Test func anExportNeutralisesFormulaCellsAndImportsBackAsItWas() throws {
    _ = try herald("lists", "create", "a")
    _ = try herald("lists", "create", "b")
    let csv = "email,name,organization,phone,note\r\n"
      + "eve@example.org,=HYPERLINK(\"http://evil.example\"),+Evil Inc,+49 30 1234,@SUM(A1)\r\n"
      + "kim@example.org,Kim,-minus,''=already,\"\tTabbed\"\r\n"
    try write(csv, to: "in.csv")
    #expect(try herald("lists", "import", "a", "in.csv").status == 0)
    #expect(try herald("lists", "export", "a", "-o", "out.csv").status == 0)
    let exported = try String(contentsOf: root.appendingPathComponent("out.csv"), encoding: .utf8)
    #expect(exported.contains("eve@example.org,\"'=HYPERLINK(\"\"http://evil.example\"\")\",'+Evil Inc"), "\(exported)")
    #expect(exported.contains(",'@SUM(A1),'+49 30 1234"), "\(exported)")
    #expect(exported.contains("kim@example.org,Kim,'-minus,"), "\(exported)")
    // A spreadsheet's own ' before a formula character is taken off on import ('=x is =x);
    // so a value that really starts with ' and = is written with two.
    #expect(exported.contains(",''=already"), "\(exported)")
    // No cell of the export starts a formula.
    for line in exported.split(separator: "\r\n").dropFirst() {
      for cell in line.split(separator: ",") {
        let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell[...]
        #expect(!(text.first.map { "=+-@\t\r".contains($0) } ?? false), "\(line)")
      }
    }
    // Herald's own export imports back as it was.
    #expect(try herald("lists", "import", "b", "out.csv").status == 0)
    let eve = try herald("subscribers", "show", "eve@example.org", "--json")
    let profile = (try JSONSerialization.jsonObject(with: Data(eve.stdout.utf8)) as? [String: Any])?["profile"] as? [String: Any]
    let subscriber = profile?["subscriber"] as? [String: Any]
    #expect(subscriber?["name"] as? String == "=HYPERLINK(\"http://evil.example\")")
    #expect(subscriber?["organization"] as? String == "+Evil Inc")
    #expect((subscriber?["attributes"] as? [String: String])?["phone"] == "+49 30 1234")
    let kim = try herald("subscribers", "show", "kim@example.org", "--json")
    let kimAttributes = (((try JSONSerialization.jsonObject(with: Data(kim.stdout.utf8)) as? [String: Any])?["profile"] as? [String: Any])?["subscriber"] as? [String: Any])?["attributes"] as? [String: String]
    #expect(kimAttributes?["note"] == "Tabbed" || kimAttributes?["note"] == "\tTabbed")
    // --raw writes the cells as they are.
    #expect(try herald("lists", "export", "a", "-o", "raw.csv", "--raw").status == 0)
    #expect(try String(contentsOf: root.appendingPathComponent("raw.csv"), encoding: .utf8).contains("eve@example.org,\"=HYPERLINK("))
  }

  // MARK: Control characters in names

  @Test func lineBreaksInNamesAreCleanedAtTheDoorAndTheRowReported() throws {
    _ = try herald("lists", "create", "a")
    try write("email,name,organization\r\nann@example.org,\"Ann\r\nBcc: victim@example.org\",Daily\r\nok@example.org,Ok,Fine\r\n", to: "in.csv")
    let imported = try herald("lists", "import", "a", "in.csv")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("cleaned            1"), "\(imported.stdout)")
    #expect(imported.stdout.contains("in.csv:2: ann@example.org: the name had a line break (replaced by a space)"), "\(imported.stdout)")
    #expect(try herald("subscribers", "show", "ann@example.org").stdout.hasPrefix("Ann Bcc: victim@example.org <ann@example.org>"))
    let added = try herald("subscribers", "add", "jo@example.org", "--list", "a", "--name", "Jo\r\nSmith", "--organization", "Daily\u{7}")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stderr.contains("warning: --name had a line break (replaced by a space)"), "\(added.stderr)")
    #expect(added.stderr.contains("warning: --organization had a control character"), "\(added.stderr)")
    #expect(try herald("subscribers", "show", "jo@example.org").stdout.hasPrefix("Jo Smith <jo@example.org>"))
  }
}
