import Foundation

extension MediaType {
  /// The type a file's name says, when it is one a release may carry; otherwise why not
  /// (an unknown ending, SVG), as a sentence saying what to do.
  package static func allowedType(named name: String) -> Result<MediaType, MediaTypeProblem> {
    guard let named = named(name) else {
      return .failure(MediaTypeProblem(
        "“\(name)” is not a kind of file Herald publishes; use images (\(list(images: true))) or files (\(list(images: false)))"))
    }
    if named == .svg {
      return .failure(MediaTypeProblem(
        "“\(name)” is SVG, which is never sent in mail: most mail clients do not show it, and it can carry scripts. Export it as PNG (or JPEG) and use that"))
    }
    return .success(named)
  }

  /// What a file named `name` whose first bytes are `head` is, when its content is what its
  /// name says and a kind a release may carry; otherwise why not. `herald check` and the
  /// desk's uploads recognise files by this one rule.
  package static func recognised(name: String, head: [UInt8]) -> Result<MediaType, MediaTypeProblem> {
    let named: MediaType
    switch allowedType(named: name) {
    case .success(let type): named = type
    case .failure(let problem): return .failure(problem)
    }
    guard let actual = sniff(head, fileName: name) else {
      return .failure(MediaTypeProblem(
        "“\(name)” is named as \(named.name), but its content is not a file of any kind Herald publishes; export it again as \(named.name)"))
    }
    if actual == .svg {
      return .failure(MediaTypeProblem(
        "“\(name)” is SVG inside, which is never sent in mail: most mail clients do not show it, and it can carry scripts. Export it as PNG (or JPEG) and use that"))
    }
    guard actual == named else {
      return .failure(MediaTypeProblem(
        "“\(name)” is named as \(named.name), but its content is \(actual.name); rename it to .\(actual.extensions[0]) or export it again as \(named.name)"))
    }
    return .success(actual)
  }
}

/// Why a file cannot be carried by a release: what it is, and what to do.
package struct MediaTypeProblem: Error, Sendable, Equatable {
  /// The sentence.
  package var message: String
  package init(_ message: String) { self.message = message }
}
