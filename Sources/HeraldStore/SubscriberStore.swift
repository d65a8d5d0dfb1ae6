import Foundation
import GRDB
import HeraldCore
import HeraldMail
import Logging

/// The subscriber store: lists, subscribers, their memberships with consent evidence, and
/// the suppression list, in one SQLite database (Lists/herald.sqlite, WAL mode).
///
/// Several herald processes may use it at once: writers take turns (a writer waits up to
/// `busyTimeout` for another to finish) and readers never block. Every operation that
/// changes several rows is one transaction: it happens whole or not at all.
package final class SubscriberStore: Sendable {
  let pool: DatabasePool
  let logger: Logger
  /// Checkpoints the write-ahead log off the writers' path (SQLite's automatic checkpoint
  /// is turned off on the pool's connections).
  let checkpointer: WALCheckpointer
  private let writes = Shared(0)

  /// How many writes that changed rows this store (this process) has made: a page kept for a
  /// few seconds is made again once it changes (the desk's cache). Another process's writes
  /// are not counted.
  package var generation: Int { writes.value }

  /// The store's files that other users could read when it was opened, made owner-only
  /// since: the caller tells people (each is also logged as a warning).
  package let tightenedFiles: [StoreFiles.Tightened]

  /// The unsubscribes taken while the store may be busy (Lists/unsubscribes.journal),
  /// applied by `applyPendingUnsubscribes()`.
  package let unsubscribes: UnsubscribeJournal
  /// How long a writer of this store waits for another process's write to finish.
  package let busyTimeout: TimeInterval

  /// How long a writer waits for another process's write to finish, unless told otherwise.
  package static let defaultBusyTimeout: TimeInterval = 30

  /// Opens (creating if needed) and migrates the database at `path`.
  /// - Parameter busyTimeout: how long a write waits for another process's (tests shorten it).
  /// - Throws: `StoreError` `.database` when it cannot be opened or is from a newer Herald.
  package init(path: String, busyTimeout: TimeInterval = SubscriberStore.defaultBusyTimeout, logger: Logger = Logger(label: "herald.store")) throws {
    self.logger = logger
    self.busyTimeout = busyTimeout
    unsubscribes = UnsubscribeJournal(directory: (path as NSString).deletingLastPathComponent, logger: logger)
    var configuration = Configuration()
    configuration.busyMode = .timeout(busyTimeout)
    configuration.foreignKeysEnabled = true
    configuration.prepareDatabase { db in
      // NORMAL is durable in WAL mode except across power loss of the last transactions.
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // 16 MB of page cache (default 2 MB): an import's indexes stay in memory.
      try db.execute(sql: "PRAGMA cache_size = -16384")
      // No checkpoint inside a writer's commit: the WALCheckpointer makes them.
      try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
      // Case-insensitive comparison in any script, for a send's conditions (--where).
      db.add(function: SubscriberCondition.foldFunction)
    }
    checkpointer = WALCheckpointer(path: path, logger: logger)
    do {
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      do {
        tightenedFiles = try StoreFiles.secure(path)
      } catch {
        throw StoreError(.database, "cannot make the subscriber database \(path) owner-only: \(error). Check that you own the file and its folder", underlying: error as? POSIXError)
      }
      for file in tightenedFiles { logger.warning("\(file)") }
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
  /// - Parameter counted: whether a change counts in `generation` (sessions and sign-ins do
  ///   not: no page is made from them).
  func write<T>(counted: Bool = true, _ body: (Database) throws -> T) throws -> T {
    do {
      defer { checkpointer.wrote() }
      return try pool.write { db in
        let before = db.totalChangesCount
        let result = try body(db)
        // Only a write that changed rows counts (applying no pending unsubscribes does not).
        if counted && db.totalChangesCount != before { writes.withLock { $0 += 1 } }
        return result
      }
    } catch let error as StoreError {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
      throw StoreError(.busy, "the subscriber database is busy: another herald process has been writing for over \(busyTimeout.formatted()) s; try again when it is done", underlying: error)
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
