import Crypto
import Foundation
import HeraldCore

/// The workspace's Media/ folder: every published file stored once under its SHA-256
/// (`PressKitFile.storagePath`), and an index from a source image's SHA-256 to the files
/// made from it (`index/SHA.json`), so an image is only ever processed once.
package struct MediaFolder: Sendable {
  /// The folder.
  package let directory: URL

  /// The Media/ folder at `directory` (made when something is stored).
  package init(directory: URL) {
    self.directory = directory
  }

  /// Where a file's bytes are.
  package func url(of file: PressKitFile) -> URL {
    directory.appendingPathComponent(file.storagePath)
  }

  /// Whether the bytes of `file` are stored.
  package func contains(_ file: PressKitFile) -> Bool {
    FileManager.default.fileExists(atPath: url(of: file).path)
  }

  /// Stores bytes under their digest (written to a temporary file and renamed, so a
  /// reader never sees half a file) unless they are there already.
  /// - Returns: the digest.
  @discardableResult
  package func store(_ bytes: [UInt8]) throws -> String {
    let digest = Self.digest(of: bytes)
    let target = directory.appendingPathComponent(String(digest.prefix(2)) + "/" + digest)
    if !FileManager.default.fileExists(atPath: target.path) {
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try DurableFile.write(bytes, to: target)
    }
    return digest
  }

  /// Stores a file as it is under `digest` (its SHA-256, computed by the caller), copied
  /// to a temporary file and renamed, unless it is there already.
  package func storeCopy(of source: URL, digest: String) throws {
    let target = directory.appendingPathComponent(String(digest.prefix(2)) + "/" + digest)
    guard !FileManager.default.fileExists(atPath: target.path) else { return }
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(digest).\(UUID().uuidString).tmp")
    do {
      // The file's bytes, not a link to them: a release's file may be a symbolic link.
      try FileManager.default.copyItem(at: source.resolvingSymlinksInPath(), to: temporary)
      // rename(2): the file appears whole or not at all.
      guard rename(temporary.path, target.path) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }

  /// The files made from a source image before, when all of them are still stored.
  package func indexed(source digest: String) -> [PressKitFile]? {
    let url = indexURL(digest)
    guard let data = FileManager.default.contents(atPath: url.path),
      let files = try? JSONDecoder().decode([PressKitFile].self, from: data), !files.isEmpty, files.allSatisfy(contains)
    else { return nil }
    return files
  }

  /// Records the files made from a source image (temporary file and rename).
  package func index(source digest: String, files: [PressKitFile]) throws {
    let url = indexURL(digest)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try DurableFile.write(Array(try encoder.encode(files)), to: url)
  }

  private func indexURL(_ digest: String) -> URL {
    directory.appendingPathComponent("index").appendingPathComponent(digest + ".json")
  }

  /// SHA-256 of bytes, lowercase hex.
  package static func digest(of bytes: some Collection<UInt8>) -> String {
    hex(SHA256.hash(data: Array(bytes)))
  }

  /// SHA-256 of a file, read in pieces (a 20 MB PDF is never in memory whole), and its
  /// first bytes for recognising its type.
  package static func digest(ofFile url: URL) throws -> (digest: String, size: Int, head: [UInt8]) {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    var size = 0
    var head: [UInt8] = []
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      if head.isEmpty { head = Array(chunk.prefix(4096)) }
      hasher.update(data: chunk)
      size += chunk.count
    }
    return (hex(hasher.finalize()), size, head)
  }

  private static func hex(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef")
    var text = ""
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return text
  }
}
