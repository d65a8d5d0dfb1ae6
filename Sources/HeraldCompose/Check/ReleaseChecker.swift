import Foundation

/// Everything `herald check` looks at in a release: the front matter, the template tags,
/// and the body's links, images and raw HTML. Errors stop a send; warnings are for a
/// person to look at.
public enum ReleaseChecker {
  /// The names a template tag in a release may start with.
  static let knownTagRoots: Set<String> = ["subscriber", "release", "organization", "list", "unsubscribe_url"]

  /// Checks a release that was read and composed.
  public static func diagnostics(for composed: ComposedRelease) -> [Diagnostic] {
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

    func visit(_ inlines: [MarkdownInline], line: Int) {
      for inline in inlines {
        switch inline {
        case .link(let destination, _, let children, let linkLine):
          let text = MarkdownInline.plainText(children)
          if MarkdownInline.isPlaceholder(destination: destination) {
            warn(linkLine, "the link “\(text)” points to “\(destination)”, which leads nowhere; it is sent as plain text. Add the real address")
          } else if HTMLRenderer.safeURL(destination) == nil {
            warn(linkLine, "the link “\(text)” uses an unsafe address (\(destination.prefix(30))); it is removed")
          }
          visit(children, line: linkLine)
        case .image(let source, _, let alt, let imageLine):
          if MarkdownInline.plainText(alt).trimmingCharacters(in: .whitespaces).isEmpty {
            warn(imageLine, "the image \(source) has no alt text; readers with images off or screen readers get nothing. Write ![what it shows](\(source))")
          }
        case .html(_, let htmlLine) where !composed.configuration.allowRawHTML:
          warn(htmlLine, "raw HTML is dropped from the email (herald.yml does not set allow_raw_html: true)")
        case .emphasis(let children), .strong(let children), .strikethrough(let children):
          visit(children, line: line)
        default:
          break
        }
      }
    }
    func visit(_ blocks: [MarkdownBlock]) {
      for block in blocks {
        switch block {
        case .paragraph(let inlines, let line), .heading(_, let inlines, let line):
          visit(inlines, line: line)
        case .quote(let children):
          visit(children)
        case .list(_, _, _, let items):
          items.forEach(visit)
        case .html(_, let line) where !composed.configuration.allowRawHTML:
          warn(line, "raw HTML is dropped from the email (herald.yml does not set allow_raw_html: true)")
        case .table(_, let header, let rows, let line):
          (header + rows.flatMap { $0 }).forEach { visit($0, line: line) }
        default:
          break
        }
      }
    }
    visit(composed.document.blocks)
    return found.sorted { ($0.line ?? 0, $0.severity == .error ? 0 : 1) < ($1.line ?? 0, $1.severity == .error ? 0 : 1) }
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
