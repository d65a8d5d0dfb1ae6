import Foundation
import HeraldCore
import HeraldMail

extension ComposedRelease {
  /// Where the release's relative references point: images to their mail rendition (by
  /// Content-ID when `contentIDDomain` is given, `images: inline`), links to files to the
  /// file's absolute address on the public site.
  static func references(_ media: ReleaseMedia, site: PublicSite, slug: String, contentIDDomain: String?) -> ResolvedReferences {
    var resolved = ResolvedReferences()
    for (reference, item) in media.items {
      let original = site.url(.releaseFile(slug: slug, file: item.file))
      resolved.links[reference] = original
      guard let rendition = item.rendition else { continue }
      let size = item.displaySize
      let source = contentIDDomain.map { "cid:" + contentID(rendition, domain: $0) } ?? site.url(.releaseFile(slug: slug, file: rendition))
      resolved.images[reference] = ResolvedReferences.Image(source: source, original: original, width: size?.width, height: size?.height)
    }
    return resolved
  }

  /// The Content-ID of an embedded rendition: its digest, so that it is the same in every
  /// message and differs between photos.
  static func contentID(_ file: PressKitFile, domain: String) -> String {
    "photo-\(file.digest.prefix(24))@\(domain)"
  }

  /// The values of the templates' `{{#press_kit}}` section: the listed files with their
  /// addresses, kinds and sizes, and the address of the ZIP of all of them; nil (no
  /// section) for a release without files.
  static func pressKitValues(_ media: ReleaseMedia, site: PublicSite, slug: String) -> [String: Any]? {
    let listed = media.listedFiles
    guard !listed.isEmpty else { return nil }
    let files: [[String: Any]] = listed.map { file in
      // The same words and size as the release page's press kit.
      let type = file.typeDescription
      return [
        "name": file.name, "url": site.url(.releaseFile(slug: slug, file: file)), "type": type, "size": ByteCount.formatted(file.size),
        "label": "\(file.name) (\(type), \(ByteCount.formatted(file.size)))",
      ]
    }
    // The ZIP's size is not given: it is made by the web server, and a guess could be wrong.
    return ["files": files, "zip_url": site.url(.pressKit(slug: slug)), "count": "\(listed.count)"]
  }

  /// The MIME body around the text and HTML parts: multipart/alternative; the HTML in a
  /// multipart/related with the embedded images (`images: inline`), so that a client
  /// that shows the text never sees them as attachments; the whole in a multipart/mixed
  /// with the attachments (`attach:`).
  func mimeBody(_ parts: [MIMEPart], token: String) -> MIMEPart {
    var alternatives = parts
    if !inlineImageParts.isEmpty, alternatives.count == 2 {
      alternatives[1] = .multipart(subtype: "related", boundary: MIMEPart.boundary(token: "r_" + token), parts: [alternatives[1]] + inlineImageParts)
    }
    let alternative = MIMEPart.multipart(subtype: "alternative", boundary: MIMEPart.boundary(token: token), parts: alternatives)
    guard !attachedFileParts.isEmpty else { return alternative }
    return .multipart(subtype: "mixed", boundary: MIMEPart.boundary(token: "m_" + token), parts: [alternative] + attachedFileParts)
  }

  /// About how large each message is, encoded: the two parts, the header, and the
  /// embedded images and attachments.
  package var estimatedMessageSize: Int {
    let body = publicBody()
    return 6_000 + (body.html.utf8.count + body.text.utf8.count) * 12 / 10
      + (inlineImageParts + attachedFileParts).reduce(0) { $0 + $1.estimatedSize }
  }

  /// Errors and warnings about the release's files: the references (`ReleaseMedia`), and a
  /// message made too large by embedded images or attachments.
  package var mediaDiagnostics: [Diagnostic] {
    var found = media.diagnostics
    let size = estimatedMessageSize
    let limits = settings.media
    let line = release.attach.isEmpty ? nil : release.frontMatterLines["attach"]
    if size > limits.messageLimit {
      found.append(Diagnostic(.error, file: release.file, line: line,
        "each message would be about \(ByteCount.formatted(size)), more than \(ByteCount.formatted(limits.messageLimit)): many mail servers refuse it. Link the files instead of attaching them (remove attach:), or set press_kit: images: linked in herald.yml"))
    } else if size > limits.messageWarnSize {
      found.append(Diagnostic(.warning, file: release.file, line: line,
        "each message will be about \(ByteCount.formatted(size)), more than \(ByteCount.formatted(limits.messageWarnSize)): slow to download and more likely to be filtered. Consider linking the files instead"))
    }
    return found
  }
}

/// A release's files copied into a preview folder, and the HTML made to refer to them there.
package struct LocalFiles: Sendable {
  /// Each published address and the relative address of its copy: "files/DIGEST/photo.jpg".
  package var paths: [String: String]

  /// The HTML with every published address of the release's files replaced by its copy's path.
  package func html(_ html: String) -> String {
    paths.keys.sorted { $0.count > $1.count }.reduce(html) { $0.replacingOccurrences(of: $1, with: paths[$1]!) }
  }
}

extension ComposedRelease {
  /// Copies the release's renditions, photos and documents into `directory/files/DIGEST/NAME`
  /// (under its digest, so names never collide), for a preview that works offline.
  /// - Returns: the addresses to replace in the HTML.
  package func writeLocalFiles(to directory: URL, media folder: MediaFolder) throws -> LocalFiles {
    for file in media.publishedFiles {
      let target = directory.appendingPathComponent("files").appendingPathComponent(file.digest).appendingPathComponent(file.name)
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      if !FileManager.default.fileExists(atPath: target.path) {
        try FileManager.default.copyItem(at: folder.url(of: file), to: target)
      }
    }
    return localFiles(under: "files/")
  }

  /// The release's published addresses mapped to `prefix` + "DIGEST/NAME" (the name
  /// percent-encoded as in the published address): where a preview serves or copies them.
  /// An embedded image (images: inline) is mapped from its Content-ID too.
  package func localFiles(under prefix: String) -> LocalFiles {
    var paths: [String: String] = [:]
    for file in media.publishedFiles {
      let url = settings.site.url(.releaseFile(slug: release.slug, file: file))
      // The same path as on the site below the release ("files/DIGEST/NAME", the name
      // percent-encoded in the address and as it is on disk).
      let relative = prefix + "\(file.digest)/" + (url.split(separator: "/").last.map(String.init) ?? file.name)
      paths[url] = relative
      if file.kind == .rendition { paths["cid:" + Self.contentID(file, domain: (release.from ?? settings.from).domain)] = relative }
    }
    return LocalFiles(paths: paths)
  }
}
