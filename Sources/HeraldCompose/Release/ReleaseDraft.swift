import Foundation

/// The text of a new release, as `herald new` writes it: front matter filled in and a body
/// skeleton (dateline, lead, quote, details, about, contact) to write over.
package struct ReleaseDraft: Sendable {
  /// The file's text.
  package let text: String
  /// Its file name in Releases/: the date and the title's slug, "2021-05-06-coastal-cities-brace.md".
  package let fileName: String

  /// Makes a draft.
  package init(title: String, date: ReleaseDate, lists: [String], settings: ComposeSettings) {
    fileName = "\(date)-\(Release.slugify(title)).md"
    func quoted(_ value: String) -> String {
      "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    let contact = settings.replyTo ?? settings.from
    let listLine = lists.isEmpty ? "lists: []                 # the lists it goes to, e.g. [press-en]" : "lists: [\(lists.joined(separator: ", "))]"
    text = """
      ---
      title: \(quoted(title))
      date: \(date)
      # subject: "A shorter subject line"   # optional, defaults to the title
      dateline: "\(Placeholder.datelineCity), \(months[date.month - 1]) \(date.day), \(date.year)"
      summary: "\(Placeholder.summary)"
      \(listLine)
      language: en
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
