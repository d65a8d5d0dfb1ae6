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

  /// The relative links and images of a text (files beside the release): no scheme, no
  /// `//`, no `#` or `mailto:` alone; without any `#fragment` or `?query`.
  static func relativeReferences(in document: MarkdownDocument) -> Set<String> {
    var found = Set<String>()
    func consider(_ destination: String) {
      let trimmed = destination.trimmingCharacters(in: .whitespaces)
      guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("/"), !trimmed.hasPrefix("{{") else { return }
      if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/") { return }  // a scheme: https:, mailto:
      let path = String(trimmed.prefix { $0 != "#" && $0 != "?" })
      if !path.isEmpty { found.insert(path.removingPercentEncoding ?? path) }
    }
    func walk(_ inlines: [MarkdownInline]) {
      for inline in inlines {
        switch inline {
        case .link(let destination, _, let children, _):
          consider(destination)
          walk(children)
        case .image(let source, _, let alt, _):
          consider(source)
          walk(alt)
        case .emphasis(let children), .strong(let children), .strikethrough(let children): walk(children)
        default: break
        }
      }
    }
    func walk(_ blocks: [MarkdownBlock]) {
      for block in blocks {
        switch block {
        case .paragraph(let inlines, _), .heading(_, let inlines, _): walk(inlines)
        case .quote(let children): walk(children)
        case .list(_, _, _, let items): items.forEach(walk)
        case .table(_, let header, let rows, _): (header + rows.flatMap { $0 }).forEach(walk)
        case .code, .html, .rule: break
        }
      }
    }
    walk(document.blocks)
    return found
  }

  private static func describe(_ lists: [String]) -> String { lists.isEmpty ? "none" : lists.joined(separator: ", ") }
  private static func describe(_ embargo: Date?) -> String { embargo.map { ISO8601DateFormatter().string(from: $0) } ?? "none" }
}
