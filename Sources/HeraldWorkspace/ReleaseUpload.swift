#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCompose
import HeraldCore

/// One file being uploaded into a release's folder: its bytes go to a hidden temporary file
/// there as they arrive; once whole, it is recognised by its content (`MediaType`, as
/// `herald check` does), flushed, and renamed to a free name, or removed. Nobody ever sees
/// half a file under the final name.
///
/// One task uses it at a time (it is passed to the blocking pool and back), hence
/// `@unchecked Sendable`: it owns a file descriptor, closed by `finish` or `discard`.
package final class ReleaseUpload: @unchecked Sendable {
  private let folder: ReleaseFolder
  private let temporary: String
  private var descriptor: Int32
  /// Bytes written so far.
  package private(set) var count = 0
  /// The first bytes, for recognising the content.
  private var head: [UInt8] = []

  /// Starts an upload into `folder` (made when missing).
  /// - Throws: `FileError` `.write`.
  package init(into folder: ReleaseFolder) throws {
    try folder.create()
    self.folder = folder
    var random = SystemRandomNumberGenerator()
    temporary = folder.url.appendingPathComponent(".upload.\(getpid()).\(String(random.next() as UInt64, radix: 36)).tmp").path
    descriptor = FileIO.openFile(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileError(.write, "cannot create a file in", path: folder.url.path, hint: "check that the folder is writable") }
  }

  deinit { discard() }

  /// Appends bytes.
  /// - Throws: `FileError` `.write` (a full disk).
  package func write(_ bytes: [UInt8]) throws {
    guard descriptor >= 0 else { return }
    if head.count < 4096 { head += bytes.prefix(4096 - head.count) }
    let failure = bytes.withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
    if failure != 0 { throw FileError(.write, "cannot write", path: temporary, errno: failure, hint: "is the disk full?") }
    count += bytes.count
  }

  /// Keeps the file as `name` (a `ReleaseFolder.safeName`), or as `name-2`, `name-3`… when
  /// that exists, if its content is what the name says.
  /// - Returns: the name it was saved as, or why it was not (the temporary file is removed).
  /// - Throws: `FileError` `.write`.
  package func finish(as name: String) throws -> Result<String, MediaTypeProblem> {
    if case .failure(let problem) = MediaType.recognised(name: name, head: head) {
      discard()
      return .failure(problem)
    }
    guard FileIO.syncFile(descriptor) == 0 else {
      discard()
      throw FileError(.write, "cannot flush", path: temporary, hint: "is the disk full?")
    }
    FileIO.closeFile(descriptor)
    descriptor = -1
    let stem = (name as NSString).deletingPathExtension
    let ending = (name as NSString).pathExtension
    for number in 1...1000 {
      let candidate = number == 1 ? name : "\(stem)-\(number).\(ending)"
      let failure = FileIO.renameWithoutReplacing(temporary, folder.url.appendingPathComponent(candidate).path)
      if failure == 0 {
        DurableFile.syncDirectory(folder.url.path)
        return .success(candidate)
      }
      if failure != EEXIST {
        unlink(temporary)
        throw FileError(.write, "cannot save", path: folder.url.appendingPathComponent(candidate).path, errno: failure)
      }
    }
    unlink(temporary)
    throw FileError(.write, "cannot find a free name for \(name) in", path: folder.url.path, hint: "remove some of the files named like it")
  }

  /// Drops what was written.
  package func discard() {
    if descriptor >= 0 {
      FileIO.closeFile(descriptor)
      descriptor = -1
      unlink(temporary)
    }
  }
}
