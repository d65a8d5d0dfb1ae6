import Foundation
import HeraldCore

/// Times as a desk page shows them, in the workspace's time zone with the zone named — the
/// same text as `LocalTime` ("2026-12-06 14:05 CET") — with one set of formatters for the
/// whole page: making a DateFormatter costs about a millisecond, and a list of fifty
/// inquiries shows a hundred times and more. Made and used by one request, never shared.
final class DeskTimes {
  let timeZone: TimeZone
  private let minute: DateFormatter
  private let date: DateFormatter

  init(timeZone: TimeZone) {
    self.timeZone = timeZone
    func formatter(_ pattern: String) -> DateFormatter {
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = timeZone
      formatter.dateFormat = pattern
      return formatter
    }
    minute = formatter("yyyy-MM-dd HH:mm")
    date = formatter("yyyy-MM-dd")
  }

  /// The date and time to the minute, with the zone: "2026-12-06 14:05 CET".
  func string(_ instant: Date) -> String {
    "\(minute.string(from: instant)) \(zone(at: instant))"
  }

  /// The day: "2026-12-06".
  func day(_ instant: Date) -> String {
    date.string(from: instant)
  }

  /// The zone's name at `instant`, as `LocalTime` names it.
  func zone(at instant: Date) -> String {
    ZoneAbbreviation.of(timeZone, at: instant) ?? timeZone.abbreviation(for: instant) ?? timeZone.identifier
  }
}
