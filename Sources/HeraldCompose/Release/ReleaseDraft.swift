import Foundation

/// The text of a new release, as `herald new` writes it: front matter filled in and a body
/// skeleton (dateline, lead, quote, details, about, contact) to write over.
package struct ReleaseDraft: Sendable {
  /// The file's text.
  package let text: String
  /// Its file name in Releases/: the date and the title's slug, "2021-05-06-coastal-cities-brace.md".
  package let fileName: String

  /// The language the draft is written in: `--language`, else the one its title's script
  /// suggests (Cyrillic → ru, Greek → el…), else English.
  package let language: String

  /// Makes a draft.
  /// - Parameters:
  ///   - language: The release's language (a BCP 47 tag such as "ru"); nil to guess it from the title.
  package init(title: String, date: ReleaseDate, lists: [String], language: String? = nil, settings: ComposeSettings) {
    fileName = "\(date)-\(Release.slugify(title)).md"
    let language = language ?? WritingSystem(of: title)?.likelyLanguage(of: title) ?? "en"
    self.language = language
    func quoted(_ value: String) -> String {
      "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    let contact = settings.replyTo ?? settings.from
    let listLine = lists.isEmpty ? "lists: []                 # the lists it goes to, e.g. [press-en]" : "lists: [\(lists.joined(separator: ", "))]"
    text = """
      ---
      title: \(quoted(title))
      date: \(date)
      # subject: "A shorter subject line"   # optional, defaults to the title
      dateline: "\(Placeholder.datelineCity), \(Self.datelineDate(date, language: language))"
      summary: "\(Placeholder.summary)"
      \(listLine)
      language: \(language)
      # embargo: \(date)T10:00:00+00:00   # optional: until then only lists that take embargoed copies get it, marked
      ---

      \(Placeholder.lead) The dateline
      above is put in front of this paragraph.

      "\(Placeholder.quote)," said **\(Placeholder.fullName)**, title at \(settings.organization).

      ## Details

      - \(Placeholder.firstFact)
      - \(Placeholder.secondFact), with a [link](https://www.example.org/).

      ### About \(settings.organization)

      \(Placeholder.about)

      For questions, contact **\(contact.name ?? "the press office")** at
      [\(contact.address)](mailto:\(contact.address)).

      """
  }
}

extension ReleaseDraft {
  /// The date as a dateline gives it in `language`: "March 31, 2020", "31 марта 2020 г.",
  /// "31. März 2020" (ICU's long date; English for a language it does not know).
  package static func datelineDate(_ date: ReleaseDate, language: String) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    let day = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!
    let formatter = DateFormatter()
    formatter.calendar = calendar
    formatter.timeZone = calendar.timeZone
    let known = Locale.availableIdentifiers.contains(language) || Locale.availableIdentifiers.contains(where: { $0.hasPrefix(language + "_") })
    formatter.locale = Locale(identifier: known ? language : "en_US")
    formatter.dateStyle = .long
    // ICU puts no-break spaces in some languages' dates ("2020\u{A0}г."): invisible in an
    // editor, and a press officer retyping the dateline would not match them. Plain spaces.
    return String(formatter.string(from: day).map { $0 == "\u{A0}" || $0 == "\u{202F}" ? " " : $0 })
  }

  /// The placeholder text the skeleton holds, written by `herald new` and found by
  /// `herald check` from this one definition, so that the two cannot drift apart. A
  /// release that still holds one is half-written: an error.
  package enum Placeholder {
    /// The city the dateline starts with: "CITY, May 6, 2021".
    package static let datelineCity = "CITY"
    /// The sample `summary:`.
    package static let summary = "One sentence that inboxes show next to the subject."
    /// The placeholders of the body, each on one line of the skeleton.
    package static let lead = "The lead: who did what, when, where and why, in one or two sentences."
    package static let quote = "A quote that says why it matters"
    package static let fullName = "Full Name"
    package static let firstFact = "The first fact."
    package static let secondFact = "The second fact"
    package static let about = "One paragraph about the organisation."
    /// Every placeholder of the body, as it is found in a line of the release.
    package static let body = [lead, quote, fullName, firstFact, secondFact, about]
  }
}

extension ReleaseDraft {
  /// Whether `tag` looks like a BCP 47 language tag Herald can use: a two- or three-letter
  /// language, then optional subtags of letters and digits ("en", "pt-BR", "sr-Latn").
  package static func isLanguageTag(_ tag: String) -> Bool {
    let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
    guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
    return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
  }
}
