import ArgumentParser
import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

// Values ArgumentParser reads itself: a wrong one is a usage error (exit 64) that names the
// option and lists what it takes.

extension Outbox.State: ExpressibleByArgument {}
extension MembershipStatus: ExpressibleByArgument {}
extension DKIMKey.Algorithm: ExpressibleByArgument {}

extension CampaignID: ExpressibleByArgument {
  public init?(argument: String) {
    self.init(argument)
  }
}

/// A date and time with a zone, like 2026-12-01T09:00:00+01:00 (--at).
struct Instant: ExpressibleByArgument {
  var date: Date

  init?(argument: String) {
    guard let date = Release.parseInstant(argument) else { return nil }
    self.date = date
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

/// A span of time like 30d, 12h, 90m or 45s; a bare number is days (--older-than).
struct Age: ExpressibleByArgument {
  var seconds: TimeInterval

  init?(argument: String) {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let text = argument.trimmingCharacters(in: .whitespaces)
    let unit = text.last.flatMap { units[$0] }
    guard let number = Double(unit == nil ? text : String(text.dropLast())), number >= 0, number.isFinite else { return nil }
    seconds = number * (unit ?? 86_400)
  }

  /// "30 days", "12 hours".
  var description: String {
    if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return plural(Int(seconds / 86_400), "day") }
    if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return plural(Int(seconds / 3600), "hour") }
    if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return plural(Int(seconds / 60), "minute") }
    return plural(Int(seconds), "second")
  }

  private func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
}

/// A runtime failure of a command that is not a library's: exit status 1, "error: …".
struct CommandFailure: HeraldError {
  var message: String
  var underlying: (any Error & Sendable)?

  init(_ message: String, underlying: (any Error & Sendable)? = nil) {
    self.message = message
    self.underlying = underlying
  }
}
