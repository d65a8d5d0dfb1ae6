import Foundation

/// State that threads share and wait on: the state behind a lock, and a condition to wait
/// for it to change. `Shared` is the lock box for state nobody waits on; this one is for a
/// thread that must sleep until another changes something (a queue with room, a batch
/// written, a run's end). The state is reached only through its methods.
public final class Monitor<State>: @unchecked Sendable {  // `state` is only touched with `condition` locked
  private let condition = NSCondition()
  private var state: State

  /// Shares `state`.
  public init(_ state: State) {
    self.state = state
  }

  /// Runs `body` with the state; the waiters are woken when `body` returns (unless `wake`
  /// is false: a change nobody waits for, on a hot path, costs no wake-up).
  @discardableResult
  public func update<Result>(wake: Bool = true, _ body: (inout State) throws -> Result) rethrows -> Result {
    condition.lock()
    defer {
      if wake { condition.broadcast() }
      condition.unlock()
    }
    return try body(&state)
  }

  /// Runs `body` with the state, waking nobody (a read).
  public func read<Result>(_ body: (State) throws -> Result) rethrows -> Result {
    condition.lock()
    defer { condition.unlock() }
    return try body(state)
  }

  /// Waits until `ready` holds (or `deadline` passes), then runs `body` with the state and
  /// wakes the other waiters.
  /// - Returns: what `body` gave, or nil when the deadline passed first.
  @discardableResult
  public func wait<Result>(until ready: (State) -> Bool, deadline: Date? = nil, then body: (inout State) throws -> Result) rethrows -> Result? {
    condition.lock()
    defer { condition.unlock() }
    while !ready(state) {
      if let deadline {
        if !condition.wait(until: deadline) && !ready(state) { return nil }
      } else {
        condition.wait()
      }
    }
    defer { condition.broadcast() }
    return try body(&state)
  }
}
