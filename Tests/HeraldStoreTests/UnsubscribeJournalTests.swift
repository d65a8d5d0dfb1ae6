import Foundation
import HeraldCore
import HeraldStore
import Testing

/// The journal of unsubscribes taken while the store may be busy: appended durably, read
/// back, torn lines left out, applied once however often it is applied.
struct UnsubscribeJournalTests {
  let temporary: TemporaryStore
  var store: SubscriberStore { temporary.store }
  var journal: UnsubscribeJournal { store.unsubscribes }

  init() throws {
    temporary = try TemporaryStore()
    try temporary.store.createList(name: "press", title: "Press")
    try temporary.store.createList(name: "staff", title: "Staff")
    for list in ["press", "staff"] {
      try temporary.store.addSubscriber(email: "reader@example.org", list: list, source: .commandLine("test"))
    }
  }

  func subscriberID() throws -> SubscriberID {
    try #require(try store.subscriber(address: "reader@example.org")).id
  }

  func entry(list: String? = "press", detail: String = "one-click, 192.0.2.1, Test/1.0") throws -> UnsubscribeJournal.Entry {
    UnsubscribeJournal.Entry(
      subscriber: try subscriberID(), list: list, source: ConsentSource(.unsubscribeLink, detail: detail),
      at: Date(timeIntervalSince1970: 1_800_000_000.25))
  }

  var journalFile: String { temporary.directory.appendingPathComponent("unsubscribes.journal").path }

  @Test func appendedEntriesAreReadBackInOrderFromAnOwnerOnlyFile() async throws {
    let first = try entry(detail: "first")
    let second = try entry(list: nil, detail: "second")
    try await journal.append(first)
    try await journal.append(second)
    #expect(try journal.pending() == [first, second])
    #expect(journal.hasPending)
    let mode = try #require(try FileManager.default.attributesOfItem(atPath: journalFile)[.posixPermissions] as? Int)
    #expect(mode == 0o600, "the journal names who unsubscribed: \(String(mode, radix: 8))")
  }

  @Test func manyAppendsAtOnceAreAllKept() async throws {
    let id = try subscriberID()
    let journal = self.journal
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<200 {
        group.addTask {
          try await journal.append(.init(subscriber: id, list: "press", source: ConsentSource(.unsubscribeLink, detail: "\(index)"), at: Date()))
        }
      }
      try await group.waitForAll()
    }
    #expect(Set(try journal.pending().map(\.source.detail)) == Set((0..<200).map(String.init)))
  }

  @Test func aTornLastLineIsIgnoredAndTheNextEntryStartsALineOfItsOwn() async throws {
    try await journal.append(try entry(detail: "whole"))
    // A crash in the middle of a write: part of a line, never acknowledged.
    let handle = try #require(FileHandle(forWritingAtPath: journalFile))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"at":1800000000,"detail":"tor"#.utf8))
    try handle.close()
    #expect(try journal.pending().map(\.source.detail) == ["whole"])
    try await journal.append(try entry(detail: "after"))
    #expect(try journal.pending().map(\.source.detail) == ["whole", "after"])
  }

  @Test func applyingRecordsTheUnsubscribeWithItsEvidenceAndTimeAndEmptiesTheJournal() async throws {
    try await journal.append(try entry())
    #expect(try store.applyPendingUnsubscribes() == 1)
    let profile = try store.profile(email: "reader@example.org")
    let press = try #require(profile.memberships.first { $0.list == "press" })
    #expect(press.status == .unsubscribed)
    #expect(press.source == ConsentSource(.unsubscribeLink, detail: "one-click, 192.0.2.1, Test/1.0"))
    #expect(press.changedAt == Date(timeIntervalSince1970: 1_800_000_000.25))
    #expect(profile.memberships.first { $0.list == "staff" }?.status == .subscribed, "only the entry's list")
    #expect(!journal.hasPending)
    #expect(try journal.pending().isEmpty)
    #expect(try store.applyPendingUnsubscribes() == 0)
  }

  @Test func applyingTheSameEntriesTwiceRecordsThemOnce() async throws {
    try await journal.append(try entry())
    try await journal.append(try entry(list: nil))
    let taken = try String(contentsOfFile: journalFile, encoding: .utf8)
    #expect(try store.applyPendingUnsubscribes() == 2)
    // A crash after the commit, before the taken file was removed: the next applier finds
    // the same entries again.
    try taken.write(toFile: temporary.directory.appendingPathComponent("unsubscribes.applying").path, atomically: true, encoding: .utf8)
    try await journal.append(try entry())
    #expect(try store.applyPendingUnsubscribes() == 3)
    let history = try store.profile(email: "reader@example.org").history
    for list in ["press", "staff"] {
      #expect(history.filter { $0.list == list && $0.status == .unsubscribed }.count == 1, "\(list): \(history)")
      #expect(history.filter { $0.list == list && $0.status == .subscribed }.count == 1, "\(list): \(history)")
    }
  }

  @Test func entriesOfAForgottenSubscriberChangeNothing() async throws {
    try await journal.append(.init(subscriber: SubscriberID(9_999), list: nil, source: ConsentSource(.unsubscribeLink, detail: "x"), at: Date()))
    #expect(try store.applyPendingUnsubscribes() == 1)
    #expect(!journal.hasPending)
  }
}
