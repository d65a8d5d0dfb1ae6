import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// The sample release's file in Releases/.
let sampleFile = "2020-03-31-water-report.md"
let sampleTitle = "Cities lose a third of their drinking water to leaks, new study finds"

extension DeskFixture {
  /// Adds `count` subscribers (reader0@example.com …) to `list`, made when missing.
  func addReaders(_ count: Int, list: String = "press-en", from first: Int = 0, domain: String = "example.com") throws {
    if (try mailroom.store.lists()).allSatisfy({ $0.name != list }) { try mailroom.store.createList(name: list) }
    for index in first..<(first + count) {
      try mailroom.store.addSubscriber(email: "reader\(index)@\(domain)", name: "Reader \(index)", list: list, source: .commandLine("test"))
    }
  }

  /// Every message of every state in the Outbox.
  func outboxMessages() throws -> [Outbox.Entry] {
    try mailroom.outbox.envelopes(in: Outbox.State.allCases)
  }

  /// Waits (a bounded number of short polls) until the desk's send of `campaign` has ended
  /// writing the Outbox (or, with `stopped`, was stopped by the test's hook), and returns it.
  func finishedSend(_ campaign: CampaignID, desk: DeskServer? = nil, stopped: Bool = true) async throws -> DeskSend {
    let desk = desk ?? self.desk
    for _ in 0..<800 {
      if let send = try desk.mailroom.store.deskSend(campaign: campaign) {
        if !send.state.isUnfinished || (stopped && !desk.sends.isRunning(send.id)) { return send }
      }
      try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("the send of \(campaign) did not end")
    return try #require(try desk.mailroom.store.deskSend(campaign: campaign))
  }

  /// Puts a field no subscriber has into the release's text: `herald check` finds an error.
  func breakRelease() throws {
    let release = workspace.releasesDirectory.appendingPathComponent(sampleFile)
    try (try String(contentsOf: release, encoding: .utf8))
      .replacingOccurrences(of: "\nMunicipal water networks", with: "\nOn {{subscriber.beet}}: news.\n\nMunicipal water networks")
      .write(to: release, atomically: true, encoding: .utf8)
  }

  /// Delivers everything due in the Outbox to `sink`, as serve's delivery service does.
  func deliver(to sink: CaptureSink) async throws -> Deliverer.Report {
    let session = mailroom.deliverySession(relay: try mailroom.relay(override: "smtp://127.0.0.1:\(sink.port)"))
    return try await BlockingWork.runOnThread(named: "test-deliver") { session.run() }
  }
}

extension TestClientProtocol {
  /// The send page's options posted for review: the confirmation page.
  func review(_ browser: Browser, _ fields: [(String, String)] = [("list", "press-en"), ("when", "now")], file: String = sampleFile) async throws
    -> TestResponse
  {
    try await post("/releases/\(file)/send", browser, fields)
  }

  /// Confirms what a confirmation page carries (its hidden fields, the digest among them).
  func confirm(_ browser: Browser, _ confirmation: TestResponse, file: String = sampleFile) async throws -> TestResponse {
    try await post("/releases/\(file)/send/confirm", browser, hiddenFields(confirmation.text))
  }
}

/// The hidden fields of a page's form, but the form token (the browser adds its own).
func hiddenFields(_ html: String) -> [(String, String)] {
  html.matches(of: /<input type="hidden" name="([^"]+)" value="([^"]*)">/).compactMap { match in
    let name = String(match.1)
    guard name != "csrf" else { return nil }
    let value = String(match.2).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
      .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    return (name, value)
  }
}

/// The campaign a redirect after a confirmed send names.
func campaign(of response: TestResponse) throws -> CampaignID {
  let location = try #require(response.headers[.location], "no redirect: \(response.status) \(response.text)")
  #expect(location.hasPrefix("/campaigns/"))
  return try #require(CampaignID(String(location.dropFirst("/campaigns/".count))))
}

struct DeskSendTests {
  // MARK: Roles and forms

  @Test(arguments: [DeskRole.viewer, .editor])
  func viewersAndEditorsAreRefusedEverySendRouteAndNothingIsWritten(role: DeskRole) async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(3)
    try await fixture.test { client in
      // A sender's confirmation, to replay with the lower role's session.
      let sender = try await client.signIn("sender@example.org")
      let fields = hiddenFields(try await client.review(sender).text)
      let browser = try await client.signIn("\(role)@example.org")
      let page = try await client.execute(uri: "/releases/\(sampleFile)/send", method: .get, headers: browser.headers())
      #expect(page.status == .forbidden)
      for (path, form) in [("send", [("list", "press-en"), ("when", "now")]), ("send/confirm", fields), ("send/test", [])] {
        let response = try await client.post("/releases/\(sampleFile)/\(path)", browser, form)
        #expect(response.status == .forbidden, "\(role) POST \(path)")
      }
      // The release's overview offers no sending to them.
      let overview = try await client.execute(uri: "/releases/\(sampleFile)", method: .get, headers: browser.headers())
      #expect(!overview.text.contains("/releases/\(sampleFile)/send"))
    }
    #expect(try fixture.outboxMessages().isEmpty)
    #expect(try fixture.mailroom.store.deskSends().isEmpty)
  }

  @Test(arguments: DeskRole.allCases)
  func theSendPageIsForSendersAndACampaignsPageForEveryone(role: DeskRole) async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(2)
    try await fixture.test { client in
      let sender = try await client.signIn("sender@example.org")
      let id = try campaign(of: try await client.confirm(sender, try await client.review(sender)))
      _ = try await fixture.finishedSend(id)
      let browser = try await client.signIn("\(role)@example.org")
      let plan = try await client.execute(uri: "/releases/\(sampleFile)/send", method: .get, headers: browser.headers())
      #expect(plan.status == (role.allows(.sender) ? .ok : .forbidden), "\(role)")
      let page = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: browser.headers())
      #expect(page.status == .ok, "\(role)")
      #expect(page.text.contains("<dt>In the Outbox</dt><dd>2 of 2</dd>"))
    }
  }

  @Test func everySendPostWantsTheSessionsFormTokenAndTheDesksOwnPage() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(3)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let other = try await client.signIn("admin@example.org")
      let fields = hiddenFields(try await client.review(browser).text)
      for path in ["send", "send/confirm", "send/test"] {
        for token in ["", other.csrf, "A" + browser.csrf.dropFirst()] {
          let response = try await client.post("/releases/\(sampleFile)/\(path)", browser, fields, csrf: token)
          #expect(response.status == .forbidden, "\(path) with token “\(token)”")
        }
        let crossSite = try await client.post(
          "/releases/\(sampleFile)/\(path)", browser, fields, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
        #expect(crossSite.status == .forbidden, "\(path) cross-site")
      }
    }
    #expect(try fixture.outboxMessages().isEmpty)
    #expect(try fixture.mailroom.store.deskSends().isEmpty)
  }

  // MARK: The plan and the confirmation

  @Test func thePlanShowsEachListWithWhoItLeavesOutAndWhy() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(6)
    try fixture.addReaders(1, from: 6, domain: "blocked.example.org")
    let store = fixture.mailroom.store
    _ = try store.unsubscribe(email: "reader0@example.com", list: "press-en", source: .commandLine("test"))
    _ = try store.setStatus(.bounced, email: "reader1@example.com", list: "press-en", source: .commandLine("test"))
    try store.suppress("reader2@example.com", reason: "asked by phone")
    try store.suppress("@blocked.example.org", reason: "the domain's owner asked")
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let page = try await client.execute(uri: "/releases/\(sampleFile)/send", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      // 7 members: 1 unsubscribed, 1 bounced, 1 address and 1 domain suppressed; 3 get it.
      #expect(text.contains("<th scope=\"row\">press-en</th><td>3</td><td>5</td><td>1</td><td>1</td><td>0</td><td>1</td><td>1</td>"), "\(text)")
      #expect(text.contains("<dt>Recipients</dt><dd><strong>3</strong>"))
      #expect(text.contains("<dt>Blocked (address or domain)</dt><dd>2</dd>"))
      #expect(text.contains("English (en), Русский (ru)"))
      #expect(text.contains("Waits in the Outbox for herald deliver"))
      #expect(text.contains("None: messages go out unsigned"))
      #expect(text.contains("<input type=\"checkbox\" id=\"list-press-en\" name=\"list\" value=\"press-en\" checked>"))
      #expect(text.contains("<label for=\"at\">"))
    }
  }

  @Test func theConfirmationNamesTheNumberOfRecipientsAndSendsNothingYet() async throws {
    let fixture = try DeskFixture(now: Date(), delivery: "smtp://127.0.0.1:2525")
    try fixture.addReaders(1_234)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let confirmation = try await client.review(browser)
      #expect(confirmation.status == .ok)
      #expect(confirmation.text.contains("Send “\(sampleTitle)” to 1,234 recipients now?"), "\(confirmation.text)")
      #expect(confirmation.text.contains("Delivered by this server through smtp://127.0.0.1:2525."))
      #expect(hiddenFields(confirmation.text).contains { $0.0 == "digest" && $0.1.count == 64 })
    }
    #expect(try fixture.outboxMessages().isEmpty)
  }

  @Test func aPlanThatChangedIsConfirmedAgainAndNothingIsSent() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(3)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let confirmation = try await client.review(browser)
      #expect(confirmation.text.contains("to 3 recipients now?"))
      // The audience changes before the confirmation comes back.
      try fixture.addReaders(1, from: 3)
      let again = try await client.confirm(browser, confirmation)
      #expect(again.status == .ok)
      #expect(again.text.contains("The plan changed since it was shown"))
      #expect(again.text.contains("to 4 recipients now?"))
      // The release is edited: its new confirmation is asked for too.
      let release = fixture.workspace.releasesDirectory.appendingPathComponent(sampleFile)
      try (try String(contentsOf: release, encoding: .utf8) + "\nOne more sentence.\n").write(to: release, atomically: true, encoding: .utf8)
      let edited = try await client.confirm(browser, again)
      #expect(edited.text.contains("The plan changed since it was shown"))
      #expect(try fixture.outboxMessages().isEmpty)
      #expect(try fixture.mailroom.store.deskSends().isEmpty)
      // Confirmed as it now is, it goes.
      let sent = try await client.confirm(browser, edited)
      #expect(sent.status == .seeOther)
      _ = try await fixture.finishedSend(try campaign(of: sent))
    }
    #expect(try fixture.outboxMessages().count == 4)
  }

  @Test func aReleaseWithErrorsShowsThemWithTheCheckAndNoSendForm() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(2)
    try fixture.breakRelease()
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let page = try await client.execute(uri: "/releases/\(sampleFile)/send", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("The release has errors"))
      #expect(page.text.contains("href=\"/releases/\(sampleFile)/check\""))
      #expect(!page.text.contains("action=\"/releases/\(sampleFile)/send\""))
      let review = try await client.review(browser)
      #expect(review.status == .unprocessableContent)
    }
    #expect(try fixture.outboxMessages().isEmpty)
  }

  // MARK: Sending

  @Test func sendNowReachesTheCaptureSinkAndTheResultPageShowsIt() async throws {
    let sink = try CaptureSink(port: 0, maildir: FileManager.default.temporaryDirectory.appendingPathComponent("herald-sink-\(UUID().uuidString)"))
    Thread { sink.run() }.start()
    defer { sink.stop() }
    let fixture = try DeskFixture(now: Date(), delivery: "smtp://127.0.0.1:\(sink.port)")
    try fixture.addReaders(5)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let sent = try await client.confirm(browser, try await client.review(browser))
      #expect(sent.status == .seeOther)
      let id = try campaign(of: sent)
      let send = try await fixture.finishedSend(id)
      #expect(send.state == .enqueued && send.enqueued == 5)
      // While it waits to go, the page refreshes itself.
      let waiting = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: browser.headers())
      #expect(waiting.text.contains("data-refresh=\"2\""))
      #expect(!waiting.text.contains("http-equiv=\"refresh\""))
      #expect(waiting.text.contains("<progress id=\"progress\" max=\"5\" value=\"0\">"))
      let report = try await fixture.deliver(to: sink)
      #expect(report.sent == 5)
      // A viewer reads the result.
      let viewer = try await client.signIn("viewer@example.org")
      let result = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: viewer.headers())
      #expect(result.status == .ok)
      #expect(result.text.contains("Finished"))
      #expect(result.text.contains("<progress id=\"progress\" max=\"5\" value=\"5\">"))
      #expect(result.text.contains("<dt>Sent</dt><dd>5</dd>"))
      #expect(!result.text.contains("data-refresh"))
      // A second confirmation of the same release sends nothing more: they all have it.
      let again = try await client.review(browser)
      #expect(again.status == .unprocessableContent)
      #expect(again.text.contains("Everyone already received this release"))
    }
    #expect(sink.storedCount == 5)
  }

  @Test func deferralsAndFailuresAreGroupedByReasonOnTheResultPage() async throws {
    var faults = CaptureSink.Faults()
    faults.rejectPattern = "@gone.example.org"
    let sink = try CaptureSink(
      port: 0, maildir: FileManager.default.temporaryDirectory.appendingPathComponent("herald-sink-\(UUID().uuidString)"), faults: faults)
    Thread { sink.run() }.start()
    defer { sink.stop() }
    let fixture = try DeskFixture(now: Date(), delivery: "smtp://127.0.0.1:\(sink.port)")
    try fixture.addReaders(2)
    try fixture.addReaders(3, from: 2, domain: "gone.example.org")
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let id = try campaign(of: try await client.confirm(browser, try await client.review(browser)))
      _ = try await fixture.finishedSend(id)
      _ = try await fixture.deliver(to: sink)
      let result = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: browser.headers())
      #expect(result.text.contains("<dt>Failed</dt><dd>3</dd>"), "\(result.text)")
      #expect(result.text.contains("Failed, by reason"))
      // Three replies that differ only in the address are one reason.
      #expect(result.text.matches(of: /<li>[^<]*: 3<\/li>/).count == 1, "\(result.text)")
    }
  }

  @Test func aScheduledSendWaitsInTheOutboxForItsTime() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(3)
    let zone = fixture.mailroom.configuration.compose.timeZone
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
    let time = formatter.date(from: formatter.string(from: fixture.clock.now.addingTimeInterval(2 * 86_400)))!
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let confirmation = try await client.review(browser, [("list", "press-en"), ("when", "schedule"), ("at", formatter.string(from: time))])
      #expect(confirmation.status == .ok, "\(confirmation.text)")
      #expect(confirmation.text.contains("to 3 recipients at "))
      let id = try campaign(of: try await client.confirm(browser, confirmation))
      let send = try await fixture.finishedSend(id)
      #expect(send.state == .enqueued && send.sendAt == time)
      let page = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: browser.headers())
      #expect(page.text.contains("Scheduled"))
      let releases = try await client.execute(uri: "/", method: .get, headers: browser.headers())
      #expect(releases.text.contains("Scheduled for "))
    }
    // In deferred/, for their time; nothing is due now.
    let messages = try fixture.outboxMessages()
    #expect(messages.count == 3 && messages.allSatisfy { $0.state == .deferred && $0.message.created == time })
    #expect(try fixture.mailroom.outbox.claim(limit: 10, now: fixture.clock.now).isEmpty)
  }

  @Test func aCorrectionGoesToTheOriginalRecipientsOnly() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(4)
    let store = fixture.mailroom.store
    // An earlier campaign reached reader0 and reader1; reader2 and reader3 joined since.
    let original: CampaignID = "2020-03-31-water-report-1700000000"
    var reached: [SubscriberStore.DeliveryRecord] = []
    try store.forEachRecipient(.lists(["press-en"])) { recipient in
      if ["reader0@example.com", "reader1@example.com"].contains(recipient.subscriber.email) {
        reached.append(.init(subscriber: recipient.subscriber.id, campaign: original, list: "press-en", outcome: .sent, reply: "250 Ok"))
      }
    }
    try store.recordDeliveries(reached)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let page = try await client.execute(uri: "/releases/\(sampleFile)/send", method: .get, headers: browser.headers())
      #expect(page.text.contains("<option value=\"\(original)\">\(original)</option>"))
      let confirmation = try await client.review(browser, [("when", "now"), ("correction", original.rawValue)])
      #expect(confirmation.text.contains("to 2 recipients now?"), "\(confirmation.text)")
      let id = try campaign(of: try await client.confirm(browser, confirmation))
      #expect(id.isCorrection)
      _ = try await fixture.finishedSend(id)
    }
    #expect(Set(try fixture.outboxMessages().map(\.message.recipient)) == ["reader0@example.com", "reader1@example.com"])
  }

  @Test func aTestCopyGoesToTheSendersOwnAddressAndIsNoDelivery() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(2)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let response = try await client.post("/releases/\(sampleFile)/send/test", browser, [])
      #expect(response.status == .ok)
      #expect(response.text.contains("A test copy to sender@example.org waits in the Outbox for herald deliver."))
    }
    let messages = try fixture.outboxMessages()
    #expect(messages.count == 1)
    #expect(messages.first?.message.recipient == "sender@example.org")
    #expect(messages.first?.message.campaign.kind == .testCopy)
    #expect(messages.first?.message.subscriber == nil)
    #expect(try fixture.mailroom.store.deskSends().isEmpty)
  }

  // MARK: A restart

  @Test func aSendStoppedWhileEnqueueingIsResumedWhenTheDeskStartsAgainWithNoDuplicates() async throws {
    let sinkFolder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sink-\(UUID().uuidString)")
    let received = Shared<[String: Int]>([:])
    let sink = try CaptureSink(port: 0, maildir: sinkFolder) { captured in
      received.withLock { for address in captured.recipients { $0[address, default: 0] += 1 } }
    }
    Thread { sink.run() }.start()
    defer { sink.stop() }
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(250)
    // The first desk stops writing after 150 recipients: its first batch (100) is in the Outbox.
    fixture.desk.sends.stopAfter.withLock { $0 = 150 }
    let id = try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let id = try campaign(of: try await client.confirm(browser, try await client.review(browser)))
      let stopped = try await fixture.finishedSend(id)
      #expect(stopped.state == .enqueueing)
      // The releases page says it is being sent; a second confirmation shows the running one.
      let releases = try await client.execute(uri: "/", method: .get, headers: browser.headers())
      #expect(releases.text.contains("Sending…"))
      let second = try await client.confirm(browser, try await client.review(browser))
      #expect(second.headers[.location] == "/campaigns/\(id)")
      return id
    }
    let written = try fixture.outboxMessages()
    #expect(written.count == 100, "\(written.count)")
    // Some of them go before the restart.
    _ = try await fixture.deliver(to: sink)
    #expect(sink.storedCount == 100)
    // The desk starts again on the same workspace: it resumes the send.
    let restarted = try DeskFixture(reopening: fixture)
    try await restarted.test { client in
      let send = try await restarted.finishedSend(id, desk: restarted.desk, stopped: false)
      #expect(send.state == .enqueued)
      #expect(send.enqueued == 250)
    }
    _ = try await restarted.deliver(to: sink)
    let counts = received.value
    #expect(counts.count == 250)
    #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    #expect(Set(try restarted.outboxMessages().map(\.message.campaign)) == [id])
  }

  @Test func aSendThatCannotBeResumedIsMarkedFailedWithItsReason() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(250)
    fixture.desk.sends.stopAfter.withLock { $0 = 150 }
    let id = try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      let id = try campaign(of: try await client.confirm(browser, try await client.review(browser)))
      _ = try await fixture.finishedSend(id)
      return id
    }
    // While the desk was stopped, the release was broken.
    try fixture.breakRelease()
    let restarted = try DeskFixture(reopening: fixture)
    try await restarted.test { client in
      let send = try await restarted.finishedSend(id, desk: restarted.desk, stopped: false)
      #expect(send.state == .failed)
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/campaigns/\(id)", method: .get, headers: browser.headers())
      #expect(page.text.contains("could not be resumed"), "\(page.text)")
      #expect(page.text.contains("Stopped"))
    }
    #expect(try restarted.outboxMessages().count == 100)
  }

  // MARK: Hostile input

  static let hostileOptions: [(fields: [(String, String)], field: String)] = [
    ([("list", "press-en"), ("when", "schedule"), ("at", "2026-13-45T99:99")], "at-error"),
    ([("list", "press-en"), ("when", "schedule"), ("at", "<script>alert(1)</script>")], "at-error"),
    ([("list", "press-en"), ("when", "schedule"), ("at", "2001-01-01T09:00")], "at-error"),
    ([("list", "press-en"), ("when", "schedule"), ("at", "2999-01-01T09:00")], "at-error"),
    ([("list", "press-en"), ("when", "schedule"), ("at", String(repeating: "9", count: 5000))], "at-error"),
    ([("list", "press-en"), ("when", "later")], "at-error"),
    ([("list", "no-such-list"), ("when", "now")], "lists-error"),
    ([("list", "../../herald.yml"), ("when", "now")], "lists-error"),
    ([("list", "press-en\u{202E}"), ("list", "x' OR 1=1 --"), ("when", "now")], "lists-error"),
    ([("when", "now")], "lists-error"),
    ([("when", "now"), ("correction", "nonsense")], "correction-error"),
    ([("when", "now"), ("correction", "../../etc/passwd")], "correction-error"),
    ([("when", "now"), ("correction", "another-release-1700000000")], "correction-error"),
    ([("when", "now"), ("correction", "2020-03-31-water-report-1")], "correction-error"),
  ]

  @Test func hostileOptionsAreRefusedBesideTheirFieldAndNothingIsSent() async throws {
    let fixture = try DeskFixture(now: Date())
    try fixture.addReaders(2)
    try await fixture.test { client in
      let browser = try await client.signIn("sender@example.org")
      for (fields, field) in Self.hostileOptions {
        for path in ["send", "send/confirm"] {
          let response = try await client.post("/releases/\(sampleFile)/\(path)", browser, fields + [("digest", "0")])
          #expect(response.status == .unprocessableContent, "\(path) \(fields)")
          #expect(response.text.contains("id=\"\(field)\""), "\(path) \(fields)")
          #expect(!response.text.contains("<script>alert(1)"))
        }
      }
      // Addresses that name no release or campaign are not found, whoever asks.
      for uri in [
        "/releases/..%2Fherald.yml/send", "/releases/%2Fetc%2Fpasswd/send", "/releases/nothing.md/send", "/releases/.hidden.md/send",
        "/campaigns/..%2F..%2Fetc", "/campaigns/%00", "/campaigns/2020-03-31-water-report-1", "/campaigns/_test-copy-1",
        "/campaigns/\(String(repeating: "a", count: 300))",
      ] {
        let response = try await client.execute(uri: uri, method: .get, headers: browser.headers())
        #expect(response.status == .notFound, "\(uri)")
      }
      let digest = try await client.post("/releases/\(sampleFile)/send/confirm", browser, [("list", "press-en"), ("when", "now"), ("digest", "<x>")])
      #expect(digest.status == .ok && digest.text.contains("The plan changed"))
    }
    #expect(try fixture.outboxMessages().isEmpty)
    #expect(try fixture.mailroom.store.deskSends().isEmpty)
  }
}
