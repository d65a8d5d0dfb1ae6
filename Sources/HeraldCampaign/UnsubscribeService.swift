import Foundation
import HeraldStore
import ServiceLifecycle

/// Records the unsubscribes the web server took in the store's journal
/// (`Mailroom.takeUnsubscribe`) as soon as the store can be written: a service of `herald
/// serve`. It wakes when an entry is appended (and looks every `interval` for entries another
/// process left), applies them on a thread of its own (a busy store holds that thread, never
/// the server's), and while another process holds the store's write lock tries again after a
/// growing pause, up to `retryLimit`.
///
/// On graceful shutdown it makes one last attempt; what the store could not take then stays
/// in the journal, on the disk, for the next process that opens the store to apply (the next
/// `herald serve`, or `herald send` before it plans its recipients).
package struct UnsubscribeService: Service {
  /// What the service did, for a log or a terminal.
  package enum Event: Sendable {
    /// Entries recorded in the store.
    case applied(Int)
    /// The store was busy (another process writing); the next attempt is in `retryIn`.
    case busy(retryIn: Duration)
    /// The journal or the store failed otherwise; the next attempt is in `retryIn`.
    case failed(any Error, retryIn: Duration)
    /// Stopping with entries still in the journal, for the next process.
    case leftInJournal
  }

  /// The longest pause between two attempts on a busy store, unless told otherwise.
  package static let defaultRetryLimit: Duration = .seconds(5)

  let store: SubscriberStore
  let retryLimit: Duration
  let interval: Duration
  let onEvent: @Sendable (Event) -> Void

  init(store: SubscriberStore, retryLimit: Duration, interval: Duration = .seconds(10), onEvent: @escaping @Sendable (Event) -> Void) {
    self.store = store
    self.retryLimit = retryLimit
    self.interval = interval
    self.onEvent = onEvent
  }

  package func run() async throws {
    var pause: Duration?  // after a failed attempt
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
      if let pause {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
      } else {
        await cancelWhenGracefulShutdown { await store.unsubscribes.appended.wait(for: interval, clock: ContinuousClock()) }
      }
      if Task.isShuttingDownGracefully || Task.isCancelled { break }
      pause = await attempt(after: pause)
    }
    // One last attempt: requests in flight when the stop came have been answered by now.
    if await attempt(after: nil) != nil { onEvent(.leftInJournal) }
  }

  /// Applies what is pending; returns the pause before the next attempt, or nil when done.
  private func attempt(after pause: Duration?) async -> Duration? {
    guard store.unsubscribes.hasPending else { return nil }
    do {
      let applied = try await BlockingWork.runOnThread(named: "herald-unsubscribes") { [store] in
        try store.applyPendingUnsubscribes(wait: false)
      }
      // nil: another process is applying them; look again soon.
      guard let applied else { return Self.next(after: pause, limit: retryLimit) }
      if applied > 0 { onEvent(.applied(applied)) }
      return store.unsubscribes.hasPending ? .zero : nil
    } catch let error as StoreError where error.code == .busy {
      let next = Self.next(after: pause, limit: retryLimit)
      onEvent(.busy(retryIn: next))
      return next
    } catch {
      let next = max(Self.next(after: pause, limit: retryLimit), .seconds(1))
      onEvent(.failed(error, retryIn: next))
      return next
    }
  }

  /// A tenth of a second, then twice the last pause, up to `limit`.
  static func next(after pause: Duration?, limit: Duration) -> Duration {
    guard let pause, pause > .zero else { return min(.milliseconds(100), limit) }
    return min(pause * 2, limit)
  }
}
