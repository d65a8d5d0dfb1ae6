import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace
import Testing

@testable import HeraldInbox

/// What a reply is tied to: the kind of our mail it answers decides, never a name that
/// looks like a release's.
struct ThreadingTests {
  let fixture: InboxFixture
  init() throws { fixture = try InboxFixture() }

  /// The subject of the sample release in Releases/.
  func releaseSubject() throws -> String {
    try Release(contentsOf: fixture.workspace.root.appendingPathComponent(WorkspaceDefaults.sampleReleasePath).path).subject
  }

  /// A reply from kim@example.net to the message with `messageID`.
  func reply(to messageID: String, subject: String) -> [UInt8] {
    Array("""
      From: Kim Reporter <kim@example.net>\r
      To: press@example.org\r
      Subject: \(subject)\r
      Date: Sun, 6 Dec 2026 10:00:00 +0100\r
      Message-ID: <reply-\(UUID().uuidString)@example.net>\r
      In-Reply-To: \(messageID)\r
      References: \(messageID)\r
      \r
      What time is the press conference?\r

      """.utf8)
  }

  @Test func aReplyToAConfirmationIsNotTiedToARelease() async throws {
    try fixture.store.createList(name: "briefings", title: "Briefings", doubleOptIn: true)
    _ = try await fixture.mailroom.requestSubscription(.init(
      email: "kim@example.net", name: "Kim", organization: nil, list: "briefings", source: ConsentSource(.webForm, detail: "test")))
    let queued = try fixture.mailroom.outbox.list(state: .queue).map(\.message)
    let confirmation = try #require(queued.first { $0.campaign.kind == .confirmation })
    let messageID = try #require(ReceivedMessage(parsing: confirmation.bytes).messageID)
    #expect(MessageID(parsing: messageID)?.kind == .confirmation)
    // Its subject is even a release's: the id it answers still says it is no release.
    let outcome = try fixture.inbox.read(reply(to: "<\(messageID)>", subject: "Re: \(try releaseSubject())"), origin: "test")
    #expect(outcome.record.kind == .inquiry)
    #expect(outcome.record.release == nil)
  }

  @Test func withoutAnIdOfOursTheSubjectTiesAReplyToItsRelease() throws {
    let outcome = try fixture.inbox.read(reply(to: "<elsewhere@example.net>", subject: "Re: \(try releaseSubject())"), origin: "test")
    #expect(outcome.record.release == "2020-03-31-water-report")
  }

  @Test func anAnswerToOurReplyIsTiedToTheReleaseFurtherBackInItsThread() throws {
    let release = MessageID(release: "2020-03-31-water-report", recipient: "mzxw6ytboi234567", unique: "a1", domain: "example.org")
    let ourReply = MessageID(kind: .inquiryReply, unique: "b2", domain: "example.org")
    var bytes = reply(to: ourReply.description, subject: "Re: Re: your question")
    let text = String(decoding: bytes, as: UTF8.self)
      .replacingOccurrences(of: "References: \(ourReply.description)", with: "References: \(release.description) \(ourReply.description)")
    bytes = Array(text.utf8)
    let outcome = try fixture.inbox.read(bytes, origin: "test")
    #expect(outcome.record.release == "2020-03-31-water-report")
  }
}
