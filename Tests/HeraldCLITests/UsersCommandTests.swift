import Foundation
import HeraldTesting
import Testing

/// End-to-end: `herald users` of the built binary on a fresh workspace. Passwords go in on
/// standard input, never as arguments. (Each run hashes at bcrypt's real cost, 12.)
struct UsersCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String..., input: String? = nil) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root, input: input)
  }

  func users() throws -> [[String: Any]] {
    let result = try herald("users", "list", "--json")
    #expect(result.status == 0, "\(result.stderr)")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
  }

  @Test func aPasswordOnStandardInputIsTakenAndNeverPrinted() throws {
    let password = "paper lantern orbit 42"
    let added = try herald("users", "add", "Claire Durand", "--email", "claire@example.org", "--role", "editor", input: password + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("Added Claire Durand <claire@example.org> as editor."))
    #expect(!added.stdout.contains(password) && !added.stderr.contains(password))
    #expect(!added.stdout.contains("One-time password"))
    let list = try users()
    #expect(list.count == 1)
    #expect(list[0]["email"] as? String == "claire@example.org")
    #expect(list[0]["role"] as? String == "editor")
    #expect(list[0]["must_change_password"] as? Bool == false)
    #expect(Set(list[0].keys) == ["id", "name", "email", "role", "disabled", "must_change_password", "two_step", "created_at", "password_changed_at"])
    // The store has the bcrypt hash at cost 12, not the password.
    let database = try Data(contentsOf: root.appendingPathComponent("Lists/herald.sqlite"))
    #expect(database.range(of: Data(password.utf8)) == nil)
    #expect(database.range(of: Data("$2b$12$".utf8)) != nil)
  }

  @Test func withoutAPasswordAOneTimeOneIsPrintedOnce() throws {
    let added = try herald("users", "add", "Paul Martin", "--email", "paul@example.org", "--role", "viewer")
    #expect(added.status == 0, "\(added.stderr)")
    let match = try #require(added.stdout.firstMatch(of: /One-time password for paul@example.org: ([A-Za-z0-9-]{23})/))
    #expect(added.stdout.contains("must be changed at first sign-in"))
    #expect(try users()[0]["must_change_password"] as? Bool == true)
    #expect(!(try herald("users", "list").stdout.contains(String(match.1))))
    let json = try herald("users", "add", "Ana", "--email", "ana@example.org", "--role", "admin", "--json")
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect((object["one_time_password"] as? String)?.count == 23)
    #expect((object["user"] as? [String: Any])?["role"] as? String == "admin")
  }

  @Test func mistakesAreRefusedWithWhatToDo() throws {
    let role = try herald("users", "add", "X", "--email", "x@example.org", "--role", "owner")
    #expect(role.status == 64)
    #expect(role.stderr.contains("viewer, editor, sender or admin"))
    let weak = try herald("users", "add", "X", "--email", "x@example.org", "--role", "viewer", input: "short\n")
    #expect(weak.status == 1)
    #expect(weak.stderr.contains("too short"))
    #expect(weak.stderr.contains("at least 12"))
    let address = try herald("users", "add", "X", "--email", "not-an-address", "--role", "viewer", input: "long enough password\n")
    #expect(address.status == 1)
    #expect(address.stderr.contains("not-an-address"))
    #expect(try herald("users", "add", "X", "--email", "x@example.org", "--role", "viewer", input: "long enough password\n").status == 0)
    let duplicate = try herald("users", "add", "Y", "--email", "X@Example.org", "--role", "viewer", input: "long enough password\n")
    #expect(duplicate.status == 1)
    #expect(duplicate.stderr.contains("exists already"))
    // There is no way to give a password as an argument.
    #expect(try herald("users", "add", "Z", "--email", "z@example.org", "--role", "viewer", "--password", "long enough password").status == 64)
    let unknown = try herald("users", "role", "nobody@example.org", "admin")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("herald users list"))
    #expect(try users().count == 1)
  }

  @Test func passwdRoleAndDisableChangeTheAccount() throws {
    #expect(try herald("users", "add", "X", "--email", "x@example.org", "--role", "viewer", input: "long enough password\n").status == 0)
    let role = try herald("users", "role", "X@example.org", "Sender")
    #expect(role.status == 0, "\(role.stderr)")
    #expect(role.stdout.contains("x@example.org is now sender."))
    let passwd = try herald("users", "passwd", "x@example.org")
    #expect(passwd.status == 0, "\(passwd.stderr)")
    #expect(passwd.stdout.contains("One-time password for x@example.org:"))
    #expect(try users()[0]["must_change_password"] as? Bool == true)
    let disabled = try herald("users", "disable", "x@example.org")
    #expect(disabled.status == 0)
    #expect(disabled.stdout.contains("their sessions have ended"))
    let user = try users()[0]
    #expect(user["disabled"] as? Bool == true)
    #expect(user["role"] as? String == "sender")
    #expect(try herald("users", "list").stdout.contains("disabled"))
  }

  @Test func resetTwoStepRemovesTheAuthenticator() throws {
    #expect(try herald("users", "add", "X", "--email", "x@example.org", "--role", "admin", input: "long enough password\n").status == 0)
    // Set up as the desk would (the secret stored), then reset from the command line.
    let database = root.appendingPathComponent("Lists/herald.sqlite").path
    let sql = try Process.run(URL(fileURLWithPath: "/usr/bin/python3"), arguments: [
      "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE desk_user SET totp_secret='abcdefghijkmnopqrstu'\"); c.commit()",
      database,
    ])
    sql.waitUntilExit()
    #expect(sql.terminationStatus == 0)
    #expect(try users()[0]["two_step"] as? Bool == true)
    #expect(try herald("users", "list").stdout.contains("on"))
    let reset = try herald("users", "reset-two-step", "X@example.org")
    #expect(reset.status == 0, "\(reset.stderr)")
    #expect(reset.stdout.contains("their sessions have ended"))
    #expect(try users()[0]["two_step"] as? Bool == false)
    let unknown = try herald("users", "reset-two-step", "nobody@example.org")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("nobody@example.org"))
  }
}

/// End-to-end: the desk that `herald serve` runs, signed in to with an account `herald users` made.
struct DeskServeTests {
  func curl(_ arguments: [String]) throws -> (status: Int, body: String) { try Curl.run(arguments) }

  @Test func serveRunsTheDeskAfterThePublicSiteAndItSignsInAUserTheCLIMade() throws {
    let root = try HeraldProcess.workspace()
    let added = try HeraldProcess.run(["users", "add", "Claire Durand", "--email", "claire@example.org", "--role", "viewer"], in: root, input: "paper lantern orbit 42\n")
    #expect(added.status == 0, "\(added.stderr)")
    let server = try BackgroundProcess.herald(["serve", "--port", "0", "--no-deliver"], in: root)
    defer { server.stop() }
    let deskPort = try #require(try server.waitForOutput("The desk listens on http://127.0.0.1:([0-9]+)"), "\(server.output)")
    // The public site's address stays the first line: scripts read it.
    let output = server.output
    let site = try #require(output.range(of: "Listening on http://127.0.0.1:"), "\(output)")
    #expect(site.lowerBound < output.range(of: "The desk listens on")!.lowerBound, "\(output)")
    let jar = root.appendingPathComponent("cookies").path
    let signIn = try curl([
      "-c", jar, "-D", "-", "-X", "POST", "--data-urlencode", "email=claire@example.org", "--data-urlencode", "password=paper lantern orbit 42",
      "http://127.0.0.1:\(deskPort)/sign-in",
    ])
    #expect(signIn.status == 303, "\(signIn.body)\n\(server.output)")
    #expect(signIn.body.contains("Set-Cookie: herald-desk="))
    let releases = try curl(["-b", jar, "http://127.0.0.1:\(deskPort)/"])
    #expect(releases.status == 200)
    #expect(releases.body.contains("Releases/2020-03-31-water-report.md"))
    #expect(releases.body.contains("Claire Durand"))
    #expect(try curl(["http://127.0.0.1:\(deskPort)/"]).status == 303)
  }

  @Test func aDeskPortInUseIsTheDesksErrorNamingItsPort() throws {
    let root = try HeraldProcess.workspace()
    let first = try BackgroundProcess.herald(["serve", "--port", "0", "--no-deliver"], in: root)
    defer { first.stop() }
    let deskPort = try #require(try first.waitForOutput("The desk listens on http://127.0.0.1:([0-9]+)"), "\(first.output)")
    let second = try HeraldProcess.run(["serve", "--port", "0", "--no-deliver", "--desk-port", deskPort], in: root)
    #expect(second.status == 1)
    #expect(second.stderr.contains("the desk cannot listen on 127.0.0.1:\(deskPort)"), "\(second.stderr)")
    #expect(second.stderr.contains("--desk-port"))
  }
}
