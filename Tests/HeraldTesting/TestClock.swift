import Foundation
import HeraldCore

/// A wall clock a test moves by hand: what depends on the time of day (a form's minimum age,
/// a link's expiry, an embargo) is tested without waiting.
package final class TestClock: Sendable {
  private let current: Shared<Date>

  /// A clock that reads `start` (by default the real time now) until moved.
  package init(_ start: Date = Date()) {
    current = Shared(start)
  }

  /// The clock to give the libraries.
  package var wallClock: WallClock { WallClock { [current] in current.value } }

  /// The time it reads.
  package var now: Date { current.value }

  /// Moves it forward (or back, with a negative span).
  package func advance(by seconds: TimeInterval) {
    current.withLock { $0 = $0.addingTimeInterval(seconds) }
  }

  /// Sets it.
  package func set(_ date: Date) {
    current.withLock { $0 = date }
  }
}
