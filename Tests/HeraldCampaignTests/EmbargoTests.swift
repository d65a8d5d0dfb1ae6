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

/// An embargo as the press means it: one campaign, two delivery times. Members of lists
/// that take embargoed copies get a marked copy when it is sent; the others the release
/// when the embargo lifts, held in the Outbox until then.
struct EmbargoedSendTests {
  let fixture: CampaignFixture

  /// press-en has reader0…reader4; press-vetted (embargoed copies) has reader0 (on both)
  /// and a journalist in New York.
  init() throws {
    fixture = try CampaignFixture()
    let store = try fixture.workspace.openStore()
    try store.createList(name: "press-vetted")
    try store.updateList("press-vetted") { $0.embargoedCopies = true }
    try store.addSubscriber(email: "reader0@example.com", list: "press-vetted", source: .commandLine("test"))
    try store.addSubscriber(
      email: "nora@example.net", name: "Nora York", attributes: ["time_zone": "America/New_York"], list: "press-vetted",
      source: .commandLine("test"))
  }

  /// Puts an embargo at `lift`, written in +01:00, and both lists in the release.
  func embargo(at lift: Date) throws {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(secondsFromGMT: 3600)
    try fixture.editRelease {
      $0.replacingOccurrences(of: "\ntitle:", with: "\nembargo: \(formatter.string(from: lift))\ntitle:")
        .replacingOccurrences(of: "lists: [press-en]", with: "lists: [press-en, press-vetted]")
    }
  }

  @Test func aPlanUnderEmbargoSendsCopiesNowToListsThatTakeThemAndTheRestAtTheLift() throws {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    try embargo(at: now.addingTimeInterval(86_400))
    let plan = try fixture.mailroom().plan(CampaignRequest(release: fixture.release), now: now)
    let embargo = try #require(plan.embargo)
    #expect(embargo.copyLists == ["press-vetted"] && embargo.liftLists == ["press-en"])
    #expect(embargo.copies == 2 && embargo.atLift == 4, "reader0 is on both lists and gets the embargoed copy, once")
    #expect(plan.recipients == 6 && !plan.scheduled && plan.date == now)
    #expect(abs(embargo.lift.timeIntervalSince(now.addingTimeInterval(86_400))) < 1)
  }

  @Test func aPlanAfterTheLiftIsAnOrdinarySend() throws {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    try embargo(at: now.addingTimeInterval(-60))
    let plan = try fixture.mailroom().plan(CampaignRequest(release: fixture.release), now: now)
    #expect(plan.embargo == nil && plan.recipients == 6 && !plan.scheduled)
  }

  @Test func theCopiesAreMarkedAndDueNowAndTheRestWaitsUnmarkedUntilTheLift() async throws {
    let lift = Date().addingTimeInterval(2 * 86_400)
    try embargo(at: lift)
    let mailroom = try fixture.mailroom()
    let plan = try mailroom.plan(CampaignRequest(release: fixture.release))
    let result = try await mailroom.send(plan, session: nil)
    #expect(result.enqueued == 6)
    let queued = try mailroom.outbox.list(state: .queue)
    let deferred = try mailroom.outbox.list(state: .deferred)
    #expect(Set(queued.map(\.message.recipient)) == ["reader0@example.com", "nora@example.net"])
    #expect(deferred.count == 4 && deferred.allSatisfy { abs($0.message.nextAttempt.timeIntervalSince(lift)) < 1 })
    #expect(Set(queued.map(\.message.campaign)) == Set(deferred.map(\.message.campaign)), "one campaign, two delivery times")
    for entry in queued {
      let message = ReceivedMessage(parsing: entry.message.bytes)
      let subject = message.subject ?? ""
      #expect(subject.hasPrefix("EMBARGOED until ") && subject.contains(": New study"), "\(subject)")
      #expect(message.bodyText.contains("EMBARGOED UNTIL"), "\(message.bodyText.prefix(300))")
    }
    for entry in deferred {
      let message = ReceivedMessage(parsing: entry.message.bytes)
      #expect(message.subject?.hasPrefix("New study") == true && !message.bodyText.contains("EMBARGOED"))
    }
    // Shown as scheduled; and a second send reaches no one: all have it in the Outbox.
    #expect(try mailroom.outbox.scheduled()[result.campaign]?.count == 4)
    let again = try mailroom.plan(CampaignRequest(release: fixture.release))
    #expect(again.recipients == 0 && again.inOutbox == 6 && again.nothingToSend != nil)
  }

  @Test func withoutAListThatTakesCopiesTheWholeSendIsScheduledForTheLift() throws {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    try embargo(at: now.addingTimeInterval(3600))
    try fixture.mailroom().store.updateList("press-vetted") { $0.embargoedCopies = false }
    let plan = try fixture.mailroom().plan(CampaignRequest(release: fixture.release), now: now)
    #expect(plan.embargo?.copies == 0 && plan.embargo?.atLift == 6 && plan.scheduled)
    #expect(try fixture.mailroom().relay(for: plan) == nil, "nothing goes now: no relay is needed")
  }
}
