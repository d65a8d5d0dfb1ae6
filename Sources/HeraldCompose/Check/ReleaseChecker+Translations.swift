import Foundation
import HeraldCore

extension ReleaseChecker {
  /// Checks a release and its translations: each as `diagnostics(for:)` does, and warnings
  /// where a translation disagrees with the first language on what the family shares (its
  /// lists, its embargo, the files its text refers to).
  package static func diagnostics(for family: ComposedFamily) -> [Diagnostic] {
    family.translations.flatMap { diagnostics(for: $0) } + disagreements(in: family)
  }

  /// Where translations disagree with the first language: one warning per difference, on
  /// the translation's line. The send follows the first language (its lists and embargo for
  /// everyone), so a difference is usually a translation not updated.
  package static func disagreements(in family: ComposedFamily) -> [Diagnostic] {
    guard let original = family.translations.first else { return [] }
    let first = original.release
    let firstFiles = relativeReferences(in: original.document)
    var found: [Diagnostic] = []
    for composed in family.translations.dropFirst() {
      let release = composed.release
      func warn(_ key: String?, _ message: String) {
        found.append(Diagnostic(.warning, file: release.file, line: key.flatMap { release.frontMatterLines[$0] } ?? 1, message))
      }
      if Set(release.lists) != Set(first.lists) {
        warn("lists",
          "its lists (\(describe(release.lists))) differ from \(first.file)'s (\(describe(first.lists))); a send goes to the first language's lists, in each reader's language. Give both the same “lists:”")
      }
      if release.embargo != first.embargo {
        warn("embargo",
          "its embargo (\(describe(release.embargo))) differs from \(first.file)'s (\(describe(first.embargo))); the first language's embargo holds every translation. Give both the same “embargo:”")
      }
      let files = relativeReferences(in: composed.document)
      if files != firstFiles {
        let missing = firstFiles.subtracting(files).sorted(), extra = files.subtracting(firstFiles).sorted()
        var parts: [String] = []
        if !missing.isEmpty { parts.append("it does not refer to \(missing.joined(separator: ", ")), which \(first.file) does") }
        if !extra.isEmpty { parts.append("it refers to \(extra.joined(separator: ", ")), which \(first.file) does not") }
        warn(nil, parts.joined(separator: "; ") + "; translations usually carry the same photos and files")
      }
    }
    return found
  }

  /// The relative links and images of a text (the files beside the release, as
  /// `ReleaseMedia.isRelative` decides), without any `#fragment` or `?query`.
  static func relativeReferences(in document: MarkdownDocument) -> Set<String> {
    var found = Set<String>()
    document.forEachInline { inline in
      let destination: String
      switch inline {
      case .link(let target, _, _, _): destination = target
      case .image(let source, _, _, _): destination = source
      default: return
      }
      guard ReleaseMedia.isRelative(destination) else { return }
      let path = String(destination.trimmingCharacters(in: .whitespaces).prefix { $0 != "#" && $0 != "?" })
      if !path.isEmpty { found.insert(path.removingPercentEncoding ?? path) }
    }
    return found
  }

  private static func describe(_ lists: [String]) -> String { lists.isEmpty ? "none" : lists.joined(separator: ", ") }
  private static func describe(_ embargo: Date?) -> String { embargo.map { ISO8601DateFormatter().string(from: $0) } ?? "none" }
}
