import Foundation
import HeraldCore

/// How an embargoed copy (a release sent before its embargo lifts, to a list that takes
/// embargoed copies) is marked for one reader: the embargo in the subject, after
/// herald.yml's `embargo_prefix`, and a banner at the top of the HTML and the text, each
/// with the time in the reader's zone when it is known (their `time_zone` field), else as
/// written, always with the zone named.
package struct EmbargoMarking: Sendable, Hashable {
  /// When it lifts, as this reader reads it: "8 December 2026, 06:00 CET".
  package var until: String
  /// What opens the subject (herald.yml's `embargo_prefix`): "EMBARGOED until".
  package var subjectPrefix: String
  /// What opens the banner: "EMBARGOED UNTIL".
  package var headlinePrefix = "EMBARGOED UNTIL"
  /// The banner's second line.
  package var instruction = EmbargoMarking.instruction

  /// The marking of `time` for a reader in `readerZone` (nil: not known).
  /// - Parameter strings: the words of the release's language; herald.yml's own
  ///   `embargo_prefix`, when it sets one, still opens the subject.
  package init(_ time: EmbargoTime, readerZone: TimeZone?, settings: ComposeSettings, strings: StringsTable? = nil) {
    self.until = time.readable(forReaderIn: readerZone, workspace: settings.timeZone, language: strings?.language)
    self.subjectPrefix = settings.embargoPrefix
    if let strings {
      if settings.embargoPrefix == ComposeSettings.defaultEmbargoPrefix { subjectPrefix = strings["embargoed_until"] }
      headlinePrefix = strings["embargo_headline"]
      instruction = strings["embargo_instruction"]
    }
  }

  /// The subscriber field that holds a reader's time zone (an IANA name, Europe/Berlin).
  package static let timeZoneField = "time_zone"

  /// The reader's zone, from their `time_zone` field (a column named so in an import, or
  /// "Time zone", "TimeZone": compared by its letters); nil when they have none, or one that
  /// is not a zone's name.
  package static func readerZone(_ attributes: [String: String]) -> TimeZone? {
    func key(_ name: String) -> String { String(name.lowercased().filter { $0.isLetter }) }
    let value = attributes[timeZoneField] ?? attributes.first { key($0.key) == "timezone" }?.value
    guard let name = value?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
    return TimeZone(identifier: name)
  }

  /// "EMBARGOED until 8 December 2026, 06:00 CET: New study…".
  package func subject(_ subject: String) -> String {
    "\(subjectPrefix) \(until): \(subject)"
  }

  /// The banner's words: "EMBARGOED UNTIL 8 December 2026, 06:00 CET".
  package var headline: String { "\(headlinePrefix) \(until)" }
  /// The banner's second line.
  package static let instruction = "Not for publication, broadcast or posting before then."

  /// The text part with the banner above everything else.
  package func marking(text: String) -> String {
    (TextRenderer.wrap("*** \(headline) ***", width: TextRenderer().width) + TextRenderer.wrap(instruction, width: TextRenderer().width))
      .joined(separator: "\n") + "\n\n" + text
  }

  /// The HTML part with the banner at the top of its body (at the very top when it has no
  /// `<body>`).
  package func marking(html: String) -> String {
    let banner = """
      <div style="margin:0;padding:14px 16px;background-color:#fef3c7;border-bottom:3px solid #b45309;color:#78350f;\
      font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.4;text-align:center;">\
      <strong>\(Markup.escape(headline))</strong><br>\(Markup.escape(instruction))</div>

      """
    guard let open = html.range(of: "<body", options: .caseInsensitive),
          let end = html[open.upperBound...].firstIndex(of: ">") else { return banner + html }
    var marked = html
    marked.insert(contentsOf: "\n" + banner, at: marked.index(after: end))
    return marked
  }
}
