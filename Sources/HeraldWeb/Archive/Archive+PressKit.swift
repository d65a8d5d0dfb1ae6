import HeraldCompose
import HeraldCore
import HeraldStore

extension Archive {
  /// Thumbnails on the release page are shown this wide (CSS pixels) at most.
  static let thumbnailWidth = 160

  /// The values of the release page's "Press kit" section: each listed file with its
  /// address, type and size (a photo with a thumbnail), and the ZIP of them all. Nil when
  /// the release has no listed files.
  func pressKitValues(_ publication: Publication, zip: PressKitZIP?) -> [String: Any]? {
    let listed = publication.files.filter(\.isListed)
    guard !listed.isEmpty else { return nil }
    let renditions = publication.files.filter { $0.kind == .rendition }
    let files: [[String: Any]] = listed.map { file in
      var values: [String: Any] = [
        "name": file.name, "url": PublicPage.releaseFile(slug: publication.slug, file: file).path, "type": file.typeDescription,
        "size": ByteCount.formatted(file.size),
      ]
      if let caption = file.caption, !caption.isEmpty { values["caption"] = caption }
      if file.kind == .image {
        // The page shows the mail rendition when there is one (smaller), else the photo itself.
        let shown = Self.rendition(of: file, among: renditions) ?? file
        var thumbnail: [String: Any] = ["src": PublicPage.releaseFile(slug: publication.slug, file: shown).path, "alt": file.alt ?? ""]
        if let width = shown.width, let height = shown.height, width > 0, height > 0 {
          let shownWidth = min(width, Self.thumbnailWidth)
          thumbnail["dimensions"] = [
            "width": shownWidth, "height": max(1, Int((Double(height) * Double(shownWidth) / Double(width)).rounded())),
          ]
        }
        values["thumbnail"] = thumbnail
      }
      return values
    }
    var values: [String: Any] = ["files": files]
    if let zip {
      values["zip"] = ["url": PublicPage.pressKit(slug: publication.slug).path, "size": ByteCount.formatted(zip.size), "count": listed.count]
    }
    return values
  }

  /// The mail rendition made of `image`: the rendition with its name, else one whose name
  /// starts with its name's stem ("director.jpg" → "director-1200.jpg", "director.mail.jpg").
  static func rendition(of image: PressKitFile, among renditions: [PressKitFile]) -> PressKitFile? {
    if let same = renditions.first(where: { $0.name == image.name }) { return same }
    let stem = image.name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
    guard !stem.isEmpty else { return nil }
    return renditions.first { rendition in
      rendition.name.hasPrefix(stem) && rendition.name.dropFirst(stem.count).first.map { "-._".contains($0) } == true
    }
  }
}
