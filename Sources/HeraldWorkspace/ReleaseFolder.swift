#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCompose
import HeraldCore

/// Where a release's photos and files are kept: the folder named after its slug beside
/// it, Releases/SLUG/ (a folder below the release, which `ReleaseMedia` accepts). Its
/// translations share it.
package struct ReleaseFolder: Sendable {
  /// The release's slug: the folder's name.
  package let slug: String
  /// Releases/, where the release file is.
  package let releases: URL
  /// Releases/SLUG/.
  package var url: URL { releases.appendingPathComponent(slug) }

  /// The folder of the release in `releaseFile`.
  package init(releaseFile: URL) {
    releases = releaseFile.deletingLastPathComponent()
    slug = Release.slug(naming: releaseFile.lastPathComponent)
  }

  /// A file of the folder, or one beside the release that it refers to.
  package struct Entry: Sendable, Equatable {
    /// Its path as the release refers to it: "SLUG/photo.jpg", or "photo.jpg" beside it.
    package var path: String
    /// Bytes.
    package var size: Int
    /// What its content is (nil: not a kind a release may carry).
    package var type: MediaType?
    /// Whether the release refers to it.
    package var referenced: Bool
    /// Whether it is in Releases/SLUG/ (and so may be removed from the desk).
    package var inFolder: Bool
  }

  /// The files in Releases/SLUG/ and the ones beside the release that `references` name,
  /// sorted by path. Hidden files (and unfinished uploads) are left out.
  package func entries(referenced references: [ReleaseMedia.Reference]) -> [Entry] {
    let named = Set(references.map { ($0.path as NSString).standardizingPath })
    var entries: [Entry] = []
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    for name in names where !name.hasPrefix(".") {
      let path = "\(slug)/\(name)"
      guard let entry = entry(path, referenced: named.contains(path), inFolder: true) else { continue }
      entries.append(entry)
    }
    for path in named where !entries.contains(where: { $0.path == path }) && !path.hasPrefix("../") && !path.hasPrefix("/") {
      if let entry = entry(path, referenced: true, inFolder: false) { entries.append(entry) }
    }
    return entries.sorted { $0.path < $1.path }
  }

  private func entry(_ path: String, referenced: Bool, inFolder: Bool) -> Entry? {
    let file = releases.appendingPathComponent(path)
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
      attributes[.type] as? FileAttributeType == .typeRegular
    else { return nil }
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    let type = try? MediaType.recognised(name: file.lastPathComponent, head: Self.head(of: file)).get()
    return Entry(path: path, size: size, type: type, referenced: referenced, inFolder: inFolder)
  }

  static func head(of file: URL) -> [UInt8] {
    guard let handle = try? FileHandle(forReadingFrom: file) else { return [] }
    defer { try? handle.close() }
    return Array((try? handle.read(upToCount: 4096)) ?? Data())
  }

  /// The name an uploaded file is saved under: the name it was sent with, without folder
  /// parts or hidden-file dot, letters, digits, `-`, `_` and `.` kept, anything else (spaces,
  /// quotes, control characters) a hyphen; its ending kept, lowercase.
  /// - Returns: the name, or why it cannot be used (a folder part such as `../`, no name,
  ///   a kind of file a release may not carry).
  package static func safeName(_ given: String) -> Result<String, MediaTypeProblem> {
    let shown = String(String.UnicodeScalarView(given.unicodeScalars.filter { $0.properties.generalCategory != .control })).prefix(120)
    if given.contains("/") || given.contains("\\") || given.hasPrefix("..") {
      return .failure(MediaTypeProblem(
        "“\(shown)” names a folder; send the file itself, named like “photo.jpg”"))
    }
    var stem = (given as NSString).deletingPathExtension
    let ending = (given as NSString).pathExtension.lowercased()
    var cleaned = ""
    for scalar in stem.unicodeScalars {
      let keep = (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "-_.".unicodeScalars.contains(scalar))
        && scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format
      if keep { cleaned.unicodeScalars.append(scalar) } else if !cleaned.hasSuffix("-") { cleaned.append("-") }
    }
    stem = cleaned
    while let first = stem.first, first == "." || first == "-" { stem.removeFirst() }
    while let last = stem.last, last == "." || last == "-" { stem.removeLast() }
    if stem.count > 100 { stem = String(stem.prefix(100)) }
    guard !stem.isEmpty, !ending.isEmpty else {
      return .failure(MediaTypeProblem("“\(shown)” has no name or no ending; name the file like “photo.jpg”"))
    }
    let name = stem + "." + ending
    return MediaType.allowedType(named: name).map { _ in name }
  }

  /// Makes Releases/SLUG/ when it is not there.
  /// - Throws: `FileError` `.write`.
  package func create() throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw FileError(.write, "cannot make the folder", path: url.path, hint: "check that Releases/ is writable")
    }
  }

  /// Removes Releases/SLUG/NAME. The desk removes only files the release does not refer to.
  /// - Throws: `FileError` `.write`.
  package func remove(_ name: String) throws {
    let file = url.appendingPathComponent(name)
    guard unlink(file.path) == 0 else {
      throw FileError(.write, "cannot remove", path: file.path, errno: errno, hint: "check that the folder is writable")
    }
    DurableFile.syncDirectory(url.path)
  }
}
