import Foundation

/// Times as a person reads them: in the workspace's time zone (herald.yml's `time_zone:`),
/// always with the zone named, so that "09:00" never leaves a reader guessing whose nine
/// o'clock it is. Scripts get UTC ISO 8601 from `--json` instead.
public struct LocalTime: Sendable {
  /// The zone times are shown in.
  public let timeZone: TimeZone

  /// Times in `timeZone`.
  public init(timeZone: TimeZone) {
    self.timeZone = timeZone
  }

  /// The date and time to the minute, with the zone: "2026-12-06 14:05 CET".
  public func string(_ date: Date) -> String {
    "\(format(date, "yyyy-MM-dd HH:mm")) \(zone(at: date))"
  }

  /// The date and time to the second, with the zone: "2026-12-06 14:05:09 CET".
  public func precise(_ date: Date) -> String {
    "\(format(date, "yyyy-MM-dd HH:mm:ss")) \(zone(at: date))"
  }

  /// The day: "2026-12-06".
  public func day(_ date: Date) -> String {
    format(date, "yyyy-MM-dd")
  }

  /// A short form for tables, whose header names the zone (`zoneName(at:)`): "12-06 14:05".
  public func short(_ date: Date) -> String {
    format(date, "MM-dd HH:mm")
  }

  /// The zone's name at `date`: "CET", "CEST", "MSK", as the system's time zone database
  /// writes it (`ZoneAbbreviation`), else Foundation's ("GMT+3").
  public func zone(at date: Date = Date()) -> String {
    ZoneAbbreviation.of(timeZone, at: date) ?? timeZone.abbreviation(for: date) ?? timeZone.identifier
  }

  private func format(_ date: Date, _ pattern: String) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = timeZone
    formatter.dateFormat = pattern
    return formatter.string(from: date)
  }

  /// A span a person reads, in hours and minutes: "45 min", "3 h 05 min", "2 d 4 h".
  public static func span(_ seconds: TimeInterval) -> String {
    let minutes = Int((max(seconds, 0) / 60).rounded())
    if minutes < 60 { return "\(minutes) min" }
    let hours = minutes / 60
    if hours < 48 { return "\(hours) h \(String(format: "%02d", minutes % 60)) min" }
    return "\(hours / 24) d \(hours % 24) h"
  }
}
