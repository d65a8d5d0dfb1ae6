import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import Testing

/// A send to part of its lists, planned and sent by the Mailroom: the plan's audience and
/// count follow the conditions, the campaign records them, and its correction goes to the
/// same people and says whom they were.
struct SegmentPlanTests {
  let fixture: CampaignFixture

  init() throws {
    fixture = try CampaignFixture(readers: 0)
    let store = try fixture.workspace.openStore()
    for (index, beat) in ["energy", "water", "Energy", "энергия"].enumerated() {
      try store.addSubscriber(email: "reader\(index)@example.com", attributes: ["beat": beat], list: "press-en", source: .commandLine("test"))
    }
  }

  @Test func aPlanGoesToTheMembersWhoMeetItsConditionsAndItsCorrectionToTheSamePeople() async throws {
    let mailroom = try fixture.mailroom()
    var request = CampaignRequest(release: fixture.release)
    request.conditions = [SubscriberCondition("beat", .equals, "ENERGY")]
    let plan = try mailroom.plan(request)
    #expect(plan.recipients == 2)
    #expect(plan.audience == .lists(["press-en"], where: request.conditions) && plan.conditions == request.conditions)
    let original = try await mailroom.send(plan, session: nil)
    #expect(try mailroom.store.conditions(ofCampaign: original.campaign) == request.conditions)
    _ = mailroom.deliverySession(relay: RelayConfiguration(url: "smtp://127.0.0.1:25"), transport: MemoryRelay().transport).run()

    // Reader 1 takes up energy after the send: the correction still goes to the two it reached.
    try mailroom.store.addSubscriber(email: "reader1@example.com", attributes: ["beat": "energy"], list: "press-en", source: .commandLine("test"))
    var correction = CampaignRequest(release: fixture.release)
    correction.correctionOf = original.campaign
    let corrected = try mailroom.plan(correction)
    #expect(corrected.recipients == 2 && corrected.conditions == request.conditions)
    var emails: [String] = []
    try mailroom.store.forEachRecipient(corrected.audience) { emails.append($0.subscriber.email) }
    #expect(emails == ["reader0@example.com", "reader2@example.com"])
    // A correction takes no conditions of its own.
    correction.conditions = [SubscriberCondition("beat", .equals, "water")]
    let error = try #require(throws: CampaignError.self) { try mailroom.plan(correction) }
    #expect(error.message.contains("--where"))
  }

  @Test func noMatchingMemberIsNothingToSendAndSaysWhichConditions() throws {
    var request = CampaignRequest(release: fixture.release)
    request.conditions = [SubscriberCondition("beat", .equals, "sports")]
    let plan = try (try fixture.mailroom()).plan(request)
    #expect(plan.recipients == 0)
    #expect(plan.nothingToSend == "no one to send to: no subscribed member of the lists meets beat=sports")
  }
}
