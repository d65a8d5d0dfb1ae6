import Foundation
import Testing
import HeraldDelivery

struct RetryPolicyTests {
  static let table: [(age: Double, delay: Double?)] = [
    (0, 300), (60, 300), (3600, 3600), (2 * 3600, 4020), (5 * 86400, 4020), (6 * 86400, nil),
  ]

  @Test(arguments: table)
  func delayIsTheAgeClampedUntilTheQueueLifetime(age: Double, delay: Double?) {
    let created = Date(timeIntervalSince1970: 1_000_000)
    let now = created.addingTimeInterval(age)
    let next = RetryPolicy().nextAttempt(createdAt: created, now: now)
    #expect(next.map { $0.timeIntervalSince(now) } == delay)
  }

  @Test func limitsAreConfigurable() {
    let policy = RetryPolicy(minimalBackoff: 10, maximalBackoff: 20, queueLifetime: 100)
    let created = Date(timeIntervalSince1970: 0)
    #expect(policy.nextAttempt(createdAt: created, now: Date(timeIntervalSince1970: 1)) == Date(timeIntervalSince1970: 11))
    #expect(policy.nextAttempt(createdAt: created, now: Date(timeIntervalSince1970: 50)) == Date(timeIntervalSince1970: 70))
    #expect(policy.nextAttempt(createdAt: created, now: Date(timeIntervalSince1970: 101)) == nil)
  }
}
