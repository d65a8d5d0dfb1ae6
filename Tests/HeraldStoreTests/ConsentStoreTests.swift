import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStore

/// Ids that are never given twice, a consent that a form cannot undo, and a store only its
/// owner can read (issue 14).
struct ConsentStoreTests {
  /// A database as Herald made it before ids were kept from reuse (migrations v1 to v5),
  /// with rows in every table that names a subscriber or an inquiry.
  func oldDatabase(at path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try Migrations.migrator.migrate(queue, upTo: "v5: web: public lists, publications, confirmations")
    try queue.write { db in
      try db.execute(sql: """
        INSERT INTO list (id, name, title, created_at) VALUES (1, 'press-en', 'Press', 0), (2, 'staff', 'Staff', 0);
        INSERT INTO subscriber (id, email, email_key, domain, created_at) VALUES
          (1, 'ann@example.org', 'ann@example.org', 'example.org', 0),
          (2, 'bob@example.org', 'bob@example.org', 'example.org', 0),
          (7, 'cat@example.com', 'cat@example.com', 'example.com', 0);
        INSERT INTO membership (subscriber_id, list_id, status, source, source_detail, changed_at) VALUES
          (1, 1, 'subscribed', 'cli', 'test', 1), (2, 1, 'subscribed', 'cli', 'test', 1), (7, 1, 'subscribed', 'cli', 'test', 1),
          (7, 2, 'pending', 'web', 'test', 1);
        UPDATE membership SET status = 'unsubscribed', source = 'link', changed_at = 2 WHERE subscriber_id = 2 AND list_id = 1;
        INSERT INTO delivery (subscriber_id, release, campaign, list_name, outcome, reply, at) VALUES (7, 'r', 'r-1', 'press-en', 'sent', '250 ok', 3);
        INSERT INTO inbound (id, digest, received_at, imported_at, origin, class, reason, subscriber_id, raw_file) VALUES
          (1, 'd1', 4, 4, 'test', 'inquiry', 'test', 7, 'Inbox/messages/x.eml');
        INSERT INTO inbound_action (inbound_id, kind, subscriber_id, detail, at) VALUES (1, 'inquiry', 7, '5', 4);
        INSERT INTO soft_bounce (subscriber_id, campaign, inbound_id, at) VALUES (7, 'r-1', 1, 4);
        INSERT INTO inquiry (id, subscriber_id, from_address, subject, status, created_at, updated_at) VALUES
          (2, 1, 'ann@example.org', 'First', 'new', 4, 4), (5, 7, 'cat@example.com', 'Second', 'open', 4, 4);
        INSERT INTO inquiry_entry (inquiry_id, kind, inbound_id, text, at) VALUES (5, 'message', 1, 'Hello', 4), (2, 'note', NULL, 'Hi', 4);
        INSERT INTO confirmation_sent (subscriber_id, list_id, sent_at) VALUES (7, 2, 5);
        """)
    }
  }

  @Test func theMigrationKeepsEveryIdAndReferenceAndNeverGivesAnIdTwice() throws {
    let temporary = try TemporaryStore()
    let path = temporary.directory.appendingPathComponent("old.sqlite").path
    try oldDatabase(at: path)
    let store = try SubscriberStore(path: path)
    try store.read { db throws in
      #expect(try Int64.fetchAll(db, sql: "SELECT id FROM subscriber ORDER BY id") == [1, 2, 7])
      #expect(try Int64.fetchAll(db, sql: "SELECT id FROM inquiry ORDER BY id") == [2, 5])
      #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
      let schema = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('subscriber', 'inquiry')")
      #expect(schema.count == 2 && schema.allSatisfy { $0.contains("AUTOINCREMENT") })
      let indexes = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"))
      #expect(indexes.isSuperset(of: ["inquiry_status", "inquiry_release", "membership_list", "membership_history", "consent_event_subscriber"]))
      #expect(try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'subscriber'") == 7)
      #expect(try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'inquiry'") == 5)
      // Every row that names a subscriber or an inquiry still names the same one.
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM membership WHERE subscriber_id = 7") == 2)
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_event WHERE subscriber_id = 2 AND status = 'subscribed'") == 1)
      #expect(try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM delivery") == 7)
      #expect(try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM inbound") == 7)
      #expect(try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM inbound_action") == 7)
      #expect(try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM soft_bounce") == 7)
      #expect(try Int64.fetchAll(db, sql: "SELECT subscriber_id FROM inquiry ORDER BY id") == [1, 7])
      #expect(try Int64.fetchAll(db, sql: "SELECT inquiry_id FROM inquiry_entry ORDER BY inquiry_id") == [2, 5])
      #expect(try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM confirmation_sent") == 7)
    }
    // The history trigger still records, and forgetting still cascades.
    try store.unsubscribe(email: "ann@example.org", list: "press-en", source: .commandLine("test"))
    #expect(try store.profile(email: "ann@example.org").history.map(\.status) == [.subscribed, .unsubscribed])
    try store.forget(email: "cat@example.com")
    try store.read { db throws in
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") == 0)
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inquiry WHERE id = 5 AND subscriber_id IS NULL") == 1)
    }
    // The forgotten newest subscriber's id is not given to the next one, nor by an import.
    let (next, _) = try store.addSubscriber(email: "dan@example.net", list: "press-en", source: .commandLine("test"))
    #expect(next.id == SubscriberID(8))
    try store.forget(email: "dan@example.net")
    let report = try store.importCSV(try temporary.csv("email\neve@example.net\nfay@example.net\n"), into: "press-en")
    #expect(report.added == 2)
    #expect(try store.subscriber(address: "eve@example.net")?.id == SubscriberID(9))
    #expect(try store.subscriber(address: "fay@example.net")?.id == SubscriberID(10))
    #expect(try store.profile(email: "fay@example.net").memberships.map(\.status) == [.subscribed])
  }

  @Test func anImportKeepsOutSomeoneAnOldFormMadePendingAfterTheyUnsubscribed() throws {
    let temporary = try TemporaryStore()
    let store = temporary.store
    try store.createList(name: "press-en")
    try store.addSubscriber(email: "ann@example.org", list: "press-en", source: .commandLine("test"))
    try store.unsubscribe(email: "ann@example.org", list: "press-en", source: .commandLine("test"))
    // What the form of an earlier Herald did: the unsubscribed membership became pending.
    try store.write { db in
      try db.execute(sql: "UPDATE membership SET status = 'pending', source = 'web', source_detail = 'a stranger' WHERE list_id = (SELECT id FROM list WHERE name = 'press-en')")
    }
    let report = try store.importCSV(try temporary.csv("email\nann@example.org\n"), into: "press-en")
    #expect(report.keptOut == 1 && report.problems.first?.reason.hasPrefix("unsubscribed before") == true)
    #expect(try store.profile(email: "ann@example.org").memberships.first?.status == .pending)
    #expect(throws: StoreError.self) {
      try store.addSubscriber(email: "ann@example.org", list: "press-en", source: .commandLine("test"))
    }
    // With the person's fresh consent, --resubscribe lets them in.
    let again = try store.importCSV(try temporary.csv("email\nann@example.org\n"), into: "press-en", resubscribe: true)
    #expect(again.updated == 1)
    #expect(try store.profile(email: "ann@example.org").memberships.first?.status == .subscribed)
  }

  @Test func aConfirmationLinkCountsOnlyWhenIssuedAfterTheUnsubscribe() throws {
    let temporary = try TemporaryStore()
    let store = temporary.store
    try store.createList(name: "press-en", doubleOptIn: true)
    let start = Date(timeIntervalSince1970: 1_800_000_000.5)
    let form = ConsentSource.webForm(ip: "192.0.2.1", userAgent: "test")
    guard case .confirm(let id) = try store.requestSubscription(
      email: "ann@example.org", name: nil, organization: nil, list: "press-en", source: form, cooldown: 0, at: start)
    else { Issue.record("a confirmation is due"); return }
    #expect(try store.confirmSubscription(id, list: "press-en", issued: start, source: form, at: start + 10) == .confirmed)
    _ = try store.unsubscribe(id, list: "press-en", source: .commandLine("test"), at: start + 20)
    // A new request: the membership stays unsubscribed, the request is in the history.
    #expect(try store.requestSubscription(
      email: "ann@example.org", name: nil, organization: nil, list: "press-en", source: form, cooldown: 0, at: start + 30) == .confirm(id))
    let profile = try store.profile(email: "ann@example.org")
    #expect(profile.memberships.first?.status == .unsubscribed)
    #expect(profile.history.map(\.kind) == [.state, .state, .state, .request])
    #expect(profile.history.last?.status == .unsubscribed && profile.history.last?.source == form)
    // The first mail's link, and one issued in the second of the unsubscribe, do nothing.
    #expect(try store.confirmSubscription(id, list: "press-en", issued: start, source: form, at: start + 40) == .notPending)
    #expect(try store.confirmSubscription(id, list: "press-en", issued: Date(timeIntervalSince1970: 1_800_000_020), source: form, at: start + 40) == .notPending)
    #expect(try store.profile(email: "ann@example.org").memberships.first?.status == .unsubscribed)
    // The new one does.
    #expect(try store.confirmSubscription(id, list: "press-en", issued: start + 30, source: form, at: start + 40) == .confirmed)
    #expect(try store.profile(email: "ann@example.org").memberships.first?.status == .subscribed)
  }
}

/// Lists/herald.sqlite and its companions are readable by their owner only.
struct StoreFileModeTests {
  func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test func aNewStoreAndItsWriteAheadLogAreOwnerOnly() throws {
    let temporary = try TemporaryStore()
    try temporary.store.createList(name: "press-en")
    for file in [temporary.path, temporary.path + "-wal", temporary.path + "-shm"] {
      #expect(FileManager.default.fileExists(atPath: file), "\(file)")
      #expect(try mode(file) == 0o600, "\(file)")
    }
    #expect(temporary.store.tightenedFiles.isEmpty)
  }

  @Test func anExistingStoreReadableByOthersIsMadeOwnerOnlyWhenOpenedSayingSoOnce() throws {
    let temporary = try TemporaryStore()
    try temporary.store.createList(name: "press-en")
    for file in [temporary.path, temporary.path + "-wal", temporary.path + "-shm"] {
      #expect(chmod(file, 0o644) == 0)
    }
    let reopened = try SubscriberStore(path: temporary.path)
    #expect(Set(reopened.tightenedFiles.map(\.path)) == [temporary.path, temporary.path + "-wal", temporary.path + "-shm"])
    #expect(reopened.tightenedFiles.first?.description.contains("mode 644") == true)
    for file in [temporary.path, temporary.path + "-wal", temporary.path + "-shm"] {
      #expect(try mode(file) == 0o600, "\(file)")
    }
    #expect(try SubscriberStore(path: temporary.path).tightenedFiles.isEmpty, "said once: the next open finds it owner-only")
  }
}
