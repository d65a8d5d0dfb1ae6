import Foundation
import HeraldCampaign
import HeraldDelivery
import HeraldStore
import HeraldWorkspace
import Testing

/// The relay rule the front ends share, and the archive actions they call.
struct MailroomActionsTests {
  let fixture: CampaignFixture

  init() throws { fixture = try CampaignFixture(readers: 1) }

  @Test func withoutARelayNamedMailWaitsInTheOutbox() throws {
    #expect(try fixture.mailroom().configuredRelay(environment: [:]) == nil)
  }

  @Test func theRelayIsHeraldYmlsOrTheOverrideWithItsCredentials() throws {
    let unconfigured = try fixture.mailroom()
    #expect(try unconfigured.configuredRelay(override: "smtp://127.0.0.1:2525", environment: [:])?.url == "smtp://127.0.0.1:2525")
    try fixture.configure("relay: \"smtp://127.0.0.1:2526\"\n")
    let mailroom = try fixture.mailroom()
    let environment = ["HERALD_SMTP_USERNAME": "press", "HERALD_SMTP_PASSWORD": "not-a-real-password"]
    let configured = try #require(try mailroom.configuredRelay(environment: environment))
    #expect(configured.url == "smtp://127.0.0.1:2526" && configured.username == "press" && configured.password == "not-a-real-password")
    #expect(try mailroom.configuredRelay(override: "smtps://mail.example.org:465", environment: [:])?.url == "smtps://mail.example.org:465")
  }

  @Test func aRelayThatIsNamedButUnusableIsAnErrorNotAWait() throws {
    let error = try #require(throws: DeliveryError.self) {
      try fixture.mailroom().configuredRelay(override: "http://mail.example.org", environment: [:])
    }
    #expect(error.code == .connection)
  }

  @Test func aSendToGoNowNeedsARelayAScheduledOneDoesNot() throws {
    let mailroom = try fixture.mailroom()
    let now = try mailroom.plan(CampaignRequest(release: fixture.release))
    let missing = try #require(throws: DeliveryError.self) { try mailroom.relay(for: now, environment: [:]) }
    #expect(missing.message.contains("--smtp"))
    #expect(try mailroom.relay(for: now, override: "smtp://127.0.0.1:2525", environment: [:])?.url == "smtp://127.0.0.1:2525")
    var request = CampaignRequest(release: fixture.release)
    request.sendAt = Date().addingTimeInterval(3600)
    let scheduled = try mailroom.plan(request)
    #expect(scheduled.scheduled)
    #expect(try mailroom.relay(for: scheduled, override: "smtp://127.0.0.1:2525", environment: [:]) == nil)
  }

  @Test func aWithdrawnReleaseLeavesTheArchive() throws {
    let mailroom = try fixture.mailroom()
    let publication = try mailroom.publish(release: fixture.release)
    #expect(try mailroom.store.publication(publication.slug) != nil)
    #expect(try mailroom.withdraw(publication.slug))
    #expect(try mailroom.store.publication(publication.slug) == nil)
    #expect(try !mailroom.withdraw(publication.slug), "not there any more")
  }

  @Test func anUnsubscribeStillInTheJournalStopsAConfirmationIssuedBeforeIt() async throws {
    let mailroom = try fixture.mailroom()
    try mailroom.store.createList(name: "press-de", doubleOptIn: true)
    let asked = Date().addingTimeInterval(-60)
    let request = try mailroom.store.requestSubscription(
      email: "kim@example.net", name: nil, organization: nil, list: "press-de", source: .webForm(ip: "192.0.2.1", userAgent: "test"),
      cooldown: 0, at: asked)
    guard case .confirm(let id) = request else { Issue.record("expected a confirmation to be due, got \(request)"); return }
    // The one-click unsubscribe is taken into the journal; no service has recorded it yet.
    try await mailroom.takeUnsubscribe(id, list: "press-de", source: .webForm(ip: "192.0.2.2", userAgent: "mail provider"))
    #expect(try mailroom.store.unsubscribes.pending().count == 1)
    // The confirmation link from the mail sent a minute ago is clicked afterwards.
    let answer = try await mailroom.confirmSubscription(id, list: "press-de", issued: asked, source: .webForm(ip: "192.0.2.3", userAgent: "test"))
    #expect(answer == .notPending)
    #expect(try mailroom.store.profile(email: "kim@example.net").memberships.first { $0.list == "press-de" }?.status == .unsubscribed)
  }
}
