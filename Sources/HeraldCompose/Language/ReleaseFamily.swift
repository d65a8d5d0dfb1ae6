import Foundation
import HeraldCore

/// A release and its translations: files in one folder that share a slug and differ by
/// language, `2026-12-06-director.md` (the first language, the original) and
/// `2026-12-06-director.ru.md` (`language: ru`). A release without translations is a family
/// of one. Sending, previewing, checking and publishing work on the family: each reader
/// gets their language (`LanguageChoice`), the archive shows each translation.
package struct ReleaseFamily: Sendable {
  /// The releases, the first language first, then by file name.
  package private(set) var releases: [Release]

  /// Groups releases of one slug.
  /// - Throws: `ComposeError` `.release` when two files are in the same language or do
  ///   not share a slug, naming both files.
  package init(_ releases: [Release]) throws {
    precondition(!releases.isEmpty, "a family has at least one release")
    // The original (no language tag in its name) first; then translations by file name.
    let ordered = releases.sorted { a, b in
      let (ta, tb) = (Release.fileLanguage(a.file) != nil, Release.fileLanguage(b.file) != nil)
      return ta != tb ? !ta : a.file < b.file
    }
    var seen: [String: Release] = [:]
    var problems: [Diagnostic] = []
    for release in ordered {
      if release.slug != ordered[0].slug {
        problems.append(Diagnostic(.error, file: release.file, line: nil,
          "its slug “\(release.slug)” differs from “\(ordered[0].slug)” of \(ordered[0].file); translations share the file name and differ only by the language before .md"))
      }
      let language = ReleaseFamily.language(of: release)
      if let other = seen[language] {
        problems.append(Diagnostic(.error, file: release.file, line: release.frontMatterLines["language"],
          "is in \(LanguageTag.autonym(language)) (\(language)) like \(other.file); a release has one file per language: change “language:” or remove one of them"))
      } else {
        seen[language] = release
      }
    }
    if !problems.isEmpty { throw ComposeError(.release, problems) }
    self.releases = ordered
  }

  /// The release's first language: the original's.
  package var first: Release { releases[0] }
  /// The shared slug.
  package var slug: String { first.slug }
  /// The languages, primary subtags, the first language first.
  package var languages: [String] { releases.map(ReleaseFamily.language(of:)) }
  /// Whether there is more than one language.
  package var isTranslated: Bool { releases.count > 1 }
  /// Who gets which translation.
  package var choice: LanguageChoice { LanguageChoice(available: languages) }

  /// The translation in `language` (by primary subtag), or the first language's.
  package func release(in language: String) -> Release {
    let code = LanguageTag.primary(language)
    return releases.first { ReleaseFamily.language(of: $0) == code } ?? first
  }

  /// A release's language as a primary subtag; "en" when its front matter says none (as
  /// the email's Content-Language has always defaulted).
  package static func language(of release: Release) -> String {
    LanguageTag.primary(release.language ?? "en")
  }

  /// The files of the family of `slug` in `directory` (as given, so messages repeat the
  /// user's form of the path): those whose name, without its language tag and `.md`, gives
  /// the slug; sorted by name, empty when there is none.
  package static func files(slug: String, in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return names.filter { $0.hasSuffix(".md") && Release.slug(naming: $0) == slug }.sorted()
      .map { directory.isEmpty ? $0 : (directory as NSString).appendingPathComponent($0) }
  }
}

extension Release {
  /// Whether it is a translation (its file name ends in a language tag, "….ru.md"), not
  /// the original in the first language.
  package var isTranslation: Bool { Release.fileLanguage(file) != nil }

  /// Its page in the archive: `/releases/SLUG` for the original, `/LANG/releases/SLUG` for
  /// a translation.
  package var page: PublicPage {
    .release(slug: slug, language: ReleaseFamily.language(of: self), translation: isTranslation)
  }
}
