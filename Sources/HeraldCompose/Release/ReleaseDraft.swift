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
      dateline: "CITY, \(months[date.month - 1]) \(date.day), \(date.year)"
      summary: "One sentence that inboxes show next to the subject."
      \(listLine)
      language: en
      # embargo: \(date)T10:00:00+00:00   # optional: until then only lists that take embargoed copies get it, marked
      ---

      The lead: who did what, when, where and why, in one or two sentences. The dateline
      above is put in front of this paragraph.

      "A quote that says why it matters," said **Full Name**, title at \(settings.organization).

      ## Details

      - The first fact.
      - The second fact, with a [link](https://www.example.org/).

      ### About \(settings.organization)

      One paragraph about the organisation.

      For questions, contact **\(contact.name ?? "the press office")** at
      [\(contact.address)](mailto:\(contact.address)).

      """
  }
}
