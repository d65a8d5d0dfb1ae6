import Foundation
import HeraldMail

/// A press release: its front matter and its Markdown body, as read from Releases/*.md.
public struct Release: Sendable {
  /// The file it was read from, as the user named it.
  public var file: String
  /// The headline.
  public var title: String
  /// The release date, `YYYY-MM-DD`.
  public var date: ReleaseDate
  /// The email subject; the title unless given.
  public var subject: String
  /// "BERLIN, March 31, 2020", shown before the lead; optional.
  public var dateline: String?
  /// The inbox preheader; optional but recommended.
  public var summary: String?
  /// The lists it goes to by default.
  public var lists: [String]
  /// Overrides herald.yml's sender.
  public var from: Mailbox?
  /// Where replies go.
  public var replyTo: Mailbox?
  /// The language code, e.g. "en".
  public var language: String?
  /// Not sent or published before this instant.
  public var embargo: Date?
  /// The Markdown body, without the front matter.
  public var body: String
  /// The file line on which the body starts, to report body problems at their line.
  public var bodyFirstLine: Int

  /// The slug of the file name without its extension: "2020-03-31-new-report".
  public var slug: String {
    let name = (file as NSString).lastPathComponent
    let base = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
    return Release.slugify(base)
  }

  /// The slug a person means by naming a release on the command line: a release file's
  /// ("Releases/2020-03-31-new-report.md" → "2020-03-31-new-report"), or a slug as given.
  public static func slug(naming reference: String) -> String {
    let name = (reference as NSString).lastPathComponent
    return name.hasSuffix(".md") ? slugify(String(name.dropLast(3))) : reference
  }

  /// Lowercase ASCII letters, digits and single hyphens, for file names and ids.
  public static func slugify(_ text: String) -> String {
    let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
    var slug = ""
    for scalar in folded.unicodeScalars {
      if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
        slug.unicodeScalars.append(scalar)
      } else if !slug.isEmpty && !slug.hasSuffix("-") {
        slug.append("-")
      }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    return slug.isEmpty ? "release" : String(slug.prefix(60))
  }
}

/// A calendar date without a time, as written in front matter.
public struct ReleaseDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The year.
  public var year: Int
  /// The month, 1–12.
  public var month: Int
  /// The day of the month.
  public var day: Int

  /// Parses `YYYY-MM-DD`; nil if it is not a real date.
  public init?(_ text: String) {
    let parts = text.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      (1...12).contains(month), day >= 1
    else { return nil }
    let daysInMonth = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard day <= daysInMonth[month - 1] else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The day `instant` falls on in `timeZone`: "today" where the press office is.
  public init(_ instant: Date, in timeZone: TimeZone) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: instant)
    year = parts.year!
    month = parts.month!
    day = parts.day!
  }

  /// "2020-03-31".
  public var description: String {
    String(format: "%04d-%02d-%02d", year, month, day)
  }

  /// "31 March 2020", for the page.
  public var longForm: String {
    let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return "\(day) \(months[month - 1]) \(year)"
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }
}
