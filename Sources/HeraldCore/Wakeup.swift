import Synchronization

/// A signal one side sends and another waits for, with a time limit: a delivery loop
/// sleeps until its next retry is due or until new mail is enqueued, whichever comes
/// first, without looking again and again. A signal sent while nobody waits is kept for
/// the next wait (one, however many were sent).
public final class Wakeup: Sendable {
  private struct State {
    var pending = false
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var cancelled: Set<UInt64> = []
    var nextID: UInt64 = 0
  }

  private let state = Mutex(State())

  /// Makes a wakeup with no signal pending.
  public init() {}

  /// Wakes every waiter; with none, the next wait returns at once.
  public func signal() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      guard !state.waiters.isEmpty else {
        state.pending = true
        return []
      }
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Waits until a signal, until `duration` has passed on `clock`, or until the task is
  /// cancelled, whichever comes first.
  public func wait<C: Clock>(for duration: C.Duration, clock: C) async where C.Duration == Duration {
    if state.withLock({ state in
      defer { state.pending = false }
      return state.pending
    }) { return }
    await withTaskGroup(of: Void.self) { group in
      group.addTask { try? await clock.sleep(for: duration) }
      group.addTask { await self.signalled() }
      await group.next()
      group.cancelAll()
    }
  }

  /// Waits for a signal, or for the task's cancellation.
  private func signalled() async {
    let id = state.withLock { state -> UInt64 in
      defer { state.nextID += 1 }
      return state.nextID
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state -> Bool in
          if state.pending || state.cancelled.contains(id) {
            state.pending = false
            state.cancelled.remove(id)
            return true
          }
          state.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
        if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
        // Cancelled before it began to wait: it returns as soon as it does.
        state.cancelled.insert(id)
        return nil
      }
      waiter?.resume()
    }
  }
}
