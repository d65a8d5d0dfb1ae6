import Foundation
import HeraldCore

/// Everything `herald check` looks at in a release: the front matter, the template tags,
/// and the body's links, images and raw HTML. Errors stop a send; warnings are for a
/// person to look at.
package enum ReleaseChecker {
  /// The names a template tag in a release may start with.
  static let knownTagRoots: Set<String> = ["subscriber", "release", "organization", "list", "unsubscribe_url"]

  /// Checks a release that was read and composed.
  package static func diagnostics(for composed: ComposedRelease) -> [Diagnostic] {
    let release = composed.release
    let file = release.file
    var found: [Diagnostic] = []
    func warn(_ line: Int?, _ message: String) { found.append(Diagnostic(.warning, file: file, line: line, message)) }

    if release.summary?.isEmpty ?? true {
      warn(1, "there is no “summary”: inboxes will show the first words of the body instead; add “summary: …” (one sentence)")
    }
    if release.subject.count > 78 {
      warn(1, "the subject is \(release.subject.count) characters; inboxes cut it at about 60–78. Consider a shorter “subject:”")
    }
    if release.lists.isEmpty {
      warn(1, "no default “lists:”; you will have to name them when sending (herald send --list NAME)")
    }
    for list in release.lists where list != Release.slugify(list) {
      found.append(Diagnostic(.error, file: file, line: 1,
        "the list name “\(list)” must be lowercase letters, digits and hyphens, like “\(Release.slugify(list))”"))
    }
    if composed.datelineInBody, let dateline = release.dateline {
      warn(composed.document.firstParagraphLine ?? release.bodyFirstLine,
        "the text already begins with the dateline “\(dateline)”, which the front matter's “dateline:” also gives; it is not added twice. Remove one of them")
    }
    if release.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      found.append(Diagnostic(.error, file: file, line: release.bodyFirstLine, "the release has no text after the front matter"))
    }

    for (offset, line) in release.body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      for tag in templateTags(in: line) {
        let root = tag.split(separator: ".").first.map(String.init) ?? tag
        if !knownTagRoots.contains(root) {
          warn(release.bodyFirstLine + offset,
            "the template value “{{\(tag)}}” is unknown and will be empty; use subscriber.name, subscriber.organization, subscriber.ATTRIBUTE, unsubscribe_url, release.title, …")
        }
      }
    }

    let allowsHTML = composed.settings.allowRawHTML
    composed.document.forEachInline { inline in
      switch inline {
      case .link(let destination, _, let children, let line):
        let text = MarkdownInline.plainText(children)
        if MarkdownInline.isPlaceholder(destination: destination) {
          warn(line, "the link “\(text)” points to “\(destination)”, which leads nowhere; it is sent as plain text. Add the real address")
        } else if HTMLRenderer.safeURL(destination) == nil {
          warn(line, "the link “\(text)” uses an unsafe address (\(destination.prefix(30))); it is removed")
        }
      case .image(let source, _, let alt, let line):
        if MarkdownInline.plainText(alt).trimmingCharacters(in: .whitespaces).isEmpty {
          warn(line, "the image \(source) has no alt text; readers with images off or screen readers get nothing. Write ![what it shows](\(source))")
        }
      case .html(_, let line) where !allowsHTML:
        warn(line, Self.rawHTMLWarning)
      default:
        break
      }
    }
    if !allowsHTML {
      for line in composed.document.htmlBlockLines { warn(line, Self.rawHTMLWarning) }
    }
    return found.sorted { ($0.line ?? 0, $0.severity == .error ? 0 : 1) < ($1.line ?? 0, $1.severity == .error ? 0 : 1) }
  }

  static let rawHTMLWarning = "raw HTML is dropped from the email (herald.yml does not set allow_raw_html: true)"

  /// The 1-based line of the first section tag ({{#name}} or {{^name}}) that is never closed.
  static func unclosedSectionLine(in text: String) -> Int? {
    var open: [(name: String, line: Int)] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var rest = line[...]
      while let start = rest.range(of: "{{"), let end = rest[start.upperBound...].range(of: "}}") {
        let tag = rest[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
        let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
        if tag.hasPrefix("#") || tag.hasPrefix("^") {
          open.append((name, index + 1))
        } else if tag.hasPrefix("/"), let last = open.lastIndex(where: { $0.name == name }) {
          open.removeSubrange(last...)
        }
        rest = rest[end.upperBound...]
      }
    }
    return open.first?.line
  }

  /// The names inside {{…}} tags on a line, without sigils (#, ^, /, &, {).
  static func templateTags(in line: Substring) -> [String] {
    var tags: [String] = []
    var rest = line[...]
    while let open = rest.range(of: "{{") {
      guard let close = rest[open.upperBound...].range(of: "}}") else { break }
      var name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      while let first = name.first, "#^/&{!>%=".contains(first) {
        if first == "!" || first == ">" || first == "%" || first == "=" { name = ""; break }
        name.removeFirst()
      }
      name = name.trimmingCharacters(in: CharacterSet(charactersIn: " }"))
      // A closing tag repeats its section's name; count each name once.
      if !name.isEmpty, name != ".", !rest[open.upperBound...].hasPrefix("/") { tags.append(name) }
      rest = rest[close.upperBound...]
    }
    return tags
  }
}
