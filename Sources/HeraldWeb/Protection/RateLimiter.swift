import Foundation
import Synchronization

/// A token bucket per key (a client's address): each key may take `burst` requests at once,
/// then `rate` per second as its bucket refills.
///
/// Memory is bounded by `maximumKeys`. A full bucket is the same as no bucket (a new key
/// starts full), so dropping one loses nothing; when a new key would exceed the bound, all
/// full buckets go first, then the least recently used ones. Dropping a bucket that is not
/// full gives that key a fresh burst, so this only happens when more than `maximumKeys`
/// clients are active at once; it then drops an eighth of the bound in one sweep, so that a
/// flood of new keys costs a sweep per `maximumKeys / 8` keys and not one per request.
package final class RateLimiter: Sendable {
  /// What ``RateLimiter/take(_:at:)`` decided.
  package enum Decision: Sendable, Equatable {
    /// The request may go ahead.
    case allowed
    /// The request is refused; the key gets a token again in `retryAfter` whole seconds
    /// (at least 1), the value of a `Retry-After` header.
    case limited(retryAfter: Int)
  }

  private struct Bucket {
    var tokens: Double
    /// When `tokens` was last brought up to date: the key's last request.
    var updated: TimeInterval
  }

  // Floating-point refills (0.1 + 0.2 …) may land a hair under a whole token.
  private static let tolerance = 1e-9

  private let rate: Double
  private let burst: Double
  private let maximumKeys: Int
  private let buckets: Mutex<[String: Bucket]>

  /// Makes a limiter.
  /// - Parameters:
  ///   - rate: Tokens added to each key's bucket per second.
  ///   - burst: The size of each bucket: the requests a key may make at once.
  ///   - maximumKeys: The most keys held at once.
  package init(rate: Double, burst: Int, maximumKeys: Int = 100_000) {
    precondition(rate > 0 && rate.isFinite, "a rate limiter needs a positive rate")
    precondition(burst >= 1, "a rate limiter needs a burst of at least 1")
    precondition(maximumKeys >= 1, "a rate limiter needs room for at least one key")
    self.rate = rate
    self.burst = Double(burst)
    self.maximumKeys = maximumKeys
    self.buckets = Mutex([:])
  }

  /// Takes a token from `key`'s bucket at `date`, if it has one.
  ///
  /// A `date` earlier than the key's last request (the clock stepped back) refills nothing.
  package func take(_ key: String, at date: Date) -> Decision {
    let now = date.timeIntervalSince1970
    return buckets.withLock { buckets in
      var bucket: Bucket
      if let held = buckets[key] {
        bucket = held
        bucket.tokens = tokens(in: held, at: now)
        bucket.updated = max(held.updated, now)
      } else {
        if buckets.count >= maximumKeys { evict(from: &buckets, at: now) }
        bucket = Bucket(tokens: burst, updated: now)
      }
      let decision: Decision
      if bucket.tokens + Self.tolerance >= 1 {
        bucket.tokens = max(0, bucket.tokens - 1)
        decision = .allowed
      } else {
        let wait = ((1 - bucket.tokens) / rate).rounded(.up)
        decision = .limited(retryAfter: wait >= Double(Int.max) ? Int.max : max(1, Int(wait)))
      }
      buckets[key] = bucket
      return decision
    }
  }

  /// The number of keys held, for tests.
  var keyCount: Int { buckets.withLock { $0.count } }

  private func tokens(in bucket: Bucket, at now: TimeInterval) -> Double {
    min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
  }

  private func evict(from buckets: inout [String: Bucket], at now: TimeInterval) {
    buckets = buckets.filter { tokens(in: $0.value, at: now) + Self.tolerance < burst }
    let target = maximumKeys - max(1, maximumKeys / 8)
    guard buckets.count > target else { return }
    let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
    for (key, _) in oldest { buckets[key] = nil }
  }
}
