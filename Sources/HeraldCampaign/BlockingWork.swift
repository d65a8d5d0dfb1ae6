import Foundation
import NIOCore
import NIOPosix

/// Where blocking work runs, so that it never holds an event loop or a thread of Swift's
/// cooperative pool: SQLite, fsync and libcurl block their thread.
///
/// - `run(_:)`: short work (a store call, an Outbox write, composing a preview, checking a
///   password) on Herald's pool of blocking threads: at least 8, four per core. NIO's own
///   pool has one thread per core, and a few sign-ins (bcrypt, a quarter of a second each) or
///   previews would take all of them, so that a page waiting for one store read would wait
///   for them all.
/// - `runOnThread(named:_:)`: long work (a delivery run, an IMAP fetch) on a thread of its
///   own, so that it never takes a pool thread for minutes.
package enum BlockingWork {
  /// Runs `work` on the blocking pool and returns what it gives.
  package static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await pool.runIfActive(work)
  }

  /// The pool, started when first used and kept for the life of the process.
  static let pool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: max(8, System.coreCount * 4))
    pool.start()
    return pool
  }()

  /// Runs `work` on a thread of its own and returns what it gives when it ends.
  package static func runOnThread<T: Sendable>(named name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(with: Result(catching: work))
      }
      thread.name = name
      thread.start()
    }
  }
}
