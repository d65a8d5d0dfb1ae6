import Foundation

/// When to try a deferred message again, after Postfix: wait as long as the message is old,
/// but no less than `minimalBackoff` and no more than `maximalBackoff`; give up once it is
/// older than `queueLifetime`.
package struct RetryPolicy: Sendable, Equatable {
  /// The shortest wait before another attempt, in seconds (Postfix minimal_backoff_time).
  package var minimalBackoff: TimeInterval = 300
  /// The longest wait before another attempt, in seconds (Postfix maximal_backoff_time).
  package var maximalBackoff: TimeInterval = 4020
  /// How long, in seconds, a message may stay undelivered before it fails (Postfix
  /// maximal_queue_lifetime, 5 days).
  package var queueLifetime: TimeInterval = 5 * 24 * 3600

  /// A policy; every value has Postfix's default.
  package init(minimalBackoff: TimeInterval = 300, maximalBackoff: TimeInterval = 4020, queueLifetime: TimeInterval = 5 * 24 * 3600) {
    self.minimalBackoff = minimalBackoff
    self.maximalBackoff = maximalBackoff
    self.queueLifetime = queueLifetime
  }

  /// When to try a message made at `createdAt` again after a temporary failure at `now`.
  /// - Returns: The time of the next attempt, or nil when the message is older than the
  ///   queue lifetime and should fail.
  package func nextAttempt(createdAt: Date, now: Date) -> Date? {
    let age = max(0, now.timeIntervalSince(createdAt))
    guard age <= queueLifetime else { return nil }
    let delay = min(max(age, minimalBackoff), max(minimalBackoff, maximalBackoff))
    return now.addingTimeInterval(delay)
  }
}
