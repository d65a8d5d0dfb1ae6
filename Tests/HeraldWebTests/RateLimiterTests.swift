import Foundation
import Synchronization
import Testing

@testable import HeraldWeb

struct RateLimiterTests {
  static let start = Date(timeIntervalSince1970: 1_750_000_000)

  @Test(arguments: [1, 5, 20])
  func burstIsAllowedThenLimited(_ burst: Int) {
    let limiter = RateLimiter(rate: 1, burst: burst)
    for _ in 0..<burst { #expect(limiter.take("192.0.2.1", at: Self.start) == .allowed) }
    #expect(limiter.take("192.0.2.1", at: Self.start) == .limited(retryAfter: 1))
    #expect(limiter.take("192.0.2.1", at: Self.start) == .limited(retryAfter: 1))
  }

  @Test func bucketRefillsAtTheRate() {
    let limiter = RateLimiter(rate: 0.5, burst: 2)  // a token every 2 seconds
    #expect(limiter.take("a", at: Self.start) == .allowed)
    #expect(limiter.take("a", at: Self.start) == .allowed)
    #expect(limiter.take("a", at: Self.start + 1) == .limited(retryAfter: 1))
    #expect(limiter.take("a", at: Self.start + 2) == .allowed)
    #expect(limiter.take("a", at: Self.start + 2) == .limited(retryAfter: 2))
    // A long pause refills to the burst, not beyond.
    let later = Self.start + 3600
    #expect(limiter.take("a", at: later) == .allowed)
    #expect(limiter.take("a", at: later) == .allowed)
    #expect(limiter.take("a", at: later) == .limited(retryAfter: 2))
  }

  @Test func fractionalRatesAddUpToWholeTokens() {
    let limiter = RateLimiter(rate: 0.1, burst: 1)
    #expect(limiter.take("a", at: Self.start) == .allowed)
    var date = Self.start
    for _ in 0..<9 {
      date += 1
      #expect(limiter.take("a", at: date) != .allowed)
    }
    #expect(limiter.take("a", at: date + 1) == .allowed)
  }

  @Test(arguments: [
    (rate: 0.3, expected: 4),  // 3.33 s
    (rate: 2.0, expected: 1),  // 0.5 s: never less than a whole second
    (rate: 1.0 / 60, expected: 60),
    (rate: 1.0 / 61.5, expected: 62),
  ])
  func retryAfterIsWholeSecondsRoundedUp(_ rate: Double, _ expected: Int) {
    let limiter = RateLimiter(rate: rate, burst: 1)
    #expect(limiter.take("a", at: Self.start) == .allowed)
    #expect(limiter.take("a", at: Self.start) == .limited(retryAfter: expected))
  }

  @Test func retryAfterShrinksAsTheBucketRefills() {
    let limiter = RateLimiter(rate: 0.1, burst: 1)
    #expect(limiter.take("a", at: Self.start) == .allowed)
    #expect(limiter.take("a", at: Self.start + 0.5) == .limited(retryAfter: 10))
    #expect(limiter.take("a", at: Self.start + 7.2) == .limited(retryAfter: 3))
    #expect(limiter.take("a", at: Self.start + 9.99) == .limited(retryAfter: 1))
  }

  @Test func keysHaveTheirOwnBuckets() {
    let limiter = RateLimiter(rate: 1, burst: 2)
    #expect(limiter.take("192.0.2.1", at: Self.start) == .allowed)
    #expect(limiter.take("192.0.2.1", at: Self.start) == .allowed)
    #expect(limiter.take("192.0.2.1", at: Self.start) != .allowed)
    #expect(limiter.take("192.0.2.2", at: Self.start) == .allowed)
    #expect(limiter.take("2001:db8::1", at: Self.start) == .allowed)
    #expect(limiter.take("192.0.2.2", at: Self.start) == .allowed)
    #expect(limiter.take("192.0.2.2", at: Self.start) != .allowed)
  }

  @Test func clockGoingBackRefillsNothing() {
    let limiter = RateLimiter(rate: 1, burst: 1)
    #expect(limiter.take("a", at: Self.start + 100) == .allowed)
    #expect(limiter.take("a", at: Self.start) == .limited(retryAfter: 1))
    #expect(limiter.take("a", at: Self.start + 50) == .limited(retryAfter: 1))
    #expect(limiter.take("a", at: Self.start + 101) == .allowed)
  }

  @Test func keysNeverExceedTheMaximum() {
    let limiter = RateLimiter(rate: 1, burst: 3, maximumKeys: 100)
    var most = 0
    for index in 0..<10_000 {
      _ = limiter.take("key \(index)", at: Self.start)  // all at one instant: no bucket is full again
      most = max(most, limiter.keyCount)
    }
    #expect(most == 100)
    #expect(limiter.keyCount >= 87)
    // The newest key kept its state.
    #expect(limiter.take("key 9999", at: Self.start) == .allowed)
    #expect(limiter.take("key 9999", at: Self.start) == .allowed)
    #expect(limiter.take("key 9999", at: Self.start) != .allowed)
  }

  @Test func idleBucketsAreDroppedBeforeBusyOnes() {
    let limiter = RateLimiter(rate: 1, burst: 2, maximumKeys: 4)
    // Two keys used up their burst a second ago; two took one token long ago and are full again.
    _ = limiter.take("idle 1", at: Self.start)
    _ = limiter.take("idle 2", at: Self.start)
    for key in ["busy 1", "busy 2"] {
      _ = limiter.take(key, at: Self.start + 100)
      _ = limiter.take(key, at: Self.start + 100)
    }
    #expect(limiter.keyCount == 4)
    #expect(limiter.take("new", at: Self.start + 101) == .allowed)
    #expect(limiter.keyCount == 3)
    // The busy keys are still limited: their buckets were kept (1 token refilled of 2).
    for key in ["busy 1", "busy 2"] {
      #expect(limiter.take(key, at: Self.start + 101) == .allowed)
      #expect(limiter.take(key, at: Self.start + 101) == .limited(retryAfter: 1))
    }
  }

  @Test func leastRecentlyUsedBusyBucketIsDroppedWhenNoneIsIdle() {
    let limiter = RateLimiter(rate: 0.001, burst: 1, maximumKeys: 3)
    _ = limiter.take("oldest", at: Self.start)
    _ = limiter.take("older", at: Self.start + 1)
    _ = limiter.take("recent", at: Self.start + 2)
    _ = limiter.take("oldest", at: Self.start + 3)  // refused, but used: now the most recent
    _ = limiter.take("new", at: Self.start + 4)
    #expect(limiter.keyCount == 3)
    // "older" was dropped and starts afresh; the others kept their empty buckets.
    #expect(limiter.take("older", at: Self.start + 5) == .allowed)
    #expect(limiter.take("oldest", at: Self.start + 5) != .allowed)
    #expect(limiter.take("new", at: Self.start + 5) != .allowed)
  }

  @Test func concurrentTakesAllowExactlyTheBurst() {
    let burst = 37
    let limiter = RateLimiter(rate: 1, burst: burst)
    let allowed = Atomic(0)
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<100 {
        if limiter.take("203.0.113.9", at: Self.start) == .allowed { allowed.add(1, ordering: .relaxed) }
      }
    }
    #expect(allowed.load(ordering: .relaxed) == burst)
  }

  @Test func concurrentTakesOnManyKeysKeepTheBound() {
    let limiter = RateLimiter(rate: 1, burst: 2, maximumKeys: 500)
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for index in 0..<2000 {
        _ = limiter.take("\(thread)-\(index % 700)", at: Self.start + Double(index) / 100)
      }
    }
    #expect(limiter.keyCount <= 500)
  }
}

struct RateKeyTests {
  @Test func anIPv6ClientIsLimitedByItsSlash64AndAnIPv4ClientByItsAddress() {
    #expect(WebServer.rateKey("2001:db8:1:2:aaaa::1") == WebServer.rateKey("2001:db8:1:2:bbbb::7"))
    #expect(WebServer.rateKey("2001:db8:1:2::1") != WebServer.rateKey("2001:db8:1:3::1"))
    #expect(WebServer.rateKey("203.0.113.7") == "203.0.113.7")
    #expect(WebServer.rateKey("203.0.113.7") != WebServer.rateKey("203.0.113.8"))
  }
}
