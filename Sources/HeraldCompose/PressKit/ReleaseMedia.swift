import Foundation
import HeraldCore
import Synchronization

/// The files a release refers to — images and links relative to the release file, and its
/// `attach:` list — found, checked and made ready to publish: each image's original and
/// mail rendition made (once per content, cached in Media/), each document stored as it is.
///
/// A reference is to a file beside the release or in a folder below it: `photo.jpg`,
/// `files/report.pdf`. Addresses with a scheme (`https:`, `mailto:`), fragments (`#…`) and
/// template tags are left as they are.
package struct ReleaseMedia: Sendable {
  /// A file the release uses.
  package struct Item: Sendable, Equatable {
    /// What the release calls it, as written: "photo.jpg".
    package var reference: String
    /// The original photo or the document, as published.
    package var file: PressKitFile
    /// A photo's mail rendition.
    package var rendition: PressKitFile?
    /// The release file's line where it is first used.
    package var line: Int?

    /// The size it is shown at in mail (at most 600 pixels wide): a photo's rendition scaled.
    package var displaySize: (width: Int, height: Int)? {
      guard let rendition, let width = rendition.width, let height = rendition.height else { return nil }
      return ImageRenditions.displaySize(width: width, height: height)
    }
  }

  /// The files found, by reference as written.
  package private(set) var items: [String: Item] = [:]
  /// The references in the order they first appear (the press kit lists them so).
  package private(set) var order: [String] = []
  /// The files of `attach:`, in order.
  package private(set) var attachments: [Item] = []
  /// Errors and warnings about the references, with the release file's lines.
  package private(set) var diagnostics: [Diagnostic] = []
  /// How many images were processed now (not found in Media/'s index): 0 the second time.
  package private(set) var imagesProcessed = 0

  /// No files: a release composed without a Media/ folder (tests of the text alone).
  package init() {}

  /// Every file to publish with the release: photos and documents (listed in the press
  /// kit) and the photos' renditions (not listed), each once.
  package var publishedFiles: [PressKitFile] {
    var seen: Set<PressKitFile> = []
    var files: [PressKitFile] = []
    for item in order.compactMap({ items[$0] }) + attachments {
      for file in [item.file] + (item.rendition.map { [$0] } ?? []) where seen.insert(file).inserted { files.append(file) }
    }
    return files
  }

  /// The files the press kit lists: photos and documents, in the order the release uses them.
  package var listedFiles: [PressKitFile] { publishedFiles.filter(\.isListed) }

  /// Finds, checks and prepares the files a release refers to.
  /// - Parameters:
  ///   - release: The release (its file's folder is where references are looked up).
  ///   - document: Its parsed body.
  ///   - folder: The workspace's Media/ folder.
  ///   - settings: Size limits.
  package init(release: Release, document: MarkdownDocument, folder: MediaFolder, settings: MediaSettings) {
    let base = URL(fileURLWithPath: (release.file as NSString).deletingLastPathComponent.isEmpty
      ? "." : (release.file as NSString).deletingLastPathComponent).standardizedFileURL
    var references: [(reference: String, line: Int, image: Bool, alt: String, title: String)] = []
    document.forEachInline { inline in
      switch inline {
      case .image(let source, let title, let alt, let line):
        references.append((source, line, true, MarkdownInline.plainText(alt), title))
      case .link(let destination, _, _, let line):
        references.append((destination, line, false, "", ""))
      default:
        break
      }
    }
    var pending: [Pending] = []
    for (reference, line, isImage, alt, title) in references where Self.isRelative(reference) {
      if let index = pending.firstIndex(where: { $0.reference == reference }) {
        // The same file used again: a caption given later still counts.
        if isImage, pending[index].caption == nil, !title.isEmpty { pending[index].caption = title }
        continue
      }
      guard var found = check(reference, line: line, image: isImage, base: base, release: release, settings: settings) else { continue }
      if isImage {
        found.alt = alt.isEmpty ? nil : alt
        found.caption = title.isEmpty ? nil : title
      }
      pending.append(found)
    }
    let attachLine = release.frontMatterLines["attach"]
    var attached: [Pending] = []
    for name in release.attach {
      guard Self.isRelative(name) || name.hasPrefix("/") else {
        diagnostics.append(Diagnostic(.error, file: release.file, line: attachLine,
          "“attach: \(name)” must name a file beside the release, like “report.pdf”, not an address"))
        continue
      }
      if let found = pending.first(where: { $0.reference == name })
        ?? check(name, line: attachLine, image: false, base: base, release: release, settings: settings)
      {
        attached.append(found)
      }
    }

    // The photos not made before, made side by side (each on its own thread; libvips is
    // thread-safe), then stored.
    var work: [Pending] = []
    for item in pending + attached where item.type.isImage && folder.indexed(source: item.digest) == nil {
      if !work.contains(where: { $0.digest == item.digest }) { work.append(item) }
    }
    let jobs = work
    let results = Mutex([Result<ImageRenditions, ImageError>?](repeating: nil, count: jobs.count))
    DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
      let result = Result { try ImageRenditions(file: jobs[index].url.path, type: jobs[index].type) }
        .mapError { $0 as? ImageError ?? ImageError(file: jobs[index].url.path, "\($0)") }
      results.withLock { $0[index] = result }
    }
    let made = results.withLock { $0 }
    imagesProcessed = work.count
    var renditions: [String: ImageRenditions] = [:]
    for (index, result) in made.enumerated() {
      switch result {
      case .success(let value)?: renditions[work[index].digest] = value
      case .failure(let failure)?:
        diagnostics.append(Diagnostic(.error, file: release.file, line: work[index].line,
          "“\(work[index].name)” \(failure.reason); export it again from an image editor"))
      case nil: break
      }
    }

    for found in pending {
      guard let item = store(found, renditions: renditions, folder: folder, release: release) else { continue }
      items[found.reference] = item
      order.append(found.reference)
    }
    for found in attached {
      if let item = items[found.reference] ?? store(found, renditions: renditions, folder: folder, release: release) {
        attachments.append(item)
      }
    }
    if !release.attach.isEmpty {
      diagnostics.append(Diagnostic(.warning, file: release.file, line: attachLine,
        "attachments (attach:) make every message larger and are a sign spam filters weigh: more of them land in junk folders. Linking the files (they are published with the release) reaches more inboxes"))
    }
  }

  /// Whether a link or image source refers to a file of the release: no scheme, no
  /// fragment alone, no template tag, no protocol-relative address.
  package static func isRelative(_ reference: String) -> Bool {
    let trimmed = reference.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("//") || trimmed.contains("{{") { return false }
    if let colon = trimmed.firstIndex(of: ":") {
      let scheme = trimmed[..<colon]
      if !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }), scheme.first!.isLetter {
        return false
      }
    }
    return true
  }

  /// A file found and checked, not yet stored.
  struct Pending: Sendable {
    var reference: String
    var line: Int?
    var url: URL
    var name: String
    var type: MediaType
    var digest: String
    var size: Int
    var alt: String?
    var caption: String?
  }

  /// The file named by a reference, found and checked (it exists, below the release's
  /// folder, of an allowed type that its content confirms); nil, with a diagnostic, when
  /// it cannot be used.
  private mutating func check(
    _ reference: String, line: Int?, image: Bool, base: URL, release: Release, settings: MediaSettings
  ) -> Pending? {
    func error(_ message: String) -> Pending? {
      diagnostics.append(Diagnostic(.error, file: release.file, line: line, message))
      return nil
    }
    var path = reference
    if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
    path = path.removingPercentEncoding ?? path
    if path.hasPrefix("/") {
      return error("“\(reference)” is an absolute path; a release may only use files beside it or in a folder below it. Put the file next to the release and write “\((path as NSString).lastPathComponent)”")
    }
    let url = base.appendingPathComponent(path).standardizedFileURL
    guard url.path.hasPrefix(base.path + "/") else {
      return error("“\(reference)” is outside the release's folder (\(base.path)); a release may only use files beside it or in a folder below it. Move the file there")
    }
    let name = url.lastPathComponent
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      return error("“\(reference)” does not exist (looked for \(url.path)); put the file there or correct the name")
    }
    if case .failure(let problem) = MediaType.allowedType(named: name) { return error(problem.message) }
    let source: (digest: String, size: Int, head: [UInt8])
    do {
      source = try MediaFolder.digest(ofFile: url)
    } catch {
      return self.error("“\(reference)” could not be read: \(error.localizedDescription)", line: line, release: release)
    }
    let actual: MediaType
    switch MediaType.recognised(name: name, head: source.head) {
    case .success(let type): actual = type
    case .failure(let problem): return error(problem.message)
    }
    if image && !actual.isImage {
      return error("“\(name)” is \(actual.name), not an image; link to it with [text](\(reference)) instead of ![…](\(reference))")
    }
    if source.size > settings.warnSize {
      diagnostics.append(Diagnostic(.warning, file: release.file, line: line,
        "“\(name)” is \(ByteCount.formatted(source.size)), more than \(ByteCount.formatted(settings.warnSize)) (press_kit: warn_size in herald.yml); journalists on slow connections may not wait for it. Consider a smaller version"))
    }
    return Pending(reference: reference, line: line, url: url, name: name, type: actual, digest: source.digest, size: source.size)
  }

  /// A checked file stored in Media/: a photo's two forms (made now, in `renditions`, or
  /// before, in the index), a document as it is.
  private mutating func store(_ found: Pending, renditions: [String: ImageRenditions], folder: MediaFolder, release: Release) -> Item? {
    var item: Item
    do {
      if found.type.isImage {
        if let made = renditions[found.digest] {
          let original = PressKitFile(
            name: Self.name(found.name, as: made.originalType), kind: .image, mediaType: made.originalType.mediaType,
            size: made.original.count, digest: try folder.store(made.original), width: made.originalWidth, height: made.originalHeight)
          let rendition = PressKitFile(
            name: Self.name(found.name, as: made.renditionType), kind: .rendition, mediaType: made.renditionType.mediaType,
            size: made.rendition.count, digest: try folder.store(made.rendition), width: made.renditionWidth, height: made.renditionHeight)
          if !folder.contains(original) || !folder.contains(rendition) { return nil }
          try folder.index(source: found.digest, files: [original, rendition])
          item = Item(reference: found.reference, file: original, rendition: rendition, line: found.line)
        } else if let files = folder.indexed(source: found.digest), let original = files.first(where: { $0.kind == .image }) {
          item = Item(
            reference: found.reference, file: Self.renamed(original, found.name),
            rendition: files.first { $0.kind == .rendition }.map { Self.renamed($0, found.name) }, line: found.line)
        } else {
          return nil  // it failed to be made: said already
        }
      } else {
        // Documents are published as they are: their own metadata is not changed.
        try folder.storeCopy(of: found.url, digest: found.digest)
        item = Item(
          reference: found.reference,
          file: PressKitFile(name: found.name, kind: .document, mediaType: found.type.mediaType, size: found.size, digest: found.digest),
          line: found.line)
      }
    } catch {
      return self.error("“\(found.reference)” could not be stored in Media/: \(error.localizedDescription)", line: found.line, release: release)
    }
    item.file.alt = found.alt
    item.file.caption = found.caption
    return item
  }

  private mutating func error<T>(_ message: String, line: Int?, release: Release) -> T? {
    diagnostics.append(Diagnostic(.error, file: release.file, line: line, message))
    return nil
  }

  /// An indexed file under the name this release gives the image (the same photo may be
  /// called differently by two releases).
  private static func renamed(_ file: PressKitFile, _ name: String) -> PressKitFile {
    var copy = file
    copy.name = self.name(name, as: MediaType.sniffedName(file.mediaType))
    return copy
  }

  /// The name with the ending of the format it is published in ("logo.webp" stays, a
  /// "photo.jpeg" stays).
  private static func name(_ name: String, as type: MediaType?) -> String {
    guard let type, !type.extensions.contains((name as NSString).pathExtension.lowercased()) else { return name }
    return (name as NSString).deletingPathExtension + "." + type.extensions[0]
  }
}

extension MediaType {
  /// The allowed type with this Content-Type.
  static func sniffedName(_ mediaType: String) -> MediaType? {
    allowed.first { $0.mediaType == mediaType }
  }
}
