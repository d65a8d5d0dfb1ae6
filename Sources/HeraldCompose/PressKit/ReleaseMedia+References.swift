import Foundation

extension ReleaseMedia {
  /// A file a release refers to, as written, without looking at the file.
  package struct Reference: Sendable, Equatable {
    /// As written: "water-report/photo.jpg".
    package var reference: String
    /// The path below the release's folder it names (percent-encoding, `?` and `#` removed).
    package var path: String
    /// Whether it is an image (`![…](…)`), not a link.
    package var isImage: Bool
    /// The release file's line.
    package var line: Int?
  }

  /// The files a release refers to, in order, each once: its images and relative links,
  /// then its `attach:` list. The same references `ReleaseMedia` checks and publishes.
  package static func references(of release: Release) -> [Reference] {
    var found: [Reference] = []
    func add(_ reference: String, image: Bool, line: Int?) {
      guard isRelative(reference), !found.contains(where: { $0.reference == reference }) else { return }
      var path = reference.trimmingCharacters(in: .whitespaces)
      if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
      path = path.removingPercentEncoding ?? path
      found.append(Reference(reference: reference, path: path, isImage: image, line: line))
    }
    MarkdownDocument(parsing: release.body, firstLine: release.bodyFirstLine).forEachInline { inline in
      switch inline {
      case .image(let source, _, _, let line): add(source, image: true, line: line)
      case .link(let destination, _, _, let line): add(destination, image: false, line: line)
      default: break
      }
    }
    for name in release.attach { add(name, image: false, line: release.frontMatterLines["attach"]) }
    return found
  }
}
