import Foundation

/// RFC 5322 §3.3 dates, "Sun, 29 Nov 2026 08:16:21 +0100", with English names whatever the
/// locale, computed directly rather than through a formatter (it runs once per message).
public enum MailDate {
  private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// Formats `date` in the zone `timeZone` (its offset at that instant).
  public static func format(_ date: Date, in timeZone: TimeZone = .current) -> String {
    // The written offset has whole minutes; old local mean times (Moscow's +2:30:17) do not,
    // so the time is computed with the same rounded offset to name the same instant.
    let offset = timeZone.secondsFromGMT(for: date) / 60 * 60
    let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
    let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - dayNumber * 86_400
    let (year, month, day) = civilDate(daysSinceEpoch: dayNumber)
    let weekday = days[((dayNumber % 7) + 7) % 7]
    let sign = offset < 0 ? "-" : "+"
    let zone = abs(offset) / 60
    return "\(weekday), \(day) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) \(sign)\(two(zone / 60))\(two(zone % 60))"
  }

  private static func two(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }

  /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
