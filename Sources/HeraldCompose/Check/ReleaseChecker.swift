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
    found += placeholderErrors(in: release)
    found += splitSentenceWarnings(in: composed.document, file: file)
    for heading in composed.document.headingsRepeating(title: release.title) {
      warn(heading, "this heading repeats the title, which the email already shows above the text: it would show twice. Remove the heading")
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
    // The files it refers to: missing, outside its folder, of a kind mail must not carry,
    // too large; and a message made too large by what it embeds or attaches.
    found += composed.mediaDiagnostics
    return found.sorted { ($0.line ?? 0, $0.severity == .error ? 0 : 1) < ($1.line ?? 0, $1.severity == .error ? 0 : 1) }
  }

  /// The placeholder text `herald new` wrote (`ReleaseDraft.Placeholder`) that is still in
  /// the release: errors, for a half-written release must not go out.
  static func placeholderErrors(in release: Release) -> [Diagnostic] {
    typealias Placeholder = ReleaseDraft.Placeholder
    var found: [Diagnostic] = []
    func error(_ line: Int?, _ message: String) { found.append(Diagnostic(.error, file: release.file, line: line, message)) }
    if let dateline = release.dateline, dateline.hasPrefix(Placeholder.datelineCity + ",") {
      error(release.frontMatterLines["dateline"],
        "the dateline “\(dateline)” still begins with the placeholder “\(Placeholder.datelineCity)” that herald new wrote; write the city, e.g. “BERLIN, …”")
    }
    if release.summary == Placeholder.summary {
      error(release.frontMatterLines["summary"],
        "the “summary” is still the sample that herald new wrote (“\(Placeholder.summary)”); write one sentence about this release")
    }
    for (offset, line) in release.body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      for placeholder in Placeholder.body where line.contains(placeholder) {
        error(release.bodyFirstLine + offset,
          "“\(placeholder)” is placeholder text that herald new wrote; replace it with the release's own words, or remove it")
      }
    }
    return found
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

  /// Each `{{subscriber.KEY}}` the release's text uses, once per key, at its first line.
  package static func subscriberFields(in release: Release) -> [SubscriberFieldUse] {
    var uses: [SubscriberFieldUse] = []
    var guarded: Set<String> = []
    for (offset, line) in release.body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var rest = line[...]
      while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
        let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
        let sigil: Character? = inside.first.flatMap { first -> Character? in "#^/&{".contains(first) ? first : nil }
        let name = (sigil == nil ? inside[...] : inside.dropFirst()).trimmingCharacters(in: CharacterSet(charactersIn: " {}"))
        rest = rest[close.upperBound...]
        guard name.hasPrefix("subscriber."), name.count > "subscriber.".count else { continue }
        let key = String(name.dropFirst("subscriber.".count))
        if sigil == "#" || sigil == "^" { guarded.insert(key) }
        if sigil != "/", !uses.contains(where: { $0.key == key }) {
          uses.append(SubscriberFieldUse(key: key, line: release.bodyFirstLine + offset, text: String(line)))
        }
      }
    }
    for index in uses.indices { uses[index].guarded = guarded.contains(uses[index].key) }
    return uses
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

/// A `{{subscriber.KEY}}` value in a release's text, where it is first used.
package struct SubscriberFieldUse: Sendable, Equatable {
  /// The field's name: "name", "beat".
  package var key: String
  /// The release file's line where it is first used.
  package var line: Int
  /// That line's text.
  package var text: String
  /// Whether the text also has a section on it ({{#subscriber.KEY}} or {{^…}}), which
  /// says what to show when it is empty.
  package var guarded = false

  /// The line as a recipient without a value reads it: every tag of the field left out
  /// ("Dear {{subscriber.name}}," reads "Dear ,").
  package var textWithoutValue: String {
    var text = self.text
    for form in ["{{{subscriber.\(key)}}}", "{{&subscriber.\(key)}}", "{{subscriber.\(key)}}", "{{ subscriber.\(key) }}"] {
      text = text.replacingOccurrences(of: form, with: "")
    }
    return text.trimmingCharacters(in: .whitespaces)
  }
}
