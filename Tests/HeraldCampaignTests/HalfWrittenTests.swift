import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldTesting
import Testing

/// What the store says about a release before it goes (`RecipientCheck`), and test copies.
struct RecipientCheckTests {
  let fixture: CampaignFixture

  init() throws { fixture = try CampaignFixture() }

  func diagnostics() throws -> [Diagnostic] {
    let mailroom = try fixture.mailroom()
    let release = try Release(contentsOf: fixture.release)
    return try RecipientCheck.diagnostics(for: release, store: mailroom.store)
  }

  /// Puts a line at the start of the sample release's text.
  func personalise(_ line: String) throws {
    try fixture.editRelease { $0.replacingOccurrences(of: "\nMunicipal water networks", with: "\n\(line)\n\nMunicipal water networks") }
  }

  @Test func aListInListsThatDoesNotExistIsAnError() throws {
    try fixture.editRelease { $0.replacingOccurrences(of: "lists: [press-en]", with: "lists: [press-en, press-eng]") }
    let errors = try diagnostics().filter { $0.severity == .error }
    #expect(errors.count == 1)
    #expect(errors.first?.message.contains("the list “press-eng” in “lists:” does not exist") == true, "\(errors)")
    #expect(errors.first?.line != nil)
  }

  @Test func aFieldNoSubscriberHasIsAnErrorThatNamesTheNearestOne() throws {
    try (try fixture.mailroom()).store.addSubscriber(
      email: "beat@example.com", name: "Beat Reader", attributes: ["beat": "water"], list: "press-en", source: .commandLine("test"))
    try personalise("On {{subscriber.beet}}: news.")
    let error = try #require(try diagnostics().first { $0.severity == .error })
    #expect(error.message.contains("“beet”") && error.message.contains("did you mean “beat”?"), "\(error.message)")
    // A field some subscriber has is no error.
    try fixture.editRelease { $0.replacingOccurrences(of: "subscriber.beet", with: "subscriber.beat") }
    #expect(try diagnostics().allSatisfy { $0.severity != .error })
  }

  @Test func anEmptyPersonalFieldIsWarnedWithHowManyRecipientsReadWhat() throws {
    let store = try fixture.mailroom().store
    for index in 0..<3 { try store.addSubscriber(email: "nameless\(index)@example.com", list: "press-en", source: .commandLine("test")) }
    try personalise("Dear {{subscriber.name}},")
    let warning = try #require(try diagnostics().first { $0.message.contains("{{subscriber.name}}") })
    #expect(warning.severity == .warning)
    #expect(warning.message.contains("empty for 3 of 8 recipients") && warning.message.contains("“Dear ,”"), "\(warning.message)")
  }

  @Test func anEmptyFieldIsCountedAmongTheMembersTheConditionsReach() throws {
    let store = try fixture.mailroom().store
    // Three without a name, one of them on the water beat: --where beat=water reaches one of them.
    for (index, beat) in ["water", "energy", "energy"].enumerated() {
      try store.addSubscriber(email: "nameless\(index)@example.com", attributes: ["beat": beat], list: "press-en", source: .commandLine("test"))
    }
    try personalise("Dear {{subscriber.name}},")
    let release = try Release(contentsOf: fixture.release)
    let conditions = [try SubscriberCondition(parsing: "beat=water")]
    let reached = try store.recipientCount(.lists(release.lists, where: conditions)).recipients
    let warning = try #require(
      try RecipientCheck.diagnostics(for: release, conditions: conditions, store: store).first { $0.message.contains("{{subscriber.name}}") })
    #expect(warning.message.contains("empty for 1 of \(reached) recipients"), "\(warning.message)")
  }

  @Test func aFieldInsideItsOwnSectionIsNotWarned() throws {
    try (try fixture.mailroom()).store.addSubscriber(email: "nameless@example.com", list: "press-en", source: .commandLine("test"))
    try personalise("{{#subscriber.name}}Dear {{subscriber.name}},{{/subscriber.name}}")
    #expect(try diagnostics().isEmpty)
  }

  @Test func sendRefusesAReleaseWithAFieldNoSubscriberHas() throws {
    try personalise("On {{subscriber.beet}}: news.")
    let error = try #require(throws: CampaignError.self) { try (try fixture.mailroom()).plan(CampaignRequest(release: fixture.release)) }
    #expect(error.code == .releaseHasErrors && error.diagnostics.contains { $0.message.contains("beet") })
  }

  @Test func aDryRunListsExactlyWhoTheSendWouldReach() throws {
    let mailroom = try fixture.mailroom()
    try mailroom.store.suppress("reader1@example.com", reason: "test")
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release))
    var listed: [String] = []
    try mailroom.forEachRecipient(of: plan) { listed.append("\($0.subscriber.email) \($0.list)") }
    #expect(listed.count == plan.recipients)
    #expect(listed == ["reader0@example.com press-en", "reader2@example.com press-en", "reader3@example.com press-en", "reader4@example.com press-en"])
  }
}

struct TestCopyTests {
  let fixture: CampaignFixture

  init() throws { fixture = try CampaignFixture() }

  @Test func aTestCopyIsTheChosenSubscribersMessageToTheGivenAddressesOnlyAndRecordedNowhere() throws {
    try fixture.editRelease { $0.replacingOccurrences(of: "\nMunicipal water networks", with: "\nDear {{subscriber.name}},\n\nMunicipal water networks") }
    let mailroom = try fixture.mailroom()
    let relay = MemoryRelay()
    var request = TestCopyRequest(release: fixture.release, to: [try Mailbox(parsing: "me@example.org"), try Mailbox(parsing: "desk@example.org")])
    request.subscriber = "READER2@example.com"
    let session = mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: relay.transport)
    let result = try mailroom.sendTestCopy(request, session: session)
    #expect(Set(relay.delivered.map(\.recipient)) == ["me@example.org", "desk@example.org"] && relay.tried.count == 2)
    #expect(result.copies.map(\.outcome) == [.sent, .sent])
    #expect(result.subscriber.email == "reader2@example.com" && result.list == "press-en")
    #expect(result.campaign.kind == .testCopy && result.campaign.release == nil)
    for message in relay.delivered {
      let text = String(decoding: message.bytes, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        .replacingOccurrences(of: "\r\n ", with: " ")  // unfolded
      #expect(text.contains("Subject: [TEST] New study: cities lose a third"), "\(text.prefix(800))")
      #expect(text.contains("Dear Reader 2,"))
      #expect(text.contains("To: \(message.recipient)\r\n"))
      #expect(text.contains("Message-ID: <test-copy."))
      #expect(!text.contains("List-Unsubscribe:"), "no one-click button that would unsubscribe the subscriber")
    }
    // No delivery to a subscriber is recorded, and the real send still reaches everyone.
    #expect(try mailroom.store.deliveries(email: "reader2@example.com").isEmpty)
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release))
    #expect(plan.recipients == 5 && plan.alreadyReceived == 0 && plan.inOutbox == 0)
  }

  @Test func theFirstRecipientIsChosenByDefaultAndASubscriberWhoIsNoRecipientIsRefused() throws {
    let mailroom = try fixture.mailroom()
    let relay = MemoryRelay()
    let session = mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: relay.transport)
    let result = try mailroom.sendTestCopy(TestCopyRequest(release: fixture.release, to: [try Mailbox(parsing: "me@example.org")]), session: session)
    #expect(result.subscriber.email == "reader0@example.com")
    try mailroom.store.suppress("reader3@example.com", reason: "test")
    var request = TestCopyRequest(release: fixture.release, to: [try Mailbox(parsing: "me@example.org")])
    request.subscriber = "reader3@example.com"
    let error = try #require(throws: CampaignError.self) { try mailroom.sendTestCopy(request, session: session) }
    #expect(error.code == .invalidRequest && error.message.contains("is not a recipient"))
    request.subscriber = "nobody@example.com"
    #expect(throws: CampaignError.self) { try mailroom.sendTestCopy(request, session: session) }
    #expect(relay.delivered.count == 1)
  }
}
