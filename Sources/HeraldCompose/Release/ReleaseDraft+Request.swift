import Foundation

extension ReleaseDraft {
  /// What a person asks for when starting a release (`herald new`'s arguments, the desk's
  /// New release form), checked field by field before a draft is made of it.
  package struct Request: Sendable, Equatable {
    /// The headline.
    package var title: String
    /// `YYYY-MM-DD`; nil for today.
    package var date: String?
    /// The lists it goes to by default.
    package var lists: [String]
    /// A BCP 47 tag; nil to guess it from the title's script.
    package var language: String?

    /// Makes a request.
    package init(title: String, date: String? = nil, lists: [String] = [], language: String? = nil) {
      self.title = title
      self.date = date
      self.lists = lists
      self.language = language
    }

    /// A field of the request.
    package enum Field: String, Sendable, Hashable {
      case title, date, lists, language
    }

    /// Every problem of the request, by field, each a sentence saying what to write
    /// instead; empty when a draft can be made.
    package var problems: [Field: String] {
      var found: [Field: String] = [:]
      if let language, !ReleaseDraft.isLanguageTag(language) {
        found[.language] = "“\(language)” is not a language code; write one like en, ru, de or pt-BR"
      }
      if let date, ReleaseDate(date) == nil {
        found[.date] = "“\(date)” is not a date; write it as YYYY-MM-DD, e.g. 2020-03-31"
      }
      if let name = lists.first(where: { $0 != Release.slugify($0) }) {
        found[.lists] = "the list name “\(name)” must be lowercase letters, digits and hyphens, like “\(Release.slugify(name))”"
      }
      if title.trimmingCharacters(in: .whitespaces).isEmpty || title.contains(where: \.isNewline) {
        found[.title] = "the title must be one line of text"
      } else if title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        found[.title] = "the title holds a control character; write it as plain text"
      }
      return found
    }

    /// The draft it asks for, dated `today` in the workspace's zone unless it names a day.
    /// - Precondition: `problems` is empty.
    package func draft(today: Date, settings: ComposeSettings) -> ReleaseDraft {
      let day = date.flatMap { ReleaseDate($0) } ?? ReleaseDate(today, in: settings.timeZone)
      return ReleaseDraft(title: title, date: day, lists: lists, language: language, settings: settings)
    }
  }
}
