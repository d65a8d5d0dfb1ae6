#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle
import Synchronization

/// Subscription requests from the public form, handled after the form has been answered: a
/// queue in the process and the service of `herald serve` that empties it through
/// `Mailroom.requestSubscription`.
///
/// Why: a new address's request writes a confirmation to the Outbox (composed, signed,
/// flushed: milliseconds), an address already subscribed or suppressed writes nothing. Were
/// the form answered after that work, the time of one answer would tell who is on a list.
/// The form's handler checks only what does not depend on the address's membership, hands
/// the request over (`submit`) and answers the same page in every case.
///
/// On graceful shutdown the requests still queued are handled before the service returns.
package final class SubscriptionRequests: Service, Sendable {
  /// What happened to one request, for a log.
  package enum Event: Sendable {
    /// Handled: what the store decided.
    case handled(SubscriberStore.SubscriptionRequest, list: String)
    /// It failed (after retries while the store was busy); the visitor can send the form again.
    case failed(any Error, list: String)
    /// The queue was full (`capacity`): the request was dropped.
    case dropped(list: String)
  }

  /// How many requests may wait at most, unless told otherwise. The forms' rate limit keeps
  /// the queue short; this bounds the memory a flood from many addresses can take.
  package static let defaultCapacity = 10_000
  /// How many times a request is tried while the store is busy.
  static let attempts = 3

  private struct State {
    var queue: [Mailroom.SubscriptionForm] = []
    var working = false
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
  }

  private let mailroom: Mailroom
  private let capacity: Int
  private let onEvent: @Sendable (Event) -> Void
  private let state = Mutex(State())
  private let submitted = Wakeup()

  /// A queue whose service hands each request to `mailroom`.
  package init(
    mailroom: Mailroom, capacity: Int = SubscriptionRequests.defaultCapacity, onEvent: @escaping @Sendable (Event) -> Void = { _ in }
  ) {
    self.mailroom = mailroom
    self.capacity = capacity
    self.onEvent = onEvent
  }

  /// Queues a request and returns at once (it does no I/O).
  package func submit(_ form: Mailroom.SubscriptionForm) {
    let queued = state.withLock { state -> Bool in
      guard state.queue.count < capacity else { return false }
      state.queue.append(form)
      return true
    }
    if queued { submitted.signal() } else { onEvent(.dropped(list: form.list)) }
  }

  /// Returns once every request submitted so far has been handled (a test's way to wait for
  /// the service, and a shutdown's).
  package func idle() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let now = state.withLock { state -> Bool in
        if state.queue.isEmpty && !state.working { return true }
        state.idleWaiters.append(continuation)
        return false
      }
      if now { continuation.resume() }
    }
  }

  package func run() async throws {
    while true {
      await handleQueued()
      if Task.isShuttingDownGracefully || Task.isCancelled { break }
      await cancelWhenGracefulShutdown { await self.submitted.wait(for: .seconds(60), clock: ContinuousClock()) }
    }
    // Stopping: what came in with the last requests is handled before the process exits.
    await handleQueued()
  }

  /// Handles requests until the queue is empty, then wakes whoever waits for that: on a
  /// thread of its own below the requests' CPU priority (nice 10), so that composing,
  /// signing and flushing a confirmation takes only the CPU the requests leave, and the
  /// answers that follow come as fast whatever the one before was.
  private func handleQueued() async {
    _ = try? await BlockingWork.runOnThread(named: "herald-subscriptions") { [self] in
      Self.lowerThisThreadsPriority()
      while let form = take() { handle(form) }
    }
  }

  private static func lowerThisThreadsPriority() {
    #if os(Linux)
    // On Linux a thread has its own nice value; 0 names the calling thread.
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    #endif
  }

  /// The next request, marking the queue as being worked on; nil (and the idle waiters
  /// woken) when there is none.
  private func take() -> Mailroom.SubscriptionForm? {
    let (form, waiters) = state.withLock { state -> (Mailroom.SubscriptionForm?, [CheckedContinuation<Void, Never>]) in
      guard state.queue.isEmpty else {
        state.working = true
        return (state.queue.removeFirst(), [])
      }
      state.working = false
      defer { state.idleWaiters.removeAll() }
      return (nil, state.idleWaiters)
    }
    for waiter in waiters { waiter.resume() }
    return form
  }

  private func handle(_ form: Mailroom.SubscriptionForm) {
    var pause: TimeInterval = 0.2
    for attempt in 1...Self.attempts {
      do {
        onEvent(.handled(try mailroom.requestSubscriptionNow(form), list: form.list))
        return
      } catch let error as StoreError where error.code == .busy && attempt < Self.attempts {
        Thread.sleep(forTimeInterval: pause)
        pause *= 2
      } catch {
        onEvent(.failed(error, list: form.list))
        return
      }
    }
  }
}
