import Foundation

/// The time of day as Herald's libraries read it: the system's, or one a test sets, so
/// that what depends on the time (a form's minimum age, a link's expiry, a rate) is tested
/// without waiting.
public struct WallClock: Sendable {
  private let read: @Sendable () -> Date

  /// A clock that reads `read`.
  public init(_ read: @escaping @Sendable () -> Date) {
    self.read = read
  }

  /// The system's clock.
  public static let system = WallClock { Date() }

  /// The time now.
  public var now: Date { read() }
}
