import Foundation
import HeraldCore
import HeraldStore
import Testing

/// What the inbox keeps: each message once, the changes it made (and undoing them), soft
/// bounces in a row, inquiries and their threads, a release's figures.
struct InboxStoreTests {
  let t: TemporaryStore

  init() throws {
    t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.createList(name: "b")
    for address in ["jo@example.com", "kim@example.com"] {
      try t.store.addSubscriber(email: address, name: "Reader", organization: "Example Daily", list: "a", source: .commandLine("t"))
    }
    try t.store.addSubscriber(email: "jo@example.com", list: "b", source: .commandLine("t"))
  }

  func record(_ kind: InboundClass, messageID: String? = nil, digest: String = UUID().uuidString, release: String? = "r") -> InboundRecord {
    InboundRecord(
      messageID: messageID, digest: digest, receivedAt: Date(), origin: "test", fromAddress: "jo@example.com", fromName: "Jo",
      subject: "Re: r", kind: kind, reason: "test", release: release, subscriber: nil, rawFile: "Inbox/messages/x.eml", details: nil)
  }

  @Test func aMessageIsReadOnceByItsMessageIDOrItsBytes() throws {
    _ = try t.store.recordInbound(record(.autoReply, messageID: "m1@example.com", digest: "d1")) { _ in }
    #expect(throws: StoreError.self) { try t.store.recordInbound(record(.autoReply, messageID: "m1@example.com", digest: "d2")) { _ in } }
    #expect(throws: StoreError.self) { try t.store.recordInbound(record(.autoReply, messageID: nil, digest: "d1")) { _ in } }
    #expect(try t.store.inbound(messageID: "m1@example.com", digest: "other")?.digest == "d1")
    #expect(try t.store.inbound(messageID: nil, digest: "d1") != nil)
    #expect(try t.store.inboundCounts() == [.autoReply: 1])
  }

  @Test func aBatchRecordsEachMessageOnceAndWhatEachChanged() throws {
    _ = try t.store.recordInbound(record(.autoReply, messageID: "old@example.com", digest: "d0")) { _ in }
    var applied: [Int] = []
    let results = try t.store.recordInbound([
      record(.bounce, messageID: "m1@example.com", digest: "d1"),
      record(.autoReply, messageID: "m1@example.com", digest: "d2"),  // the same Message-ID in the same batch
      record(.autoReply, messageID: "old@example.com", digest: "d3"),  // read before
      record(.autoReply, messageID: nil, digest: "d1"),  // the same bytes
      record(.inquiry, messageID: "m2@example.com", digest: "d4"),
    ]) { index, changes in
      applied.append(index)
      if index == 0 { try changes.setStatus(.bounced, address: "jo@example.com", list: "a", source: .bounce("550 5.1.1")) }
    }
    #expect(applied == [0, 4])
    guard results.count == 5, case .recorded(let first) = results[0], case .readBefore(let again) = results[1],
      case .readBefore(let old) = results[2], case .readBefore(let bytes) = results[3], case .recorded = results[4]
    else {
      Issue.record("unexpected results \(results)")
      return
    }
    #expect(again.id == first.id && bytes.id == first.id && old.messageID == "old@example.com")
    #expect(try t.store.inboundActions(first.id).map(\.kind) == [.bounced])
    #expect(try t.store.inboundCounts() == [.autoReply: 1, .bounce: 1, .inquiry: 1])
  }

  @Test func aMessageThatCannotBeAppliedLeavesTheOthersOfItsBatch() throws {
    struct Refused: Error {}
    let results = try t.store.recordInbound([record(.bounce, digest: "a"), record(.bounce, digest: "b"), record(.bounce, digest: "c")]) { index, changes in
      try changes.suppress(["jo@example.com", "kim@example.com", "jo+3@example.com"][index], reason: "test")
      if index == 1 { throw Refused() }
    }
    guard case .recorded = results[0], case .failed(let error) = results[1], case .recorded = results[2] else {
      Issue.record("unexpected results \(results)")
      return
    }
    #expect(error is Refused)
    // Nothing of the refused one: its row and its suppression are gone; the others' are there.
    #expect(try t.store.inbound(messageID: nil, digest: "b") == nil)
    #expect(try t.store.inboundCounts() == [.bounce: 2])
    #expect(try t.store.profile(email: "kim@example.com").suppressed == nil)
    #expect(try t.store.profile(email: "jo@example.com").suppressed == "test")
  }

  @Test func lookupsFindWhatWasReadAndWhoItConcerns() throws {
    _ = try t.store.recordInbound(record(.autoReply, messageID: "m1@example.com", digest: "d1")) { _ in }
    let found = try t.store.inboundLookups([
      .init(messageID: "m1@example.com", digest: "other", address: "JO@example.com"),
      .init(messageID: nil, digest: "d1", address: nil),
      .init(messageID: "new@example.com", digest: "d9", address: "nobody@example.com"),
    ])
    #expect(found.map { $0.seen?.digest } == ["d1", "d1", nil])
    #expect(found[0].subscriber != nil && found[1].subscriber == nil && found[2].subscriber == nil)
  }

  @Test func aBounceIsUndoneByAReclassification() throws {
    let stored = try t.store.recordInbound(record(.bounce)) { changes in
      try changes.setStatus(.bounced, address: "jo@example.com", list: nil, source: .bounce("550 5.1.1 no such user"))
      try changes.suppress("jo@example.com", reason: "hard bounce: 550 5.1.1")
    }
    let profile = try t.store.profile(email: "jo@example.com")
    #expect(profile.memberships.map(\.status) == [.bounced, .bounced])
    #expect(profile.suppressed != nil)
    #expect(try t.store.inboundActions(stored.id).map(\.kind) == [.bounced, .bounced, .suppressed])
    // It was an out-of-office after all: everything goes back as it was.
    _ = try t.store.reclassifyInbound(stored.id, as: .autoReply, reason: "reclassified", details: nil, source: .commandLine("herald inbox reclassify")) { _ in }
    let after = try t.store.profile(email: "jo@example.com")
    #expect(after.memberships.map(\.status) == [.subscribed, .subscribed])
    #expect(after.suppressed == nil)
    #expect(try t.store.inbound(id: stored.id).kind == .autoReply)
    #expect(try t.store.inboundActions(stored.id).allSatisfy { $0.undoneAt != nil })
    // The history shows both changes, with their evidence.
    #expect(after.history.filter { $0.status == .bounced }.count == 2)
  }

  @Test func softBouncesCountCampaignsInARow() throws {
    let jo = try #require(try t.store.subscriber(address: "jo@example.com")).id
    try t.store.recordDeliveries((1...4).map { .init(subscriber: jo, campaign: CampaignID("r-\($0)")!, list: "a", outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: Double($0) * 1000)) })
    var inARow: [Int] = []
    for campaign in ["r-2", "r-3", "r-4"] {
      _ = try t.store.recordInbound(record(.bounce)) { changes in inARow.append(try changes.softBounce(jo, campaign: campaign, window: 3)) }
    }
    // Counted from the newest campaign sent (r-4): nothing in a row until r-4's own comes,
    // then r-4, r-3 and r-2: three in a row.
    #expect(inARow == [0, 0, 3])
  }

  @Test func anInquiryCollectsItsThreadAndItsAnswers() throws {
    let start = Date().addingTimeInterval(-60)
    var inquiryID: Int64 = 0
    _ = try t.store.recordInbound(record(.inquiry, messageID: "q1@example.com")) { changes in
      inquiryID = try SubscriberStore.addToInquiry(
        .init(fromAddress: "jo@example.com", fromName: "Jo", subject: "Re: r", release: "r", messageID: "q1@example.com", answers: ["x@example.org"],
          text: "How big is the sample?", attachments: [], at: start), inbound: 1, changes: &changes)
    }
    var inquiry = try t.store.inquiry(inquiryID).inquiry
    #expect(inquiry.status == .new && inquiry.organization == "Example Daily" && inquiry.subscriber != nil)
    try t.store.assignInquiry(inquiryID, to: "amelie", by: "lead")
    try t.store.noteInquiry(inquiryID, "Ask the data team", by: "amelie")
    inquiry = try t.store.recordInquiryReply(inquiryID, messageID: "reply.inquiry.a1@example.org", text: "48 cities.", by: "amelie", at: start.addingTimeInterval(3600))
    #expect(inquiry.status == .answered)
    #expect(abs((inquiry.firstAnswerAt ?? .distantPast).timeIntervalSince(start.addingTimeInterval(3600))) < 0.001)
    // The journalist answers our reply: the same inquiry, open again.
    _ = try t.store.recordInbound(record(.inquiry, messageID: "q2@example.com")) { changes in
      let again = try SubscriberStore.addToInquiry(
        .init(fromAddress: "jo@example.com", fromName: "Jo", subject: "Re: Re: r", release: "r", messageID: "q2@example.com",
          answers: ["reply.inquiry.a1@example.org"], text: "Thanks! And the cost?", attachments: [], at: start.addingTimeInterval(4000)), inbound: 2, changes: &changes)
      #expect(again == inquiryID)
    }
    let (reopened, entries) = try t.store.inquiry(inquiryID)
    #expect(reopened.status == .open)
    #expect(entries.map(\.kind) == [.message, .assign, .note, .reply, .message])
    #expect(try t.store.inquiries(status: .open).map(\.id) == [inquiryID])
    let figures = try t.store.releaseFigures("r")
    #expect(figures.inquiries == 1 && figures.open == 1)
    #expect(abs((figures.medianFirstAnswer ?? 0) - 3600) < 0.01)
  }

  @Test func theLastPlaceFetchingReachedIsKeptPerMailbox() throws {
    #expect(try t.store.mailboxState("imap://127.0.0.1/INBOX") == nil)
    try t.store.setMailboxState("imap://127.0.0.1/INBOX", uidValidity: 7, lastUID: 41)
    try t.store.setMailboxState("imap://127.0.0.1/INBOX", uidValidity: 7, lastUID: 42)
    let state = try #require(try t.store.mailboxState("imap://127.0.0.1/INBOX"))
    #expect(state.uidValidity == 7 && state.lastUID == 42)
  }
}
