#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The Outbox's group commit: results recorded by the senders are flushed to the disk
/// together, by a thread of its own, after `resultsPerFlush` results or a second after the
/// first unflushed one, whichever comes first. A sender never waits for the disk: a flush of
/// the whole filesystem (syncfs) takes from milliseconds to half a second here, depending on
/// what else writes to the disk, and used to hold up the sending thread that did it.
///
/// Every result is in the kernel before it is counted here (a killed process loses nothing);
/// the flush is for a power cut, which can undo at most the last second of results (those
/// messages are sent again: at least once, never lost).
final class ResultFlusher: @unchecked Sendable {  // state guarded by `condition`
  private let condition = NSCondition()
  /// Flushes the filesystem; called on the flusher's thread, never with the lock held.
  private let flush: @Sendable () throws -> Void
  private let resultsPerFlush: Int
  private let maximumDelay: TimeInterval
  /// Results recorded and not yet flushed, and when the first of them came.
  private var pending = 0
  private var firstPending: Date?
  /// Flushes begun and ended, counted: a caller waits for one begun after it asked.
  private var started = 0
  private var finished = 0
  private var wanted = 0
  /// The last flush's failure, until someone is told.
  private var failure: (any Error)?
  private var running = false
  private var stopping = false

  /// - Parameters:
  ///   - resultsPerFlush: results that make a flush at once.
  ///   - maximumDelay: the longest a result waits for its flush.
  ///   - flush: what a flush does (syncfs of the Outbox's filesystem).
  init(resultsPerFlush: Int, maximumDelay: TimeInterval, flush: @escaping @Sendable () throws -> Void) {
    self.resultsPerFlush = resultsPerFlush
    self.maximumDelay = maximumDelay
    self.flush = flush
  }

  /// Counts a result that is in the kernel; it will be on the disk within `maximumDelay`.
  /// - Throws: the error of a flush that failed since the last call: the disk cannot be
  ///   written, and the caller should stop.
  func recorded() throws {
    condition.lock()
    defer { condition.unlock() }
    if let failure {
      self.failure = nil
      throw failure
    }
    pending += 1
    if firstPending == nil { firstPending = Date() }
    if !running {
      startThread()
    } else if pending == resultsPerFlush {
      condition.broadcast()
    }
  }

  /// Flushes every result counted so far, and returns when they are on the disk.
  /// - Throws: the error of the flush, or of one that failed before without being told.
  func flushNow() throws {
    condition.lock()
    defer { condition.unlock() }
    if let failure {
      self.failure = nil
      throw failure
    }
    guard pending > 0 || started > finished else { return }
    // A flush begun before this call may have missed the latest results: wait for the next.
    let target = (pending > 0 ? started : finished) + 1
    wanted = max(wanted, target)
    if !running { startThread() }
    condition.broadcast()
    while finished < target && running { condition.wait() }
    if let failure {
      self.failure = nil
      throw failure
    }
  }

  /// Flushes what is pending and ends the thread; called when the Outbox closes.
  func stop() {
    try? flushNow()
    condition.lock()
    stopping = true
    condition.broadcast()
    while running { condition.wait() }
    condition.unlock()
  }

  /// Starts the thread; called with the lock held. It ends once nothing has come for a
  /// while, and the next result starts it again.
  private func startThread() {
    running = true
    let thread = Thread { [self] in run() }
    thread.name = "herald-outbox-flush"
    thread.start()
  }

  private func run() {
    condition.lock()
    defer {
      running = false
      condition.broadcast()
      condition.unlock()
    }
    while true {
      if pending == 0 && wanted <= finished {
        // Idle: end after a while without results (or at once when stopping).
        if stopping || !condition.wait(until: Date().addingTimeInterval(2)) && pending == 0 && wanted <= finished { return }
        continue
      }
      let due = (firstPending ?? Date()).addingTimeInterval(maximumDelay)
      if pending < resultsPerFlush && wanted <= finished && !stopping && Date() < due {
        _ = condition.wait(until: due)
        continue
      }
      pending = 0
      firstPending = nil
      started += 1
      condition.unlock()
      var error: (any Error)?
      do { try flush() } catch let failed { error = failed }
      condition.lock()
      finished += 1
      if let error { failure = error }
      condition.broadcast()
    }
  }
}
