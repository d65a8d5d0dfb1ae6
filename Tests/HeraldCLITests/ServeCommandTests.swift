import Foundation
import HeraldTesting
import Testing

/// End to end: herald send to a real SMTP server, the List-Unsubscribe URL of a captured
/// message POSTed to `herald serve` as a mail provider does, and the next send.
struct ServeCommandTests {
  func curl(_ arguments: [String]) throws -> (status: Int, body: String) { try Curl.run(arguments) }

  @Test func theListUnsubscribeURLOfASentMessageUnsubscribesAndTheNextSendLeavesThemOut() throws {
    let (root, addresses) = try HeraldProcess.workspace(list: "press-en", readers: 4)
    // A public list: what is sent to it is published (a private list's release is not).
    #expect(try HeraldProcess.run(["lists", "update", "press-en", "--public", "--enable-double-opt-in"], in: root).status == 0)
    let relay = try ScriptedSMTPServer()
    let sent = try HeraldProcess.run(
      ["send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(relay.port)", "--yes"], in: root)
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(
      sent.stdout.contains("Published to the archive at https://news.example.org/releases/2020-03-31-water-report: every list it goes to is public"),
      "\(sent.stdout)")
    let leaver = addresses[1]
    let message = try #require(try relay.received().first { $0.recipients == [leaver] })
    let header = try #require(try inspectMessage(message.bytes).header("List-Unsubscribe").first)
    let url = try #require(header.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " <>")) }.first { $0.hasPrefix("https://") })

    let server = try BackgroundProcess.herald(["serve", "--port", "0"], in: root)
    defer { server.stop() }
    let port = try #require(try server.waitForOutput("Listening on http://127.0.0.1:([0-9]+)"), "\(server.output)")
    let local = url.replacingOccurrences(of: "https://news.example.org", with: "http://127.0.0.1:\(port)")
    // As Gmail sends it: POST, the RFC 8058 body, no cookies.
    let oneClick = try curl(["-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded", "--data", "List-Unsubscribe=One-Click", local])
    #expect(oneClick.status == 200, "\(oneClick.body)\n\(server.output)")
    // The release herald send published is in the archive.
    let page = try curl(["http://127.0.0.1:\(port)/releases/2020-03-31-water-report"])
    #expect(page.status == 200 && page.body.contains("Cities lose a third of their drinking water"))

    let shown = try HeraldProcess.run(["subscribers", "show", leaver], in: root)
    #expect(shown.stdout.contains("unsubscribed") && shown.stdout.contains("one-click, 127.0.0.1"), "\(shown.stdout)")

    // The next release reaches everyone else, and not them.
    let drafted = try HeraldProcess.run(["new", "Coastal cities brace for record tides", "--list", "press-en", "--date", "2021-05-06"], in: root)
    #expect(drafted.status == 0, "\(drafted.stderr)")
    // Written over: a draft that still holds herald new's placeholders is not sent.
    let draft = root.appendingPathComponent(drafted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    let text = try String(contentsOf: draft, encoding: .utf8)
    let frontMatter = text.components(separatedBy: "\n---\n")[0].replacingOccurrences(of: "CITY,", with: "HAMBURG,")
      .replacingOccurrences(of: "One sentence that inboxes show next to the subject.", with: "Tides of 3.5 metres are expected.")
    try (frontMatter + "\n---\n\nPorts on the North Sea close on Friday.\n").write(to: draft, atomically: true, encoding: .utf8)
    let second = try HeraldProcess.run(
      ["send", drafted.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--smtp", "smtp://127.0.0.1:\(relay.port)", "--yes"], in: root)
    #expect(second.status == 0, "\(second.stderr)")
    let secondRecipients = Set(try relay.received().dropFirst(addresses.count).flatMap(\.recipients))
    #expect(secondRecipients == Set(addresses).subtracting([leaver]))
  }

  @Test func aSubscriptionAsAPersonMakesItIsConfirmedByMailTheServerDelivers() throws {
    let root = try HeraldProcess.workspace()
    // A test sends the form at once; a person takes longer than the default two seconds.
    try HeraldProcess.append("web:\n  form_minimum_age: 0s\n", toConfigurationIn: root)
    #expect(try HeraldProcess.run(["lists", "create", "press-de", "--title", "Pressemitteilungen", "--double-opt-in", "--public"], in: root).status == 0)
    let relay = try ScriptedSMTPServer()
    let server = try BackgroundProcess.herald(["serve", "--port", "0", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: root)
    defer { server.stop() }
    let port = try #require(try server.waitForOutput("Listening on http://127.0.0.1:([0-9]+)"), "\(server.output)")
    #expect(server.output.contains("Mail it writes is delivered through smtp://127.0.0.1:\(relay.port)"))
    // Open the form and send it.
    let form = try curl(["http://127.0.0.1:\(port)/subscribe/press-de"])
    let token = try #require(form.body.range(of: #"name="form_token" value="([^"]+)""#, options: .regularExpression).map { match in
      String(form.body[match]).components(separatedBy: "value=\"")[1].dropLast()
    })
    let sent = try curl([
      "-X", "POST", "-H", "Origin: https://news.example.org", "--data-urlencode", "form_token=\(token)", "--data-urlencode", "email=kim@example.net",
      "--data-urlencode", "name=Kim", "--data-urlencode", "consent=yes", "--data-urlencode", "website=", "http://127.0.0.1:\(port)/subscribe/press-de",
    ])
    #expect(sent.status == 200 && sent.body.contains("Thank you"), "\(sent.body)")
    // The server delivers its own mail: the confirmation reaches the relay.
    var received: [(bytes: [UInt8], recipients: [String], sender: String)] = []
    let deadline = Date().addingTimeInterval(20)
    while received.isEmpty && Date() < deadline {
      received = try relay.received()
      if received.isEmpty { usleep(20_000) }
    }
    #expect(received.count == 1 && received.first?.recipients == ["kim@example.net"], "\(server.output)")
    let confirmation = String(decoding: received.first?.bytes ?? [], as: UTF8.self)
    #expect(confirmation.contains("Please confirm: Pressemitteilungen"))
  }

  @Test func aPortInUseIsAClearErrorAndExit1() throws {
    let root = try HeraldProcess.workspace()
    let first = try BackgroundProcess.herald(["serve", "--port", "0"], in: root)
    defer { first.stop() }
    let port = try #require(try first.waitForOutput("Listening on http://127.0.0.1:([0-9]+)"))
    let second = try HeraldProcess.run(["serve", "--port", port], in: root)
    #expect(second.status == 1)
    #expect(second.stderr.hasPrefix("error: cannot listen on 127.0.0.1:\(port)"), "\(second.stderr)")
  }
}
