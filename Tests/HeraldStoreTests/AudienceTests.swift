import Foundation
import HeraldCore
import HeraldStore
import Testing

/// Who a send reaches: lists minus those who already have the release, and the audience of
/// a correction (those a campaign reached who are still subscribed).
struct AudienceTests {
  /// A store with list "a" of five subscribers, ids in the order of `addresses`.
  private func store(_ addresses: [String] = (1...5).map { "reader\($0)@example.org" }) throws -> (TemporaryStore, [SubscriberID]) {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    for address in addresses { _ = try t.store.addSubscriber(email: address, list: "a", source: .commandLine("test")) }
    var ids: [SubscriberID] = []
    try t.store.forEachRecipient(of: ["a"]) { ids.append($0.subscriber.id) }
    return (t, ids)
  }

  private func emails(_ t: TemporaryStore, _ audience: SubscriberStore.Audience, excluding release: String? = nil) throws -> [String] {
    var found: [String] = []
    try t.store.forEachRecipient(audience, excludingReceived: release) { found.append($0.subscriber.email) }
    return found
  }

  @Test func thoseWhoReceivedTheReleaseAreLeftOutAndCounted() throws {
    let (t, ids) = try store()
    try t.store.recordDeliveries([
      .init(subscriber: ids[0], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
      .init(subscriber: ids[1], campaign: "r-1", list: "a", outcome: .deferred, reply: "451 Later"),
      .init(subscriber: ids[2], campaign: "other-1", list: "a", outcome: .sent, reply: "250 Ok"),
    ])
    #expect(try emails(t, .lists(["a"]), excluding: "r") == ["reader2@example.org", "reader3@example.org", "reader4@example.org", "reader5@example.org"])
    #expect(try t.store.recipientCount(.lists(["a"]), excludingReceived: "r") == .init(recipients: 4, suppressed: 0, alreadyReceived: 1))
    #expect(try emails(t, .lists(["a"])).count == 5)
    #expect(try t.store.recipientCount(.lists(["a"])) == .init(recipients: 5, suppressed: 0, alreadyReceived: 0))
  }

  @Test func aCorrectionReachesThoseTheCampaignReachedWhoAreStillSubscribed() throws {
    let (t, ids) = try store()
    try t.store.createList(name: "b")
    _ = try t.store.addSubscriber(email: "reader5@example.org", list: "b", source: .commandLine("test"))
    try t.store.recordDeliveries([
      .init(subscriber: ids[0], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
      .init(subscriber: ids[1], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
      .init(subscriber: ids[2], campaign: "r-1", list: "a", outcome: .failed, reply: "550 5.1.1 No such user"),
      .init(subscriber: ids[3], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
      .init(subscriber: ids[4], campaign: "r-0", list: "b", outcome: .sent, reply: "250 Ok"),
    ])
    // Since then: reader2 unsubscribed, reader4 was suppressed.
    _ = try t.store.setStatus(.unsubscribed, email: "reader2@example.org", list: "a", source: .commandLine("test"))
    _ = try t.store.suppress("reader4@example.org", reason: "complaint")
    #expect(try emails(t, .campaign("r-1")) == ["reader1@example.org"])
    #expect(try t.store.recipientCount(.campaign("r-1")) == .init(recipients: 1, suppressed: 1, alreadyReceived: 0))
    // It keeps the list the campaign reached them through.
    var lists: [String] = []
    try t.store.forEachRecipient(.campaign("r-0")) { lists.append($0.list) }
    #expect(lists == ["b"])
    // A second correction skips those who have the first.
    try t.store.recordDeliveries([.init(subscriber: ids[0], campaign: "r-correction-2", list: "a", outcome: .sent, reply: "250 Ok")])
    #expect(try emails(t, .campaign("r-1"), excluding: "r-correction").isEmpty)
  }

  @Test func aCampaignThatReachedNoOneIsNamedAsSuch() throws {
    let (t, _) = try store()
    let error = try #require(throws: StoreError.self) { try t.store.recipientCount(.campaign("no-such-campaign-1")) }
    #expect(error.code == .notFound)
    #expect(error.message.contains("no-such-campaign-1"))
  }

  @Test func theLogSkipsSubscribersForgottenMeanwhile() throws {
    let (t, ids) = try store()
    try t.store.forget(email: "reader1@example.org")
    try t.store.recordDeliveries([
      .init(subscriber: ids[0], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
      .init(subscriber: ids[1], campaign: "r-1", list: "a", outcome: .sent, reply: "250 Ok"),
    ])
    #expect(try t.store.deliveries(email: "reader2@example.org").map(\.campaign) == ["r-1"])
    #expect(try t.store.recipientCount(.campaign("r-1")).recipients == 1)
  }

  @Test func aBatchLongerThanOneStatementKeepsEveryRowWithItsValues() throws {
    let (t, ids) = try store()
    try t.store.forget(email: "reader3@example.org")
    // 150 rows, 50 each for three subscribers (one forgotten): three statements of rows.
    var records: [SubscriberStore.DeliveryRecord] = []
    for n in 0..<150 {
      let outcome: DeliveryOutcome = n % 4 == 0 ? .deferred : .sent
      let at = Date(timeIntervalSince1970: 1_000 + Double(n))
      records.append(
        .init(subscriber: ids[n % 3], campaign: CampaignID("r-\(n % 2 + 1)")!, list: n % 5 == 0 ? nil : "a", outcome: outcome,
              reply: "250 2.0.0 Ok: queued as \(n)", at: at))
    }
    try t.store.recordDeliveries(records)
    for (index, address) in ["reader1@example.org", "reader2@example.org"].enumerated() {
      let logged = try t.store.deliveries(email: address, limit: 100)
      let expected: [SubscriberStore.Delivery] = records.filter { $0.subscriber == ids[index] }.reversed().map { $0.delivery }  // newest first
      #expect(logged == expected)
    }
    #expect(try t.store.deliveries(email: "reader3@example.org", limit: 100).isEmpty)
  }
}
