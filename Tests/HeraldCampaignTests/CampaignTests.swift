import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import Testing

/// A fresh workspace with the sample release and a list press-en of readers.
struct CampaignFixture {
  let workspace: Workspace
  /// The sample release, by its full path (a relative one would be read from the current folder first).
  var release: String { workspace.root.appendingPathComponent(WorkspaceDefaults.sampleReleasePath).path }

  init(readers: Int = 5) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-campaign-\(UUID().uuidString)")
    workspace = Workspace(root: root)
    try workspace.initialize()
    let store = try workspace.openStore()
    try store.createList(name: "press-en")
    for index in 0..<readers {
      try store.addSubscriber(email: "reader\(index)@example.com", name: "Reader \(index)", list: "press-en", source: .commandLine("test"))
    }
  }

  func mailroom() throws -> Mailroom { try Mailroom(workspace: workspace) }

  /// Appends to herald.yml.
  func configure(_ text: String) throws {
    let handle = try FileHandle(forWritingTo: workspace.configurationFile)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  }

  /// Rewrites the sample release's front matter.
  func editRelease(_ edit: (String) -> String) throws {
    let file = URL(fileURLWithPath: release)
    try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
  }
}

struct CampaignPlanTests {
  let fixture: CampaignFixture

  init() throws { fixture = try CampaignFixture() }

  @Test func unsubscribesLeftInTheJournalByAStoppedServerAreRecordedBeforeASendPlansItsRecipients() async throws {
    // A server took the unsubscribe while the store was busy and stopped before recording it.
    let server = try fixture.mailroom()
    let id = try #require(try server.store.subscriber(address: "reader3@example.com")).id
    try await server.store.unsubscribes.append(
      .init(subscriber: id, list: "press-en", source: ConsentSource(.unsubscribeLink, detail: "one-click, 192.0.2.1, Test/1.0"), at: Date()))
    let sender = try fixture.mailroom()
    let plan = try sender.plan(CampaignRequest(release: fixture.release), now: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(plan.recipients == 4, "reader3 unsubscribed")
    #expect(try sender.store.profile(email: "reader3@example.com").memberships.first?.status == .unsubscribed)
    #expect(!sender.store.unsubscribes.hasPending)
  }

  @Test func aPlanCountsWhoGetsItAndWhoIsLeftOutWithoutWritingAnything() throws {
    let mailroom = try fixture.mailroom()
    try mailroom.store.suppress("reader1@example.com", reason: "test")
    var received: [SubscriberID] = []
    try mailroom.store.forEachRecipient(.lists(["press-en"])) { if $0.subscriber.email == "reader2@example.com" { received.append($0.subscriber.id) } }
    try mailroom.store.recordDeliveries([.init(subscriber: received[0], campaign: "2020-03-31-water-report-1", list: "press-en", outcome: .sent, reply: "250 Ok")])
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release), now: now)
    #expect(plan.campaign == "2020-03-31-water-report-1800000000")
    #expect(plan.recipients == 3 && plan.suppressed == 1 && plan.alreadyReceived == 1 && plan.inOutbox == 0)
    #expect(plan.lists == ["press-en"] && plan.audience == .lists(["press-en"]))
    #expect(plan.date == now && !plan.scheduled)
    #expect(plan.sender == "press@example.org")
    #expect(plan.signers.isEmpty && plan.sendingWarnings.contains { $0.contains("without a DKIM signature") })
    #expect(plan.nothingToSend == nil)
    #expect(try mailroom.outbox.counts().total == 0, "planning writes nothing")
    var again = CampaignRequest(release: fixture.release)
    again.again = true
    #expect(try mailroom.plan(again, now: now).recipients == 4)
  }

  @Test func aSendScheduledAfterTheEmbargoIsAnOrdinaryScheduledSend() throws {
    let embargo = Date().addingTimeInterval(86_400)
    try fixture.editRelease { $0.replacingOccurrences(of: "\ntitle:", with: "\nembargo: \(ISO8601DateFormatter().string(from: embargo))\ntitle:") }
    let mailroom = try fixture.mailroom()
    var scheduled = CampaignRequest(release: fixture.release)
    scheduled.sendAt = embargo.addingTimeInterval(60)
    let plan = try mailroom.plan(scheduled)
    #expect(plan.scheduled && plan.embargo == nil && abs(plan.date.timeIntervalSince(embargo.addingTimeInterval(60))) < 1)
  }

  @Test func aCorrectionTakesNoListsAndWaitsUntilItsOriginalIsOut() async throws {
    let mailroom = try fixture.mailroom()
    let original = try await mailroom.send(try mailroom.plan(CampaignRequest(release: fixture.release)), session: nil)
    var correction = CampaignRequest(release: fixture.release)
    correction.correctionOf = original.campaign
    correction.lists = ["press-en"]
    #expect(throws: CampaignError.self) { try mailroom.plan(correction) }
    correction.lists = []
    let waiting = try #require(throws: CampaignError.self) { try mailroom.plan(correction) }
    #expect(waiting.code == .correctionWaiting && waiting.message.contains("5 message(s) waiting"))
    // Once delivered, the correction goes to exactly those the original reached.
    let relay = MemoryRelay()
    _ = mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: relay.transport).run()
    let plan = try mailroom.plan(correction)
    #expect(plan.recipients == 5 && plan.campaign.isCorrection && plan.correctionOf == original.campaign)
  }

  @Test func aReleaseWithErrorsIsRefusedWithItsProblems() throws {
    try fixture.editRelease { $0.replacingOccurrences(of: "lists: [press-en]", with: "lists: [Press EN]") }
    let error = try #require(throws: CampaignError.self) { try (try fixture.mailroom()).plan(CampaignRequest(release: fixture.release)) }
    #expect(error.code == .releaseHasErrors)
    #expect(error.diagnostics.contains { $0.severity == .error && $0.message.contains("Press EN") })
  }

  @Test func noListsIsARequestThatCannotBeSent() throws {
    try fixture.editRelease { $0.replacingOccurrences(of: "lists: [press-en]\n", with: "") }
    let error = try #require(throws: CampaignError.self) { try (try fixture.mailroom()).plan(CampaignRequest(release: fixture.release)) }
    #expect(error.code == .invalidRequest && error.message.contains("--list"))
  }
}

struct CampaignSendTests {
  let fixture: CampaignFixture

  init() throws { fixture = try CampaignFixture() }

  @Test func aSendWritesOneMessagePerRecipientDeliversThemAndRecordsEveryResult() async throws {
    let mailroom = try fixture.mailroom()
    let relay = MemoryRelay { recipient in
      switch recipient {
      case "reader1@example.com": return .reply(SMTPReply("550 5.1.1 <reader1@example.com>: Recipient address rejected: User unknown")!)
      case "reader2@example.com": return .reply(SMTPReply("451 4.3.0 Temporary lookup failure")!)
      case "reader3@example.com": return .reply(SMTPReply("554 5.7.1 Service unavailable; client host blocked")!)
      default: return .reply(SMTPReply("250 2.0.0 Ok")!)
      }
    }
    let session = mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: relay.transport)
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release))
    let result = try await mailroom.send(plan, session: session)
    #expect(result.enqueued == 5)
    let report = try #require(result.delivery)
    #expect(report.sent == 2 && report.deferred == 1 && report.failed == 2)
    #expect(Set(relay.tried) == Set((0..<5).map { "reader\($0)@example.com" }) && relay.tried.count == 5, "each once")
    #expect(relay.delivered.allSatisfy { $0.sender == "press@example.org" })
    // A mailbox that is gone is bounced and suppressed; a policy refusal blames the sender, not the reader.
    let gone = try mailroom.store.profile(email: "reader1@example.com")
    #expect(gone.memberships.first?.status == .bounced && gone.suppressed?.hasPrefix("hard bounce: 550 5.1.1") == true)
    #expect(gone.memberships.first?.source.kind == .bounce)
    let blocked = try mailroom.store.profile(email: "reader3@example.com")
    #expect(blocked.memberships.first?.status == .subscribed && blocked.suppressed == nil)
    #expect(try mailroom.store.profile(email: "reader2@example.com").memberships.first?.status == .subscribed)
    // Every attempt is in the log, under the campaign.
    #expect(try mailroom.store.deliveries(email: "reader0@example.com").map(\.outcome) == [.sent])
    #expect(try mailroom.store.deliveries(email: "reader2@example.com").map { $0.campaign } == [plan.campaign])
    // The report says why, grouped by reason.
    let text = try String(contentsOf: try #require(result.reportFile), encoding: .utf8)
    #expect(text.contains("Deferred, by reason:\n  451 4.3.0 Temporary lookup failure: 1"), "\(text)")
    #expect(text.contains("550 5.1.1 <…>: Recipient address rejected: User unknown: 1"), "\(text)")
    #expect(!FileManager.default.fileExists(atPath: mailroom.outbox.directory.appendingPathComponent("reports/\(plan.campaign).enqueueing").path))
    // Sending again skips those who have it (sent, or deferred in the Outbox) and the
    // bounced; the one refused for the sender's standing is tried again.
    let again = try mailroom.plan(CampaignRequest(release: fixture.release))
    #expect(again.recipients == 1 && again.inOutbox == 1 && again.alreadyReceived == 2, "\(again.recipients) \(again.inOutbox) \(again.alreadyReceived)")
  }

  @Test func withNoOneLeftSendingIsRefusedAndSaysWhy() async throws {
    let mailroom = try fixture.mailroom()
    _ = try await mailroom.send(try mailroom.plan(CampaignRequest(release: fixture.release)), session: nil)
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release))
    #expect(plan.recipients == 0 && plan.inOutbox == 5)
    let error = try await #require(throws: CampaignError.self) { try await mailroom.send(plan, session: nil) }
    #expect(error.code == .nothingToSend && error.message.contains("--again"))
  }

  @Test func everyMessageCarriesOneSignaturePerConfiguredKeyAndEachVerifies() async throws {
    var records: [String: String] = [:]
    for (selector, algorithm) in [("rsa2026", DKIMKey.Algorithm.rsa), ("ed2026", .ed25519)] {
      let key = try DKIMKey.generate(algorithm, bits: 2048)
      try FileManager.default.createDirectory(at: fixture.workspace.root.appendingPathComponent(".herald/dkim"), withIntermediateDirectories: true)
      try DurableFile.write(key.pemRepresentation, to: fixture.workspace.root.appendingPathComponent(".herald/dkim/\(selector).pem"), mode: 0o600)
      records["\(selector)._domainkey.example.org"] = key.dnsRecord
    }
    try fixture.configure("dkim:\n  - selector: rsa2026\n    key: .herald/dkim/rsa2026.pem\n  - selector: ed2026\n    key: .herald/dkim/ed2026.pem\n")
    let mailroom = try fixture.mailroom()
    #expect(mailroom.signers.map(\.selector) == ["rsa2026", "ed2026"])
    let relay = MemoryRelay()
    _ = try await mailroom.send(
      try mailroom.plan(CampaignRequest(release: fixture.release)),
      session: mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: relay.transport))
    #expect(relay.delivered.count == 5)
    for message in relay.delivered.prefix(2) {
      let verdicts = try PythonOracle.verifyEachDKIMSignature(message: message.bytes, records: records)
      #expect(verdicts.map(\.selector) == ["rsa2026", "ed2026"])
      #expect(verdicts.map(\.algorithm) == ["rsa-sha256", "ed25519-sha256"])
      #expect(verdicts.allSatisfy { $0.valid }, "\(verdicts.map { $0.log })")
    }
  }

  @Test func oneOffMailIsSignedAndWrittenToTheOutboxLikeACampaign() throws {
    let key = try DKIMKey.generate(.ed25519)
    try FileManager.default.createDirectory(at: fixture.workspace.root.appendingPathComponent(".herald/dkim"), withIntermediateDirectories: true)
    try DurableFile.write(key.pemRepresentation, to: fixture.workspace.root.appendingPathComponent(".herald/dkim/herald.pem"), mode: 0o600)
    try fixture.configure("dkim:\n  selector: herald\n  key: .herald/dkim/herald.pem\n")
    let mailroom = try fixture.mailroom()
    let notice = ComposedNotice(
      markdown: "Please confirm.", kind: .confirmation, from: Mailbox(address: "press@example.org"), to: Mailbox(address: "new@example.com"),
      subject: "Please confirm", settings: mailroom.configuration.compose, stamp: MessageStamp.now())
    let message = try mailroom.enqueue(notice.message, kind: .confirmation, subscriber: nil, at: Date())
    let queued = try mailroom.outbox.message(id: message.id).message
    #expect(String(decoding: queued.bytes.prefix(15), as: UTF8.self) == "DKIM-Signature:")
    // Named after its kind, never after a release.
    #expect(queued.campaign.kind == .confirmation && queued.campaign.release == nil)
    #expect(queued.recipient == "new@example.com" && queued.sender == "press@example.org")
    let verdict = try PythonOracle.verifyDKIM(message: queued.bytes, txtRecord: key.dnsRecord)
    #expect(verdict.valid, "\(verdict.log)")
  }
}

struct SendingRulesTests {
  static let base = "organization: \"Example\"\nfrom: \"Press <press@example.org>\"\nbase_url: \"https://news.example.org\"\npostal_address: \"1 Example Street\"\n"

  func warnings(_ yaml: String, from: String = "press@example.org") throws -> [String] {
    SendingRules.warnings(from: Mailbox(name: nil, address: from), configuration: try Configuration(yaml: yaml, file: "herald.yml"))
  }

  @Test func aConfigurationThatFollowsTheRulesHasNoWarnings() throws {
    #expect(try warnings(Self.base + "dkim:\n  selector: s\n  key: k.pem\n").isEmpty)
    // A key for a subdomain (or the parent) aligns in DMARC's relaxed mode.
    #expect(try warnings(Self.base + "dkim:\n  selector: s\n  key: k.pem\n  domain: mail.example.org\n").isEmpty)
  }

  @Test func eachBrokenRuleIsNamedWithWhatToDo() throws {
    #expect(try warnings(Self.base).first?.contains("herald dkim keygen") == true)
    let misaligned = try warnings(Self.base + "dkim:\n  selector: s\n  key: k.pem\n  domain: esp.example.net\n")
    #expect(misaligned.count == 1 && misaligned[0].contains("no DKIM key signs for example.org"), "\(misaligned)")
    let http = try warnings(Self.base.replacingOccurrences(of: "https://", with: "http://") + "dkim:\n  selector: s\n  key: k.pem\n")
    #expect(http.count == 1 && http[0].contains("is not https"))
    let noAddress = try warnings(Self.base.replacingOccurrences(of: "postal_address: \"1 Example Street\"\n", with: "") + "dkim:\n  selector: s\n  key: k.pem\n")
    #expect(noAddress.count == 1 && noAddress[0].contains("no postal_address"))
  }

  @Test(arguments: [
    ("example.org", "mail.example.org", true), ("news.example.org", "example.org", true), ("example.org", "example.net", false),
    ("a.example.co.uk", "b.example.co.uk", true), ("example.co.uk", "other.co.uk", false),
  ])
  func alignmentComparesOrganizationalDomains(_ a: String, _ b: String, _ aligned: Bool) {
    #expect(SendingRules.aligned(a, b) == aligned)
  }
}
