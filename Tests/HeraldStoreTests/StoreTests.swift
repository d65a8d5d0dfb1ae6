import Foundation
import GRDB
import HeraldStore
import Testing

/// A store in a new temporary folder, removed at the end of the test.
final class TemporaryStore {
  let directory: URL
  let store: SubscriberStore
  var path: String { directory.appendingPathComponent("herald.sqlite").path }

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    store = try SubscriberStore(path: directory.appendingPathComponent("herald.sqlite").path)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// Writes a CSV file and returns its URL.
  func csv(_ text: String, name: String = "people.csv") throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
  }

  func export(_ list: String) throws -> String {
    var text = ""
    try store.exportCSV(list: list) { text += $0 }
    return text
  }

  func recipients(_ lists: [String]) throws -> [SubscriberStore.Recipient] {
    var found: [SubscriberStore.Recipient] = []
    try store.forEachRecipient(of: lists) { found.append($0) }
    return found
  }
}

struct StoreTests {
  @Test func theDatabaseIsInWALModeAndReopens() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press-en")
    let mode = try DatabaseQueue(path: t.path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
    #expect(mode == "wal")
    let again = try SubscriberStore(path: t.path)
    #expect(try again.lists().map(\.name) == ["press-en"])
  }

  @Test func theLogIsCheckpointedSoonAfterWritesNotInTheirCommits() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press-en")
    // Small transactions, far below the thousand pages at which SQLite would checkpoint in
    // a commit (turned off here): the store's checkpointer brings them into the file.
    for number in 0..<20 {
      _ = try t.store.addSubscriber(email: "reader\(number)@example.org", list: "press-en", source: .commandLine("test"))
    }
    // The database file alone (a copy without its log) holds what was checkpointed; a copy
    // made before the schema was, or in the middle of a checkpoint, counts as nothing yet.
    func subscribersInTheFile() throws -> Int {
      let copy = t.directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite")
      try FileManager.default.copyItem(atPath: t.path, toPath: copy.path)
      return (try? DatabaseQueue(path: copy.path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM subscriber") }) ?? 0
    }
    let deadline = Date().addingTimeInterval(20)
    var checkpointed = try subscribersInTheFile()
    while checkpointed < 20 && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
      checkpointed = try subscribersInTheFile()
    }
    #expect(checkpointed == 20)
  }

  @Test func aDatabaseFromANewerHeraldIsRefused() throws {
    let t = try TemporaryStore()
    try DatabaseQueue(path: t.path).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
    let error = try #require(throws: StoreError.self) { try SubscriberStore(path: t.path) }
    #expect(error.message.contains("newer version of Herald"))
  }

  @Test(arguments: ["Press", "press en", "-press", "press_en", "", "prëss"])
  func listNamesMustBeSlugs(_ name: String) throws {
    let t = try TemporaryStore()
    let error = try #require(throws: StoreError.self) { try t.store.createList(name: name) }
    #expect(error.code == .invalidInput)
    #expect(error.message.contains("press-en"))
  }

  @Test func aListNameIsUnique() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press-en", title: "Press (EN)", language: "en", doubleOptIn: true)
    #expect(throws: StoreError.self) { try t.store.createList(name: "press-en") }
    let list = try t.store.list(named: "press-en")
    #expect(list.title == "Press (EN)" && list.language == "en" && list.doubleOptIn)
  }

  @Test func addressesAreUniqueWithoutRegardToCase() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.createList(name: "b")
    let (first, change) = try t.store.addSubscriber(email: "Anna@Example.ORG", name: "Anna", list: "a", source: .commandLine("test"))
    #expect(change == .added)
    #expect(first.email == "Anna@example.org")
    let (second, _) = try t.store.addSubscriber(email: "anna@example.org", organization: "Daily", list: "b", source: .commandLine("test"))
    #expect(second.id == first.id)
    let profile = try t.store.profile(email: "ANNA@EXAMPLE.ORG")
    #expect(profile.subscriber.name == "Anna" && profile.subscriber.organization == "Daily")
    #expect(profile.memberships.map(\.list) == ["a", "b"])
  }

  @Test func customAttributesRoundTripWhateverTheyHold() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let attributes = ["quote": "say \"hi\"", "path": "C:\\news\\", "lines": "one\ntwo\r\n\tthree", "bell": "\u{7}", "ru": "Отдел науки", "emoji": "📰"]
    try t.store.addSubscriber(email: "a@example.org", attributes: attributes, list: "a", source: .commandLine("t"))
    #expect(try t.store.profile(email: "a@example.org").subscriber.attributes == attributes)
  }

  @Test func anUnsubscribedAddressIsNotAddedBackWithoutResubscribe() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.addSubscriber(email: "x@example.org", list: "a", source: .commandLine("test"))
    #expect(try t.store.unsubscribe(email: "x@example.org", list: nil, source: .commandLine("test")) == ["a"])
    let error = try #require(throws: StoreError.self) { try t.store.addSubscriber(email: "x@example.org", list: "a", source: .commandLine("test")) }
    #expect(error.message.contains("--resubscribe"))
    try t.store.addSubscriber(email: "x@example.org", list: "a", source: .commandLine("test"), resubscribe: true)
    let history = try t.store.profile(email: "x@example.org").history.map(\.status)
    #expect(history == [.subscribed, .unsubscribed, .subscribed])
  }

  @Test func suppressedAddressesAndDomainsAreNeverRecipients() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    for address in ["one@example.org", "two@example.org", "three@blocked.example", "four@example.com"] {
      try t.store.addSubscriber(email: address, list: "a", source: .commandLine("test"))
    }
    try t.store.suppress("Two@Example.org", reason: "hard bounce")
    try t.store.suppress("@Blocked.Example", reason: "the whole newsroom asked")
    #expect(try t.recipients(["a"]).map(\.subscriber.email) == ["one@example.org", "four@example.com"])
    #expect(try t.store.recipientCount(of: ["a"]) == (2, 2))
    let error = try #require(throws: StoreError.self) { try t.store.addSubscriber(email: "five@blocked.example", list: "a", source: .commandLine("test")) }
    #expect(error.message.contains("suppressed"))
  }

  @Test func resubscribeDoesNotLiftASuppressionButUnsuppressDoes() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.suppress("x@example.org", reason: "complaint")
    #expect(throws: StoreError.self) { try t.store.addSubscriber(email: "x@example.org", list: "a", source: .commandLine("t"), resubscribe: true) }
    #expect(try t.store.importCSV(try t.csv("email\nx@example.org\n"), into: "a", resubscribe: true).keptOut == 1)
    try t.store.unsuppress("X@example.org")
    try t.store.addSubscriber(email: "x@example.org", list: "a", source: .commandLine("t"))
    #expect(try t.recipients(["a"]).count == 1)
    #expect(throws: StoreError.self) { try t.store.unsuppress("x@example.org") }
  }

  @Test func recipientsOfOverlappingListsAreEachAddressOnceInAStableOrder() throws {
    let t = try TemporaryStore()
    for name in ["a", "b", "c"] { try t.store.createList(name: name) }
    // 1 on a and b, 2 on b only, 3 on c and a, 4 unsubscribed from b, 5 pending on c.
    try t.store.addSubscriber(email: "1@example.org", list: "a", source: .commandLine("t"))
    try t.store.addSubscriber(email: "1@example.org", list: "b", source: .commandLine("t"))
    try t.store.addSubscriber(email: "2@example.org", list: "b", source: .commandLine("t"))
    try t.store.addSubscriber(email: "3@example.org", list: "c", source: .commandLine("t"))
    try t.store.addSubscriber(email: "3@example.org", list: "a", source: .commandLine("t"))
    try t.store.addSubscriber(email: "4@example.org", list: "b", source: .commandLine("t"))
    try t.store.unsubscribe(email: "4@example.org", list: "b", source: .commandLine("t"))
    try t.store.addSubscriber(email: "5@example.org", list: "c", status: .pending, source: .commandLine("t"))
    let found = try t.recipients(["b", "c", "a"])
    #expect(found.map(\.subscriber.email) == ["1@example.org", "2@example.org", "3@example.org"])
    // Each gets it through the first requested list they are on.
    #expect(found.map(\.list) == ["b", "b", "c"])
    #expect(try t.recipients(["b", "c", "a"]).map(\.subscriber.id) == found.map(\.subscriber.id))
    #expect(throws: StoreError.self) { try t.recipients(["nope"]) }
  }

  @Test func forgetErasesTheDataAndKeepsTheAddressOut() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.addSubscriber(email: "gone@example.org", name: "Gone Person", list: "a", source: .commandLine("t"))
    try t.store.forget(email: "Gone@example.org")
    #expect(throws: StoreError.self) { try t.store.profile(email: "gone@example.org") }
    let dump = try DatabaseQueue(path: t.path).read { db in
      try String.fetchAll(db, sql: "SELECT email FROM subscriber") + String.fetchAll(db, sql: "SELECT source_detail FROM consent_event")
        + String.fetchAll(db, sql: "SELECT value FROM suppression")
    }
    #expect(!dump.joined().contains("gone@"), "no trace of the address in clear")
    let report = try t.store.importCSV(try t.csv("email\ngone@example.org\n"), into: "a")
    #expect(report.keptOut == 1 && report.added == 0)
    #expect(throws: StoreError.self) { try t.store.addSubscriber(email: "gone@example.org", list: "a", source: .commandLine("t")) }
  }
}
