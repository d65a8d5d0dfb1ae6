import Foundation
import HeraldMail

/// A press release: its front matter and its Markdown body, as read from Releases/*.md.
package struct Release: Sendable {
  /// The file it was read from, as the user named it.
  package var file: String
  /// The headline.
  package var title: String
  /// The release date, `YYYY-MM-DD`.
  package var date: ReleaseDate
  /// The email subject; the title unless given.
  package var subject: String
  /// "BERLIN, March 31, 2020", shown before the lead; optional.
  package var dateline: String?
  /// The inbox preheader; optional but recommended.
  package var summary: String?
  /// The lists it goes to by default.
  package var lists: [String]
  /// Overrides herald.yml's sender.
  package var from: Mailbox?
  /// Where replies go.
  package var replyTo: Mailbox?
  /// The language code, e.g. "en".
  package var language: String?
  /// Under embargo until then: journalists on lists that take embargoed copies get it
  /// before, marked; everyone else, the archive and the press kit at that moment. Kept in
  /// the zone it was written in.
  package var embargoTime: EmbargoTime?
  /// The instant the embargo lifts (`embargoTime`'s); set, it is kept in UTC.
  package var embargo: Date? {
    get { embargoTime?.instant }
    set { embargoTime = newValue.map { EmbargoTime(instant: $0, writtenIn: TimeZone(secondsFromGMT: 0)!) } }
  }
  /// Whether `herald send` puts it in the public web archive: `true` always, `false`
  /// never, nil (not said) when every list it goes to is public (`PublishDecision`).
  package var publish: Bool?
  /// Files beside the release attached to every message (`attach: [report.pdf]`), as
  /// MIME parts; none by default (files are linked, not attached).
  package var attach: [String] = []
  /// The line of each front matter key, for checks to point to ("lists", "summary"); the front
  /// matter's first line for a key that is not there.
  package var frontMatterLines: [String: Int] = [:]
  /// The Markdown body, without the front matter.
  package var body: String
  /// The file line on which the body starts, to report body problems at their line.
  package var bodyFirstLine: Int

  /// The slug of the file name without its extension and language tag: "2020-03-31-new-report"
  /// for 2020-03-31-new-report.md and for its translation 2020-03-31-new-report.ru.md.
  package var slug: String { Release.slug(naming: file) }

  /// The slug a person means by naming a release on the command line: a release file's
  /// ("Releases/2020-03-31-new-report.md" or "….ru.md" → "2020-03-31-new-report"), or a slug as given.
  package static func slug(naming reference: String) -> String {
    let name = (reference as NSString).lastPathComponent
    guard name.hasSuffix(".md") else { return reference }
    var base = String(name.dropLast(3))
    if let tag = fileLanguage(name) { base = String(base.dropLast(tag.count + 1)) }
    return slugify(base)
  }

  /// The language tag a translation's file name ends in: "ru" for "2020-03-31-report.ru.md";
  /// nil for a file without one (the tag is a known two-letter primary language subtag).
  package static func fileLanguage(_ file: String) -> String? {
    let name = (file as NSString).lastPathComponent
    guard name.hasSuffix(".md") else { return nil }
    let base = name.dropLast(3)
    guard let dot = base.lastIndex(of: "."), dot > base.startIndex else { return nil }
    let tag = String(base[base.index(after: dot)...])
    return LanguageTag.isKnownPrimary(tag) ? tag : nil
  }

  /// Lowercase ASCII letters, digits and single hyphens, for file names and ids. A title in
  /// another script is transliterated first (ICU's Any-Latin, as Foundation offers it):
  /// "ПИР-Центр: 50 лет Договору" → "pir-centr-50-let-dogovoru", "Νέα έκθεση" → "nea-ekthese".
  package static func slugify(_ text: String) -> String {
    // Latin-ASCII also spells out what folding would drop: "ß" → "ss", "Ø" → "O", "æ" → "ae".
    let latin = text.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) ?? text
    let folded = latin.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
    var slug = ""
    for scalar in folded.unicodeScalars {
      if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
        slug.unicodeScalars.append(scalar)
      } else if !slug.isEmpty && !slug.hasSuffix("-") {
        slug.append("-")
      }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    return slug.isEmpty ? "release" : shortened(slug, to: 60)
  }

  /// A slug of at most `limit` characters, cut at the last word boundary (hyphen) within
  /// it so that no word is cut in half; a first word longer than the limit is cut.
  static func shortened(_ slug: String, to limit: Int) -> String {
    guard slug.count > limit else { return slug }
    let head = slug.prefix(limit + 1)  // the character after the limit: a hyphen ends a word there
    if head.last == "-" { return String(head.dropLast()) }
    guard let cut = head.lastIndex(of: "-") else { return String(slug.prefix(limit)) }
    return String(head[..<cut])
  }
}

/// A calendar date without a time, as written in front matter.
package struct ReleaseDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The year.
  package var year: Int
  /// The month, 1–12.
  package var month: Int
  /// The day of the month.
  package var day: Int

  /// Parses `YYYY-MM-DD`; nil if it is not a real date.
  package init?(_ text: String) {
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
  package init(_ instant: Date, in timeZone: TimeZone) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: instant)
    year = parts.year!
    month = parts.month!
    day = parts.day!
  }

  /// "2020-03-31".
  package var description: String {
    String(format: "%04d-%02d-%02d", year, month, day)
  }

  /// "31 March 2020", for the page: `longForm(in: "en")`.
  package var longForm: String { longForm(in: "en") }

  package static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }
}
