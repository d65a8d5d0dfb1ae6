import Foundation
import Synchronization

/// The pace of a delivery run: a token bucket shared by all connections for a per-second
/// and a per-hour limit (each refills smoothly). A connection asks `reserve(at:)` before
/// each message and waits as long as it says; nothing sleeps here, so the time can be
/// given by a test.
final class SendingPace: Sendable {
  private struct Bucket {
    let rate: Double  // tokens per second
    let capacity: Double
    var tokens: Double
  }

  private struct State {
    var buckets: [Bucket]
    var last: TimeInterval?
  }

  private let state: Mutex<State>
  // Floating-point refills (0.1 + 0.2 …) may land a hair under a whole token: asked again,
  // such a bucket would give a wait too short to move any clock, again and again.
  private static let tolerance = 1e-9

  /// A pace of at most `perSecond` and `perHour` messages (nil or 0: no such limit).
  init(perSecond: Double?, perHour: Double?) {
    var buckets: [Bucket] = []
    // A burst of at most one second's worth (or one message) keeps the rate smooth.
    if let perSecond, perSecond > 0 { buckets.append(Bucket(rate: perSecond, capacity: max(1, perSecond), tokens: 1)) }
    if let perHour, perHour > 0 { buckets.append(Bucket(rate: perHour / 3600, capacity: max(1, perHour / 60), tokens: 1)) }
    state = Mutex(State(buckets: buckets))
  }

  /// Whether there is a limit at all.
  var isLimited: Bool { state.withLock { !$0.buckets.isEmpty } }

  /// Takes a message's turn at `now` (seconds on a monotonic clock) and returns 0, or
  /// returns how many seconds to wait before asking again (nothing is taken then).
  func reserve(at now: TimeInterval) -> TimeInterval {
    state.withLock { state in
      let elapsed = max(0, now - (state.last ?? now))
      state.last = now
      for index in state.buckets.indices {
        state.buckets[index].tokens = min(state.buckets[index].capacity, state.buckets[index].tokens + elapsed * state.buckets[index].rate)
      }
      if state.buckets.allSatisfy({ $0.tokens >= 1 - Self.tolerance }) {
        for index in state.buckets.indices { state.buckets[index].tokens = max(0, state.buckets[index].tokens - 1) }
        return 0
      }
      return state.buckets.map { $0.tokens >= 1 - Self.tolerance ? 0 : (1 - $0.tokens) / $0.rate }.max() ?? 0
    }
  }
}
