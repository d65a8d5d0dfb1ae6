#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import HeraldCore
import ZIPFoundation

/// The press kit of a release as one ZIP: every listed file (photos and documents, not the
/// mail renditions) under its name, names made unique ("photo.jpg", "photo-2.jpg").
///
/// The ZIP is made once per content and kept in the workspace's Media/ folder under the
/// digest of what it holds (`press-kits/DIGEST.zip`), so that the web server, `herald
/// preview` and the email's "Download everything (ZIP, 4.2 MB)" all use the same file. Its
/// bytes depend only on the members (fixed dates), so two processes that make it at once
/// make the same file. Photos, PDFs and other compressed files are stored as they are;
/// text (CSV) is deflated.
package struct PressKitArchive: Sendable, Hashable {
  /// A file in the ZIP, under the name it has there.
  package struct Member: Sendable, Hashable {
    /// Its name in the ZIP: the file's name, with "-2", "-3" before the extension when
    /// another listed file has the same name.
    package var name: String
    package var file: PressKitFile
  }

  /// The listed files, in the release's order.
  package let members: [Member]
  /// SHA-256 (hex) of the members' names and digests: the ZIP's name in Media/ and its ETag.
  package let digest: String

  /// The ZIP of `files`' listed ones (renditions are left out).
  package init(files: [PressKitFile]) {
    var taken = Set<String>()
    var members: [Member] = []
    for file in files where file.isListed {
      let name = Self.unique(Self.safeName(file.name), taken: &taken)
      members.append(Member(name: name, file: file))
    }
    self.members = members
    var hasher = SHA256()
    // The format's version first: a change in how the ZIP is made gives new names.
    hasher.update(data: Array("herald press kit 1\n".utf8))
    for member in members {
      hasher.update(data: Array("\(member.name)\0\(member.file.digest)\n".utf8))
    }
    digest = Hex.encode(hasher.finalize())
  }

  /// Whether there is anything to put in it.
  package var isEmpty: Bool { members.isEmpty }

  /// The name a download is offered under: "2026-12-06-report-press-kit.zip".
  package static func downloadName(slug: String) -> String { "\(slug)-press-kit.zip" }

  /// Where the ZIP is kept in a Media/ folder.
  package func location(in mediaDirectory: URL) -> URL {
    mediaDirectory.appendingPathComponent("press-kits", isDirectory: true).appendingPathComponent("\(digest).zip")
  }

  /// The ZIP in `mediaDirectory`, made now if it is not there yet (the members' bytes are
  /// read from the same folder, by digest).
  /// - Returns: where it is and its size in bytes.
  /// - Throws: `ComposeError` `.workspace` naming a member whose bytes are missing from
  ///   Media/ (publish the release again), or the ZIP that cannot be written.
  @discardableResult
  package func make(in mediaDirectory: URL) throws -> (url: URL, size: Int) {
    let target = location(in: mediaDirectory)
    if let size = Self.size(of: target) { return (target, size) }
    let folder = target.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw failure(target, "cannot create the folder \(folder.path): \(error.localizedDescription); check that Media/ is writable", error)
    }
    var random = SystemRandomNumberGenerator()
    let temporary = folder.appendingPathComponent(".\(digest).\(getpid()).\(String(random.next() as UInt32, radix: 36)).tmp")
    defer { try? FileManager.default.removeItem(at: temporary) }
    do {
      let zip = try Archive(url: temporary, accessMode: .create)
      for member in members {
        try add(member, to: zip, mediaDirectory: mediaDirectory)
      }
    } catch let error as ComposeError {
      throw error
    } catch {
      throw failure(target, "cannot write the press kit's ZIP \(target.path): \(error); check that Media/ is writable and the disk is not full", error)
    }
    // Flushed before it takes its name, so that a ZIP with that name is always whole.
    let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
    if descriptor >= 0 {
      _ = fsync(descriptor)
      close(descriptor)
    }
    guard rename(temporary.path, target.path) == 0 else {
      throw failure(target, "cannot move the press kit's ZIP into place at \(target.path): \(String(cString: strerror(errno)))", nil)
    }
    DurableFile.syncDirectory(folder.path)
    guard let size = Self.size(of: target) else {
      throw failure(target, "the press kit's ZIP \(target.path) disappeared as it was made; try again", nil)
    }
    return (target, size)
  }

  private func add(_ member: Member, to zip: Archive, mediaDirectory: URL) throws {
    let source = mediaDirectory.appendingPathComponent(member.file.storagePath)
    guard let size = Self.size(of: source), let handle = FileHandle(forReadingAtPath: source.path) else {
      throw ComposeError(
        .workspace, file: source.path,
        "the press kit lists \(member.file.name) (SHA-256 \(member.file.digest.prefix(12))…) but its bytes are not in Media/; publish the release again to put them back")
    }
    defer { try? handle.close() }
    // A fixed date: the same members always make the same bytes.
    try zip.addEntry(
      with: member.name, type: .file, uncompressedSize: Int64(size), modificationDate: Self.memberDate, permissions: 0o644,
      compressionMethod: member.file.isCompressed ? .none : .deflate
    ) { position, length in
      try handle.seek(toOffset: UInt64(position))
      return try handle.read(upToCount: length) ?? Data()
    }
  }

  private func failure(_ target: URL, _ message: String, _ error: (any Error)?) -> ComposeError {
    var failure = ComposeError(.workspace, file: target.path, message)
    failure.underlying = error.map { "\($0)" }.map(PressKitUnderlying.init)
    return failure
  }

  /// 2000-01-01 00:00 UTC: the members' date in every ZIP (DOS dates start in 1980).
  static let memberDate = Date(timeIntervalSince1970: 946_684_800)

  private static func size(of url: URL) -> Int? {
    var info = stat()
    guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  /// A name safe as a ZIP member: no folders, nothing that unpacks outside the folder.
  static func safeName(_ name: String) -> String {
    var cleaned = String(name.map { $0 == "/" || $0 == "\\" || $0.isNewline ? "_" : $0 })
    while cleaned.hasPrefix(".") { cleaned.removeFirst() }
    return cleaned.isEmpty ? "file" : cleaned
  }

  static func unique(_ name: String, taken: inout Set<String>) -> String {
    if taken.insert(name).inserted { return name }
    let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
    let stem = dot.map { String(name[..<$0]) } ?? name
    let suffix = dot.map { String(name[$0...]) } ?? ""
    var number = 2
    while !taken.insert("\(stem)-\(number)\(suffix)").inserted { number += 1 }
    return "\(stem)-\(number)\(suffix)"
  }
}

/// What ZIPFoundation reported, kept as text (its errors are not all Sendable).
struct PressKitUnderlying: Error, Sendable, CustomStringConvertible {
  let description: String
}
