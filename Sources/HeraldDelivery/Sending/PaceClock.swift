import Foundation
import HeraldCore

/// The time a delivery run keeps its pace by (`DeliveryPolicy.perSecond`, `perHour`): the
/// system's monotonic clock, whose waits a stop ends early, or a virtual one for tests,
/// whose waits take no time and move it forward instead.
package final class PaceClock: Sendable {
  /// The virtual time, for a test's clock; nil for the system's.
  private let virtualTime: Shared<TimeInterval>?

  private init(virtual: Bool) {
    virtualTime = virtual ? Shared(0) : nil
  }

  /// The system's monotonic clock.
  package static let system = PaceClock(virtual: false)

  /// A clock for tests: it starts at 0 and a wait moves it to the wait's end at once (the
  /// latest end, as waits on several connections overlap).
  package static func virtual() -> PaceClock { PaceClock(virtual: true) }

  /// Seconds on this clock.
  package var now: TimeInterval {
    virtualTime?.value ?? ProcessInfo.processInfo.systemUptime
  }

  /// Waits `seconds` from `start`: on the system's clock through `pause` (which returns
  /// false when a stop ended it), on a virtual clock by moving it forward.
  func wait(_ seconds: TimeInterval, from start: TimeInterval, pause: (TimeInterval) -> Bool) -> Bool {
    guard let virtualTime else { return pause(seconds) }
    virtualTime.withLock { $0 = max($0, start + seconds) }
    return true
  }
}
