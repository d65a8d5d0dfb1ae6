import Foundation
import Testing

@testable import HeraldDelivery

/// The pace is a token bucket read at times the test gives: nothing sleeps.
struct SendingPaceTests {
  @Test func withoutLimitsEveryMessageGoesAtOnce() {
    let pace = SendingPace(perSecond: nil, perHour: nil)
    #expect(!pace.isLimited)
    #expect((0..<1000).allSatisfy { _ in pace.reserve(at: 0) == 0 })
  }

  @Test func tenASecondLetsTenGoInASecondAndSaysHowLongTheNextWaits() {
    let pace = SendingPace(perSecond: 10, perHour: nil)
    #expect(pace.isLimited)
    #expect(pace.reserve(at: 100) == 0)  // one token to start with
    #expect(abs(pace.reserve(at: 100) - 0.1) < 1e-9)  // the next in a tenth of a second
    var sent = 1
    var time = 100.0
    while time < 101 {
      time += 0.01
      if pace.reserve(at: time) == 0 { sent += 1 }
    }
    #expect((10...11).contains(sent), "\(sent) in a second")
  }

  @Test func theHourlyLimitHoldsWhenTheSecondOneWouldAllowMore() {
    let pace = SendingPace(perSecond: 100, perHour: 60)  // one a minute, a burst of one
    #expect(pace.reserve(at: 0) == 0)
    let wait = pace.reserve(at: 1)
    #expect(abs(wait - 59) < 1e-6, "\(wait)")
    #expect(pace.reserve(at: 60) == 0)
  }

  /// Waiting exactly as long as the pace says always makes progress: a refill that lands a
  /// hair under a whole token must not ask for a wait too short to move the clock.
  @Test(arguments: [3.0, 7.0, 20.0, 0.1])
  func waitingWhatThePaceSaysAlwaysSendsTheNext(_ perSecond: Double) {
    let pace = SendingPace(perSecond: perSecond, perHour: nil)
    var now = 1_000.0
    var asked = 0
    for _ in 0..<100 {
      while asked < 10_000 {  // a pace that never lets the next go fails here instead of hanging
        asked += 1
        let wait = pace.reserve(at: now)
        if wait == 0 { break }
        now += wait
      }
    }
    #expect(asked < 250, "\(asked) questions for 100 messages")
    #expect(abs(now - 1_000 - 99 / perSecond) < 1e-6, "\(now - 1_000) s")
  }

  @Test func aClockThatStepsBackRefillsNothing() {
    let pace = SendingPace(perSecond: 1, perHour: nil)
    #expect(pace.reserve(at: 50) == 0)
    #expect(pace.reserve(at: 10) > 0)
  }
}
