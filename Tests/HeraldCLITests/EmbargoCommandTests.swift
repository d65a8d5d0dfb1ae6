import Foundation
import HeraldTesting
import Testing

/// End-to-end: an embargo as the press means it. Vetted journalists (a list that takes
/// embargoed copies) get the release now, marked; everyone else when the embargo lifts,
/// held in the Outbox until then and shown as scheduled. Through Herald's capture sink.
struct EmbargoCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
    #expect(try HeraldProcess.run(["lists", "create", "press-en"], in: root).status == 0)
    #expect(try HeraldProcess.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root).status == 0)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  /// Puts `embargo:` (written as Berlin's offset then, +01:00 in winter: the workspace's
  /// zone is Europe/Berlin) and both lists in the sample release's front matter.
  func embargo(at time: Date, lists: String = "[press-en, press-vetted]") throws {
    let file = root.appendingPathComponent("Releases/2020-03-31-water-report.md")
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(secondsFromGMT: TimeZone(identifier: "Europe/Berlin")!.secondsFromGMT(for: time))
    let text = try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(of: "\ntitle:", with: "\nembargo: \(formatter.string(from: time))\ntitle:")
      .replacingOccurrences(of: "lists: [press-en]", with: "lists: \(lists)")
    try text.write(to: file, atomically: true, encoding: .utf8)
  }

  /// A list of vetted journalists that takes embargoed copies: one also on press-en, one
  /// who reads in New York, one without a zone of their own.
  func makeVettedList() throws {
    let made = try herald("lists", "create", "press-vetted", "--embargoed-copies")
    #expect(made.status == 0 && made.stdout.contains("takes embargoed copies"), "\(made.stdout)\(made.stderr)")
    let csv = """
      email,name,organization,time_zone
      anna.schmidt@example.org,Anna Schmidt,Example Daily,
      nora.ny@example.com,Nora York,The Example Post,America/New_York
      vera.vetted@example.net,Vera Vetted,Example Radio,

      """
    try csv.write(to: root.appendingPathComponent("Lists/vetted.csv"), atomically: true, encoding: .utf8)
    #expect(try herald("lists", "import", "press-vetted", "Lists/vetted.csv").status == 0)
  }

  @Test func listsSayWhetherTheyTakeEmbargoedCopiesOffByDefault() throws {
    let json = try JSONSerialization.jsonObject(with: Data(try herald("lists", "--json").stdout.utf8)) as! [[String: Any]]
    #expect(json.first?["embargoed_copies"] as? Bool == false)
    let on = try herald("lists", "update", "press-en", "--embargoed-copies", "--json")
    #expect((try JSONSerialization.jsonObject(with: Data(on.stdout.utf8)) as? [String: Any])?["embargoed_copies"] as? Bool == true, "\(on.stdout)\(on.stderr)")
    let off = try herald("lists", "update", "press-en", "--no-embargoed-copies")
    #expect(off.status == 0 && !off.stdout.contains("embargoed"), "\(off.stdout)")
  }

  @Test func anEmbargoedSendGoesNowToVettedListsAndIsScheduledForTheRestAtTheLift() throws {
    try makeVettedList()
    let lift = Date().addingTimeInterval(2 * 86_400)
    try embargo(at: lift)
    let maildir = root.appendingPathComponent("captured")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path, "--quiet"], in: root)
    defer { sink.stop() }
    let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")

    let sent = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
    #expect(sent.stdout.contains("3 embargoed copies now (press-vetted), 7 at the lift (press-en)"), "\(sent.stdout)")
    #expect(sent.stdout.contains("7 are scheduled for the lift"), "\(sent.stdout)")
    #expect(sent.stdout.contains("Sent 3, deferred 0"), "\(sent.stdout)")

    // Only the vetted journalists got it, each once (Anna is on both lists), marked.
    let envelopes = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.sorted()
    var recipients: [String: InspectedMessage] = [:]
    for name in envelopes {
      let message = try inspectMessage(Array(try Data(contentsOf: maildir.appendingPathComponent(name))))
      recipients[message.addresses?["To"]?.first?.addrSpec ?? ""] = message
    }
    #expect(Set(recipients.keys) == ["anna.schmidt@example.org", "nora.ny@example.com", "vera.vetted@example.net"])
    for (address, message) in recipients {
      let subject = message.header("Subject").first ?? ""
      let text = message.parts.first { $0.contentType == "text/plain" }?.content ?? ""
      let html = message.parts.first { $0.contentType == "text/html" }?.content ?? ""
      #expect(subject.hasPrefix("EMBARGOED until ") && subject.hasSuffix(": New study: cities lose a third of their drinking water to leaks"), "\(subject)")
      #expect(text.hasPrefix("*** EMBARGOED UNTIL "), "\(address): \(text.prefix(200))")
      #expect(html.contains("<strong>EMBARGOED UNTIL "), "\(address)")
      // The reader's zone when known, else the workspace's (Europe/Berlin), always named.
      let zones = address == "nora.ny@example.com" ? [" EST: ", " EDT: "] : [" CET: ", " CEST: "]
      #expect(zones.contains { subject.contains($0) }, "\(address): \(subject)")
    }

    // The rest waits in the Outbox for the lift, shown as scheduled.
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    #expect((outbox["states"] as! [String: Int])["deferred"] == 7)
    let scheduled = try #require((outbox["scheduled"] as? [[String: Any]])?.first, "\(outbox)")
    #expect((scheduled["campaign"] as? String)?.hasPrefix("2020-03-31-water-report-") == true)
    #expect(scheduled["count"] as? Int == 7)
    let at = try #require((scheduled["at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
    #expect(abs(at.timeIntervalSince(lift)) < 1)
    #expect(try herald("outbox").stdout.contains("Scheduled: 7 of 2020-03-31-water-report-"))
    let report = try herald("report", "Releases/2020-03-31-water-report.md")
    #expect(report.stdout.contains("Scheduled           7"), "\(report.stdout)")
    let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/reports").path)
    let text = try String(contentsOf: root.appendingPathComponent("Outbox/reports/\(try #require(reports.first { $0.hasSuffix(".txt") }))"), encoding: .utf8)
    #expect(text.contains("Scheduled 7"), "\(text)")

    // A deliver before the lift sends nothing; sending again reaches no one new.
    let early = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(port)", "--json")
    #expect(early.stdout.contains("\"sent\" : 0"), "\(early.stdout)")
    let again = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(again.status != 0 && again.stderr.contains("already received"), "\(again.stderr)")

    // At the lift (made due now rather than waited for) the others get the release unmarked.
    #expect(try herald("outbox", "retry", "--all").status == 0)
    let lifted = try herald("deliver", "--smtp", "smtp://127.0.0.1:\(port)", "--json")
    #expect(lifted.stdout.contains("\"sent\" : 7"), "\(lifted.stdout)")
    let all = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }
    #expect(all.count == 10)
    var russian = 0
    for name in all where !envelopes.contains(name) {
      let message = try inspectMessage(Array(try Data(contentsOf: maildir.appendingPathComponent(name))))
      // Dmitri reads Russian: he gets the sample's translation, under the same embargo.
      if message.header("Content-Language") == ["ru"] {
        russian += 1
        #expect(message.header("Subject").first == "Новое исследование: города теряют треть питьевой воды из-за утечек")
        continue
      }
      #expect(message.header("Subject").first == "New study: cities lose a third of their drinking water to leaks")
      let text = message.parts.first?.content ?? ""
      #expect(text.hasPrefix("Institute for Example Studies") && !text.contains("EMBARGOED"))
    }
    #expect(russian == 1)
  }

  @Test func checkShowsTheEmbargoInTheWorkspacesZoneAndWarnsWhenItIsClose() throws {
    try embargo(at: Date().addingTimeInterval(1800), lists: "[press-en]")
    let soon = try herald("check", "Releases/2020-03-31-water-report.md")
    #expect(soon.stdout.contains("note: under embargo until ") && soon.stdout.contains(" CE"), "\(soon.stdout)")
    #expect(soon.stdout.contains("warning: the embargo lifts in 29 minutes") || soon.stdout.contains("warning: the embargo lifts in 30 minutes"), "\(soon.stdout)")
  }

  @Test func aReleaseWhoseEmbargoHasPassedIsWarnedAbout() throws {
    try embargo(at: Date().addingTimeInterval(-86_400), lists: "[press-en]")
    let check = try herald("check", "Releases/2020-03-31-water-report.md")
    #expect(check.stdout.contains("warning: the embargo lifted at ") && check.stdout.contains("in the past"), "\(check.stdout)")
  }

  @Test func withoutAVettedListEveryoneIsScheduledForTheLiftAndNoRelayIsNeeded() throws {
    let lift = Date().addingTimeInterval(86_400)
    try embargo(at: lift, lists: "[press-en]")
    let sent = try herald("send", "Releases/2020-03-31-water-report.md", "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stdout.contains("No embargoed copies") && sent.stdout.contains("8 are scheduled for the lift"), "\(sent.stdout)")
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    #expect((outbox["states"] as! [String: Int])["deferred"] == 8)
  }
}
