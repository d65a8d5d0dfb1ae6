import Foundation
import HeraldDelivery
import HeraldTesting
import Testing

/// End-to-end: a sender sends a release from the desk that the built `herald serve` runs,
/// and serve's own delivery service delivers it to Herald's capture sink.
struct DeskSendServeTests {
  @Test func aSendFromTheDeskIsDeliveredByServeAndItsPageShowsTheResult() throws {
    let (root, addresses) = try HeraldProcess.workspace(list: "press-en", readers: 4)
    let added = try HeraldProcess.run(
      ["users", "add", "Sam Sender", "--email", "sam@example.org", "--role", "sender"], in: root, input: "paper lantern orbit 42\n")
    #expect(added.status == 0, "\(added.stderr)")
    let sink = try CaptureSink(port: 0, maildir: root.appendingPathComponent("sink"))
    Thread { sink.run() }.start()
    defer { sink.stop() }
    let server = try BackgroundProcess.herald(["serve", "--port", "0", "--smtp", "smtp://127.0.0.1:\(sink.port)"], in: root)
    defer { server.stop() }
    let port = try #require(try server.waitForOutput("The desk listens on http://127.0.0.1:([0-9]+)"), "\(server.output)")
    let desk = "http://127.0.0.1:\(port)"
    let jar = root.appendingPathComponent("cookies").path
    let form = ["-b", jar, "-H", "Sec-Fetch-Site: same-origin", "-D", "-", "-X", "POST"]
    let signIn = try Curl.run(["-c", jar] + form.dropFirst(2) + [
      "--data-urlencode", "email=sam@example.org", "--data-urlencode", "password=paper lantern orbit 42", "\(desk)/sign-in",
    ])
    #expect(signIn.status == 303, "\(signIn.body)")
    let file = "2020-03-31-water-report.md"
    let plan = try Curl.run(["-b", jar, "\(desk)/releases/\(file)/send"])
    #expect(plan.status == 200)
    #expect(plan.body.contains("Delivered by this server through smtp://127.0.0.1:\(sink.port)."), "\(plan.body)")
    let csrf = String(try #require(plan.body.firstMatch(of: /name="csrf" value="([^"]+)"/)).1)
    let confirmation = try Curl.run(form + [
      "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "list=press-en", "--data-urlencode", "when=now", "\(desk)/releases/\(file)/send",
    ])
    #expect(confirmation.status == 200)
    #expect(confirmation.body.contains("to 4 recipients now?"), "\(confirmation.body)")
    let hidden = confirmation.body.matches(of: /<input type="hidden" name="([^"]+)" value="([^"]*)">/)
      .filter { $0.1 != "csrf" }.flatMap { ["--data-urlencode", "\($0.1)=\($0.2)"] }
    let sent = try Curl.run(form + ["--data-urlencode", "csrf=\(csrf)"] + hidden + ["\(desk)/releases/\(file)/send/confirm"])
    #expect(sent.status == 303, "\(sent.body)")
    let location = String(try #require(sent.body.firstMatch(of: /[Ll]ocation: (\/campaigns\/[^\r\n]+)/)).1)
    // Polled a bounded number of times: serve's delivery service sends as soon as it is written.
    var page = ""
    for _ in 0..<100 {
      page = try Curl.run(["-b", jar, "\(desk)\(location)"]).body
      if page.contains("Finished") { break }
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(page.contains("Finished"), "\(page)\n\(server.output)")
    #expect(page.contains("<dt>Sent</dt><dd>4</dd>"))
    #expect(sink.storedCount == addresses.count)
  }

  @Test func sendDryRunPrintsEachListWithWhoItLeavesOutAsTheDeskDoes() throws {
    let (root, _) = try HeraldProcess.workspace(list: "press-en", readers: 5)
    #expect(try HeraldProcess.run(["subscribers", "unsubscribe", "reader0@example.com", "--list", "press-en"], in: root).status == 0)
    #expect(try HeraldProcess.run(["subscribers", "suppress", "reader1@example.com", "--reason", "asked by phone"], in: root).status == 0)
    let dryRun = try HeraldProcess.run(["send", "Releases/2020-03-31-water-report.md", "--dry-run"], in: root)
    #expect(dryRun.status == 0, "\(dryRun.stderr)")
    #expect(dryRun.stdout.contains("3 of 4 subscribed; left out: 1 unsubscribed, 1 address suppressed"), "\(dryRun.stdout)")
  }
}
