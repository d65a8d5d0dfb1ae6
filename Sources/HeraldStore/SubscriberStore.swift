import Foundation
import GRDB
import HeraldMail
import Logging

/// The subscriber store: lists, subscribers, their memberships with consent evidence, and
/// the suppression list, in one SQLite database (Lists/herald.sqlite, WAL mode).
///
/// Several herald processes may use it at once: writers take turns (a writer waits up to
/// `busyTimeout` for another to finish) and readers never block. Every operation that
/// changes several rows is one transaction: it happens whole or not at all.
public final class SubscriberStore: Sendable {
  let pool: DatabasePool
  let logger: Logger
  /// Checkpoints the write-ahead log off the writers' path (SQLite's automatic checkpoint
  /// is turned off on the pool's connections).
  let checkpointer: WALCheckpointer

  /// How long a writer waits for another process's write to finish.
  public static let busyTimeout: TimeInterval = 30

  /// Opens (creating if needed) and migrates the database at `path`.
  /// - Throws: `StoreError` `.database` when it cannot be opened or is from a newer Herald.
  public init(path: String, logger: Logger = Logger(label: "herald.store")) throws {
    self.logger = logger
    var configuration = Configuration()
    configuration.busyMode = .timeout(Self.busyTimeout)
    configuration.foreignKeysEnabled = true
    configuration.prepareDatabase { db in
      // NORMAL is durable in WAL mode except across power loss of the last transactions.
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // 16 MB of page cache (default 2 MB): an import's indexes stay in memory.
      try db.execute(sql: "PRAGMA cache_size = -16384")
      // No checkpoint inside a writer's commit: the WALCheckpointer makes them.
      try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
    }
    checkpointer = WALCheckpointer(path: path, logger: logger)
    do {
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      pool = try DatabasePool(path: path, configuration: configuration)
      let migrator = Migrations.migrator
      if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
        throw StoreError(.database, "\(path) was written by a newer version of Herald; update Herald to use it")
      }
      try migrator.migrate(pool)
    } catch let error as StoreError {
      throw error
    } catch {
      throw StoreError(.database, "cannot open the subscriber database \(path): \(error). Check the file's permissions and free disk space")
    }
  }

  deinit {
    checkpointer.stop()
  }

  /// Runs a write transaction, turning SQLite errors into `StoreError`s.
  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      defer { checkpointer.wrote() }
      return try pool.write(body)
    } catch let error as StoreError {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
      throw StoreError(.database, "the subscriber database is busy: another herald process has been writing for over \(Int(Self.busyTimeout)) s; try again when it is done")
    } catch {
      throw StoreError(.database, "the subscriber database could not be updated: \(error)")
    }
  }

  /// Runs a read, turning SQLite errors into `StoreError`s.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try pool.read(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw StoreError(.database, "the subscriber database could not be read: \(error)")
    }
  }
}

// MARK: - Lists

extension SubscriberStore {
  /// Makes a list.
  /// - Throws: `.invalidInput` for a bad name, `.alreadyExists` when the name is taken.
  @discardableResult
  public func createList(name: String, title: String? = nil, description: String = "", language: String? = nil, doubleOptIn: Bool = false) throws -> MailingList {
    try Self.validateListName(name)
    return try write { db in
      if try Int64.fetchOne(db, sql: "SELECT id FROM list WHERE name = ?", arguments: [name]) != nil {
        throw StoreError(.alreadyExists, "a list named “\(name)” already exists; choose another name or use it as it is")
      }
      let now = Date()
      try db.execute(
        sql: "INSERT INTO list (name, title, description, language, double_opt_in, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        arguments: [name, title ?? name, description, language, doubleOptIn, now.timeIntervalSince1970])
      return MailingList(id: db.lastInsertedRowID, name: name, title: title ?? name, description: description, language: language, doubleOptIn: doubleOptIn, createdAt: now)
    }
  }

  /// Deletes a list and its memberships (subscribers stay, with their other lists).
  public func deleteList(name: String) throws {
    try write { db in
      let list = try Self.list(named: name, in: db)
      try db.execute(sql: "DELETE FROM list WHERE id = ?", arguments: [list.id])
    }
  }

  /// Every list, by name.
  public func lists() throws -> [MailingList] {
    try read { db in try Row.fetchAll(db, sql: "SELECT * FROM list ORDER BY name").map(Self.list(from:)) }
  }

  /// One list.
  public func list(named name: String) throws -> MailingList {
    try read { db in try Self.list(named: name, in: db) }
  }

  /// Member counts per status, for every list.
  public func counts() throws -> [String: ListCounts] {
    try read { db in
      var counts: [String: ListCounts] = [:]
      for name in try String.fetchAll(db, sql: "SELECT name FROM list") { counts[name] = ListCounts() }
      let rows = try Row.fetchAll(db, sql: """
        SELECT list.name AS name, membership.status AS status, COUNT(*) AS count
        FROM membership JOIN list ON list.id = membership.list_id
        GROUP BY list.name, membership.status
        """)
      for row in rows {
        let name: String = row["name"]
        let count: Int = row["count"]
        switch MembershipStatus(rawValue: row["status"]) {
        case .subscribed: counts[name, default: ListCounts()].subscribed = count
        case .pending: counts[name, default: ListCounts()].pending = count
        case .unsubscribed: counts[name, default: ListCounts()].unsubscribed = count
        case .bounced: counts[name, default: ListCounts()].bounced = count
        case .complained: counts[name, default: ListCounts()].complained = count
        case nil: break
        }
      }
      return counts
    }
  }

  /// A list name is a slug: it appears in List-Id headers, URLs and file names.
  static func validateListName(_ name: String) throws {
    let valid = !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
    } && !name.hasPrefix("-") && !name.hasSuffix("-")
    guard valid else {
      throw StoreError(.invalidInput, "“\(name)” is not a valid list name: use lowercase letters, digits and hyphens, like “press-en”")
    }
  }

  static func list(named name: String, in db: Database) throws -> MailingList {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM list WHERE name = ?", arguments: [name]) else {
      let known = try String.fetchAll(db, sql: "SELECT name FROM list ORDER BY name")
      let hint = known.isEmpty ? "there are no lists yet; make one with “herald lists create \(name)”" : "the lists are: \(known.joined(separator: ", "))"
      throw StoreError(.notFound, "there is no list named “\(name)”; \(hint)")
    }
    return list(from: row)
  }

  static func list(from row: Row) -> MailingList {
    MailingList(
      id: row["id"], name: row["name"], title: row["title"], description: row["description"], language: row["language"],
      doubleOptIn: row["double_opt_in"], createdAt: Date(timeIntervalSince1970: row["created_at"]), isPublic: row["public"],
      consentText: row["consent_text"])
  }
}
