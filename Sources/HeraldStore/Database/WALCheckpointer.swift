import Foundation
import GRDBSQLite
import Logging

/// Checkpoints the store's write-ahead log from a thread and a connection of its own, so
/// that no write waits for it.
///
/// SQLite's own automatic checkpoint runs in the transaction whose commit crosses a
/// thousand pages of log, on the writer, with two fsyncs: every write behind it waits.
/// In `herald serve`, where one-click unsubscribes and the delivery log of a campaign write
/// at once, those fsyncs took up to a third of a second on a busy disk, and the one-click
/// endpoint fell from about 3,000 to about 1,200 requests a second while a campaign went
/// out. Here a PASSIVE checkpoint (it never waits for readers or writers, and they never
/// wait for it) runs once a second while the store has been written, on its own
/// connection; the store's connections have the automatic one turned off.
final class WALCheckpointer: @unchecked Sendable {  // state guarded by `condition`
  private let path: String
  private let logger: Logger
  private let condition = NSCondition()
  private var written = false
  private var running = false
  private var stopping = false
  private var warned = false

  /// How often the log is checkpointed while the store is being written.
  static let interval: TimeInterval = 1

  init(path: String, logger: Logger) {
    self.path = path
    self.logger = logger
  }

  /// Notes that a transaction was committed: a checkpoint follows within `interval`.
  func wrote() {
    condition.lock()
    defer { condition.unlock() }
    written = true
    if !running && !stopping {
      running = true
      let thread = Thread { [self] in run() }
      thread.name = "herald-store-checkpoint"
      thread.start()
    }
  }

  /// Checkpoints what is left and ends the thread; called when the store closes.
  func stop() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while running { condition.wait() }
    condition.unlock()
  }

  private func run() {
    var opened: OpaquePointer?
    let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE, nil)
    defer { if let opened { sqlite3_close_v2(opened) } }
    guard status == SQLITE_OK, let connection = opened else {
      warnOnce("cannot open \(path) to checkpoint its log: \(opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")")
      condition.lock()
      running = false
      condition.broadcast()
      condition.unlock()
      return
    }
    // A connection sees the log once it has read the database: until then a checkpoint
    // takes it for a database without one, and does nothing.
    if sqlite3_exec(connection, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) != SQLITE_OK {
      warnOnce("cannot read \(path) to checkpoint its log: \(String(cString: sqlite3_errmsg(connection)))")
    }
    condition.lock()
    var idle = 0
    while true {
      let deadline = Date().addingTimeInterval(Self.interval)
      while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
      if written {
        written = false
        idle = 0
        condition.unlock()
        checkpoint(connection)
        condition.lock()
        continue
      }
      idle += 1
      // Nothing written for a while (or the store closing): the thread ends, deciding so
      // under the lock, so that a write at that moment starts another.
      if stopping || idle >= Self.idleRounds {
        running = false
        condition.broadcast()
        condition.unlock()
        return
      }
    }
  }

  /// Seconds without a write after which the thread ends.
  private static let idleRounds = 5

  private func checkpoint(_ connection: OpaquePointer) {
    var logFrames: Int32 = 0
    var checkpointed: Int32 = 0
    let result = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &checkpointed)
    // SQLITE_BUSY: another checkpoint (another process's) is running; the next one catches up.
    if result != SQLITE_OK && result != SQLITE_BUSY {
      warnOnce("cannot checkpoint the log of \(path): \(String(cString: sqlite3_errmsg(connection)))")
    }
  }

  /// A checkpoint that cannot be made loses nothing (the log keeps every transaction, and
  /// SQLite checkpoints it when the last connection closes): say so once.
  private func warnOnce(_ message: String) {
    condition.lock()
    let first = !warned
    warned = true
    condition.unlock()
    if first { logger.warning("\(message)") }
  }
}
