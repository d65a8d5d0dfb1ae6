/// Where a release's relative references point once its files are published: each image
/// source to the address of its mail rendition with the size it is shown at, each link
/// to a file to the file's address. The renderers look references up here; anything not
/// found is written as the release has it.
package struct ResolvedReferences: Sendable {
  /// An image as mail shows it.
  package struct Image: Sendable, Equatable {
    /// The `src`: an absolute address, or `cid:…` for an embedded image.
    package var source: String
    /// The address of the full photo (the press kit's original), for the plain text.
    package var original: String
    /// The size it is shown at, for `width`/`height` attributes (nothing shifts as it loads).
    package var width: Int?
    package var height: Int?
  }

  /// Images by source as written.
  package var images: [String: Image] = [:]
  /// Links to files by destination as written: the file's absolute address.
  package var links: [String: String] = [:]

  /// Nothing resolved: references are written as they are.
  package static let none = ResolvedReferences()

  package init(images: [String: Image] = [:], links: [String: String] = [:]) {
    self.images = images
    self.links = links
  }
}
