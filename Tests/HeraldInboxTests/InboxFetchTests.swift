import Foundation
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldInbox
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import Testing

/// `Inbox.fetch` against a real Dovecot on 127.0.0.1: every fixture is read once, in its
/// class, and nothing is read twice, whatever becomes of the mailbox.
struct InboxFetchTests {
  static let password = "imap-Pa55:word"
  let fixture: InboxFixture
  let server: DovecotServer

  init() throws {
    fixture = try InboxFixture()
    server = try DovecotServer(password: Self.password)
  }

  var configuration: MailboxConfiguration {
    MailboxConfiguration(url: server.url(), username: server.username, password: Self.password)
  }

  func deliverAll() throws {
    for name in InboxFixtures.all { _ = try server.deliver(InboxFixtures.bytes(name)) }
  }

  @Test func everyMessageIsReadOnceAndLeftUnseen() throws {
    try deliverAll()
    var classes: [InboundClass] = []
    let summary = try fixture.inbox.fetch(configuration, onMessage: { classes.append($0.record.kind) })
    #expect(summary.total == InboxFixtures.all.count && summary.duplicates == 0)
    #expect(classes.count == InboxFixtures.all.count)
    #expect(try fixture.store.inboundCounts().values.reduce(0, +) == InboxFixtures.all.count)
    // Each in its class: the same count per class as the fixtures' table says.
    var expected: [InboundClass: Int] = [:]
    for name in InboxFixtures.all { expected[ClassifierTests.expectedClasses[name]!, default: 0] += 1 }
    #expect(summary.read == expected)
    // BODY.PEEK[]: nothing was marked seen, and every message is still there.
    let flags = try server.flags()
    #expect(flags.count == InboxFixtures.all.count)
    #expect(flags.values.allSatisfy { !$0.contains("\\Seen") }, "\(flags)")

    // A second fetch finds nothing new and does not even look at the old mail.
    let again = try fixture.inbox.fetch(configuration)
    #expect(again.total == 0 && again.duplicates == 0)

    // New mail is read, and only it.
    let late = "From: Kim Reporter <reader9@example.com>\r\nTo: press@example.org\r\nSubject: One more question\r\nDate: Tue, 1 Dec 2026 12:00:00 +0000\r\nMessage-ID: <late@example.com>\r\n\r\nWhen is the next report due?\r\n"
    _ = try server.deliver(Array(late.utf8))
    let third = try fixture.inbox.fetch(configuration)
    #expect(third.total == 1 && third.read[.inquiry] == 1)
  }

  @Test func aChangedUIDValidityRereadsTheMailboxButAddsNothing() throws {
    try deliverAll()
    let first = try fixture.inbox.fetch(configuration)
    #expect(first.total == InboxFixtures.all.count)
    let before = try fixture.store.inboundCounts()

    try server.resetUIDValidity()
    let after = try fixture.inbox.fetch(configuration)
    #expect(after.total == 0, "nothing new: \(after.read)")
    #expect(after.duplicates == InboxFixtures.all.count, "every message was looked at again and recognised")
    #expect(try fixture.store.inboundCounts() == before)
  }

  @Test func aReadMessageIsMarkedSeenOrMovedOnlyWhenConfigured() throws {
    try deliverAll()
    let seen = try fixture.inbox.fetch(configuration, after: .seen)
    #expect(seen.total == InboxFixtures.all.count)
    #expect(try server.flags().values.allSatisfy { $0.contains("\\Seen") })

    let second = try DovecotServer(password: Self.password)
    try second.createMailbox("Herald Read")
    for name in InboxFixtures.all.prefix(3) { _ = try second.deliver(InboxFixtures.bytes(name)) }
    let other = try InboxFixture()
    let moved = try other.inbox.fetch(
      MailboxConfiguration(url: second.url(), username: second.username, password: Self.password), after: .move(to: "Herald Read"))
    #expect(moved.total == 3)
    #expect(try second.messages(in: "INBOX").isEmpty)
    #expect(try second.messages(in: "Herald Read").count == 3)
  }

  @Test func aWrongPasswordStopsTheFetchSayingWhatToCheck() throws {
    try deliverAll()
    var wrong = configuration
    wrong.password = "not-the-password"
    let error = try #require(throws: (any Error).self) { _ = try fixture.inbox.fetch(wrong) }
    let text = String(describing: error)
    #expect(text.contains("HERALD_IMAP_PASSWORD") || text.contains("password"), "\(text)")
    #expect(!text.contains("not-the-password"))
    #expect(try fixture.store.inboundCounts().isEmpty)
  }
}
