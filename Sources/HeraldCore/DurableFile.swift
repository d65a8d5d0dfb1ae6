#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files that must never be seen half-written, nor lost once written: reports,
/// keys, secrets, exports, herald.yml and previews.
///
/// The bytes go to a temporary file beside the target (created exclusively, so never
/// through a file or link someone else put there), which gets its mode, is flushed, and is
/// then renamed over the target (or linked, when an existing file must be kept); finally
/// the folder is flushed, so the new name survives a power cut too. A reader sees the old
/// file or the new one, never a mixture.
public enum DurableFile {
  /// Writes `bytes` to `url`.
  /// - Parameters:
  ///   - mode: The file's permissions, exactly (0600 for secrets), whatever the umask.
  ///   - replacing: When false and a file is there, nothing is written and false returned.
  /// - Returns: whether the file was written.
  /// - Throws: `FileError` `.write` naming the path and the system's reason.
  @discardableResult
  public static func write(_ bytes: some Collection<UInt8>, to url: URL, mode: mode_t = 0o644, replacing: Bool = true) throws -> Bool {
    try write(to: url, mode: mode, replacing: replacing) { writer in
      try writer.write(bytes)
    }
  }

  /// Writes `text` as UTF-8 to `url`, as `write(_:to:mode:replacing:)` does.
  @discardableResult
  public static func write(_ text: String, to url: URL, mode: mode_t = 0o644, replacing: Bool = true) throws -> Bool {
    try write(Array(text.utf8), to: url, mode: mode, replacing: replacing)
  }

  /// Writes a file in pieces (an export of 100,000 rows): `body` appends through the
  /// writer, and the file appears whole when it returns, or not at all when it throws.
  /// - Returns: whether the file was written (false: it existed and `replacing` is false).
  @discardableResult
  public static func write(
    to url: URL, mode: mode_t = 0o644, replacing: Bool = true, _ body: (inout Writer) throws -> Void
  ) throws -> Bool {
    let directory = url.deletingLastPathComponent().path
    let target = url.path
    if !replacing && FileManager.default.fileExists(atPath: target) { return false }
    var random = SystemRandomNumberGenerator()
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(String(random.next() as UInt32, radix: 36)).tmp"
    let descriptor = FileIO.openFile(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw FileError(.write, "cannot create a file in", path: directory, hint: "check that the folder exists and is writable")
    }
    var writer = Writer(descriptor: descriptor, path: target)
    do {
      // Exactly `mode`: open(2) applies the umask.
      guard fchmod(descriptor, mode) == 0 else { throw FileError(.write, "cannot set the permissions of", path: temporary) }
      try body(&writer)
      try writer.flushBuffer()
      guard FileIO.syncFile(descriptor) == 0 else { throw FileError(.write, "cannot flush", path: target, hint: "is the disk full?") }
    } catch {
      FileIO.closeFile(descriptor)
      unlink(temporary)
      throw error
    }
    FileIO.closeFile(descriptor)
    defer { unlink(temporary) }  // after a link(2), or a failed rename
    if replacing {
      guard rename(temporary, target) == 0 else { throw FileError(.write, "cannot move into place", path: target) }
    } else if link(temporary, target) != 0 {
      // link(2) never replaces: no race with another writer of the same file.
      if errno == EEXIST { return false }
      throw FileError(.write, "cannot create", path: target)
    }
    syncDirectory(directory)
    return true
  }

  /// Flushes a folder, so that a rename into it survives a power cut. Best effort: some
  /// filesystems cannot flush folders, and the file itself is already on the disk.
  public static func syncDirectory(_ path: String) {
    let descriptor = FileIO.openFile(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = FileIO.syncFile(descriptor)
    FileIO.closeFile(descriptor)
  }

  /// Appends to the file being written, through a buffer of 64 kB.
  public struct Writer {
    fileprivate let descriptor: Int32
    fileprivate let path: String
    private var buffer: [UInt8] = []
    /// How many bytes were written in all.
    public private(set) var count = 0

    fileprivate init(descriptor: Int32, path: String) {
      self.descriptor = descriptor
      self.path = path
      buffer.reserveCapacity(Self.bufferSize)
    }

    private static let bufferSize = 65_536

    /// Appends bytes.
    /// - Throws: `FileError` `.write` when the disk refuses them.
    public mutating func write(_ bytes: some Collection<UInt8>) throws {
      buffer.append(contentsOf: bytes)
      count += bytes.count
      if buffer.count >= Self.bufferSize { try flushBuffer() }
    }

    /// Appends text as UTF-8.
    public mutating func write(_ text: String) throws {
      try write(text.utf8)
    }

    fileprivate mutating func flushBuffer() throws {
      guard !buffer.isEmpty else { return }
      let failure = buffer.withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
      buffer.removeAll(keepingCapacity: true)
      if failure != 0 { throw FileError(.write, "cannot write", path: path, errno: failure, hint: "is the disk full?") }
    }
  }
}
