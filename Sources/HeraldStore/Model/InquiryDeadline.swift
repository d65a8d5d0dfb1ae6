import Foundation

/// A deadline as a press officer writes it, read in the workspace's time zone: "14:00"
/// (today), "2026-12-08 14:00", "2026-12-08T14:00", or "none" (no deadline). The desk and
/// `herald inquiries due` read it with this one parser.
package struct InquiryDeadline: Sendable, Hashable {
  /// When it is due; nil: no deadline.
  package var date: Date?

  /// A deadline read from `text` at `now` in `timeZone`.
  /// - Throws: `InquiryDeadline.Problem` naming what was written and what to write instead.
  package init(parsing text: String, now: Date, timeZone: TimeZone) throws {
    let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if value.isEmpty || ["none", "no", "-", "off"].contains(value.lowercased()) {
      date = nil
      return
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    if let match = value.wholeMatch(of: /(\d{1,2})[:.](\d{2})/) {
      guard let hour = Int(match.1), let minute = Int(match.2), (0...23).contains(hour), (0...59).contains(minute) else {
        throw Problem(text: value)
      }
      var parts = calendar.dateComponents([.year, .month, .day], from: now)
      parts.hour = hour
      parts.minute = minute
      guard let today = calendar.date(from: parts) else { throw Problem(text: value) }
      date = today
      return
    }
    if let match = value.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2})[:.](\d{2})/) {
      guard let year = Int(match.1), let month = Int(match.2), let day = Int(match.3), let hour = Int(match.4), let minute = Int(match.5),
        (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute)
      else { throw Problem(text: value) }
      let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
      // A day that does not exist (February 30th) is refused, not moved to another.
      guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == day else { throw Problem(text: value) }
      self.date = date
      return
    }
    throw Problem(text: value)
  }

  /// A deadline that could not be read.
  package struct Problem: Error, Sendable, CustomStringConvertible {
    /// What was written.
    package var text: String
    package var description: String {
      "“\(text.prefix(40))” is not a time: write 14:00 (today), a date and time like 2026-12-08 14:00, or none"
    }
  }
}
