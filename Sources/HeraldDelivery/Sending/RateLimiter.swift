import Foundation
import Synchronization

/// A token bucket shared by all connections: `acquire` returns when one more message may
/// go, keeping to a per-second and a per-hour limit (each a bucket that refills smoothly).
final class RateLimiter: Sendable {
  private struct Bucket {
    let rate: Double  // tokens per second
    let capacity: Double
    var tokens: Double
  }

  private struct State {
    var buckets: [Bucket]
    var last: TimeInterval
  }

  private let state: Mutex<State>

  init(perSecond: Double?, perHour: Double?) {
    var buckets: [Bucket] = []
    // A burst of at most one second's worth (or one message) keeps the rate smooth.
    if let perSecond, perSecond > 0 { buckets.append(Bucket(rate: perSecond, capacity: max(1, perSecond), tokens: 1)) }
    if let perHour, perHour > 0 { buckets.append(Bucket(rate: perHour / 3600, capacity: max(1, perHour / 60), tokens: 1)) }
    state = Mutex(State(buckets: buckets, last: ProcessInfo.processInfo.systemUptime))
  }

  /// Waits until a message may be sent, unless `stopped` becomes true.
  func acquire(stopped: () -> Bool) {
    while !stopped() {
      let wait: TimeInterval = state.withLock { state in
        let now = ProcessInfo.processInfo.systemUptime
        let elapsed = now - state.last
        state.last = now
        for index in state.buckets.indices {
          state.buckets[index].tokens = min(state.buckets[index].capacity, state.buckets[index].tokens + elapsed * state.buckets[index].rate)
        }
        if state.buckets.allSatisfy({ $0.tokens >= 1 }) {
          for index in state.buckets.indices { state.buckets[index].tokens -= 1 }
          return 0
        }
        return state.buckets.map { $0.tokens >= 1 ? 0 : (1 - $0.tokens) / $0.rate }.max() ?? 0
      }
      if wait == 0 { return }
      Thread.sleep(forTimeInterval: min(wait, 0.25))
    }
  }
}
