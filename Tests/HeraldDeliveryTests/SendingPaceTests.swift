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

  @Test func aClockThatStepsBackRefillsNothing() {
    let pace = SendingPace(perSecond: 1, perHour: nil)
    #expect(pace.reserve(at: 50) == 0)
    #expect(pace.reserve(at: 10) > 0)
  }
}
