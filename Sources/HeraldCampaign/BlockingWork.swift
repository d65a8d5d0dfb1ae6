import Foundation
import NIOPosix

/// Where blocking work runs, so that it never holds an event loop or a thread of Swift's
/// cooperative pool: SQLite, fsync and libcurl block their thread.
///
/// - `run(_:)`: short work (a store call, an Outbox write) on the process's pool of
///   blocking threads (NIO's `NIOThreadPool.singleton`, the pool Hummingbird's file I/O
///   uses).
/// - `runOnThread(named:_:)`: long work (a delivery run, an IMAP fetch) on a thread of its
///   own, so that it never takes a pool thread for minutes.
package enum BlockingWork {
  /// Runs `work` on the blocking pool and returns what it gives.
  package static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
  }

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
