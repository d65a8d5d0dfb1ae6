import Foundation
import HeraldCore

/// When a release's embargo lifts: an instant, and the zone it was written in
/// (`embargo: 2026-12-08T06:00:00+01:00` is kept as +01:00, so that messages say 06:00, not
/// the same instant in another zone). Times a person reads always name their zone.
package struct EmbargoTime: Sendable, Hashable {
  /// The moment the embargo lifts (stored and compared as this instant).
  package var instant: Date
  /// The fixed offset it was written with (`Z` is UTC).
  package var writtenIn: TimeZone

  /// An embargo at `instant`, written in `writtenIn`.
  package init(instant: Date, writtenIn: TimeZone) {
    self.instant = instant
    self.writtenIn = writtenIn
  }

  /// Reads a date and time with a zone, as front matter writes it: `2026-12-08T06:00:00+01:00`
  /// or `2026-12-08T05:00:00Z`; nil when it is not one.
  package init?(parsing text: String) {
    guard let instant = Release.parseInstant(text) else { return nil }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    var seconds = 0
    if !(trimmed.hasSuffix("Z") || trimmed.hasSuffix("z")) {
      // "+01:00" or "-05:30" ends the text (parseInstant accepted it).
      let offset = trimmed.suffix(6)
      let sign = offset.first == "-" ? -1 : 1
      let parts = offset.dropFirst().split(separator: ":")
      guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
      seconds = sign * (hours * 3600 + minutes * 60)
    }
    guard let zone = TimeZone(secondsFromGMT: seconds) else { return nil }
    self.init(instant: instant, writtenIn: zone)
  }

  /// "8 December 2026, 06:00 CET": the time in `zone`, with the zone named.
  package func readable(in zone: TimeZone, language: String? = nil) -> String {
    Self.readable(instant, in: zone, language: language)
  }

  /// "8 December 2026, 06:00 CET": any instant in `zone`, with the zone named, as a person
  /// reads a time (a scheduled send's, an embargo's); the day in `language`'s words
  /// ("8 декабря 2026 г., 06:00 CET"), English by default.
  package static func readable(_ instant: Date, in zone: TimeZone, language: String? = nil) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.hour, .minute], from: instant)
    let day = ReleaseDate(instant, in: zone).longForm(in: language)
    return "\(day), " + String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0) + " " + Self.name(of: zone, at: instant)
  }

  /// The time as a reader should see it: in `readerZone` when theirs is known; else in the
  /// zone it was written in, named as the workspace's zone when that has the same offset
  /// then ("06:00 CET"), else by its offset with the workspace's time beside it
  /// ("06:00 UTC+01:00 (05:00 GMT)").
  package func readable(forReaderIn readerZone: TimeZone?, workspace: TimeZone, language: String? = nil) -> String {
    if let readerZone { return readable(in: readerZone, language: language) }
    if workspace.secondsFromGMT(for: instant) == writtenIn.secondsFromGMT(for: instant) { return readable(in: workspace, language: language) }
    return readable(in: writtenIn, language: language) + " (" + readable(in: workspace, language: language) + ")"
  }

  /// The zone's short name at `instant`: "UTC" for UTC; its abbreviation when it has one
  /// of letters ("CET", "EST", "GMT" for London in winter), else its offset ("UTC+01:00").
  package static func name(of zone: TimeZone, at instant: Date) -> String {
    let offset = zone.secondsFromGMT(for: instant)
    if Self.universal.contains(zone.identifier) { return "UTC" }
    if let abbreviation = ZoneAbbreviation.of(zone, at: instant) ?? zone.abbreviation(for: instant), !abbreviation.isEmpty,
       abbreviation.allSatisfy({ $0.isLetter && $0.isASCII }), abbreviation != "GMT" || offset == 0 {
      return abbreviation
    }
    guard offset != 0 else { return "UTC" }
    let minutes = abs(offset) / 60
    return "UTC" + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
  }

  /// The names of UTC itself (a fixed offset of 0 is named "GMT" by Foundation).
  private static let universal: Set<String> = ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"]
}
