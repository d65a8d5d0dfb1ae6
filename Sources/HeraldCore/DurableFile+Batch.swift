#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension DurableFile {
  /// Files written together and made durable together: hundreds of small files (received
  /// messages) without an fsync, and a disk flush, each.
  ///
  /// Each file is written whole to a temporary file beside its target (created exclusively,
  /// with exactly its mode), not yet flushed. `commit()` flushes them all (on Linux one
  /// syncfs(2) of the filesystem for a batch of 64 files or more, as the Outbox's enqueue
  /// flushes a big batch; else an fsync each), then puts each in place (renamed over its
  /// target, or linked when a file already there is kept), then flushes their folders (one
  /// more syncfs when they are several, else an fsync). A file is never seen under its name
  /// before its bytes are on the disk, so one that is there is whole and may be kept; when
  /// `commit()` returns, every file of the batch survives a crash or a power cut. The
  /// temporary files of a batch that is not committed are removed (`discard()`, or when the
  /// batch is released).
  ///
  /// One batch is used by one thread at a time (it may be handed to another).
  public final class Batch: @unchecked Sendable {
    private struct Pending {
      var temporary: String
      var target: String
      var directory: String
      var replacing: Bool
      /// Open until flushed, or -1 once closed (a big batch is flushed by syncfs).
      var descriptor: Int32
    }

    private var pending: [Pending] = []
    private var openCount = 0
    private let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private var created = 0

    /// From this many files on, a batch is flushed with one syncfs(2) instead of an fsync per file.
    public static let syncWholeFilesystemFrom = 64

    /// Makes an empty batch.
    public init() {}

    deinit { discard() }

    /// How many files were added and not yet committed or discarded.
    public var count: Int { pending.count }

    /// Adds a file: writes `bytes` to a temporary file beside `url`, whose folder must exist.
    /// - Parameters:
    ///   - mode: The file's permissions, exactly, whatever the umask.
    ///   - replacing: When false, a file at `url` at the commit is kept and this one dropped
    ///     (a file named by its content is there already, whole).
    /// - Throws: `FileError` `.write` naming the path and the system's reason.
    public func add(_ bytes: some Collection<UInt8>, to url: URL, mode: mode_t = 0o644, replacing: Bool = true) throws {
      try add(bytes, named: url.lastPathComponent, in: url.deletingLastPathComponent().path, mode: mode, replacing: replacing)
    }

    /// Adds a file `name` in the folder at `directory`, as `add(_:to:mode:replacing:)` does:
    /// the same without a URL, for many files.
    public func add(
      _ bytes: some Collection<UInt8>, named name: String, in directory: String, mode: mode_t = 0o644, replacing: Bool = true
    ) throws {
      let target = "\(directory)/\(name)"
      // One random tag a batch and a count, rather than a random number (a syscall) a file.
      created += 1
      let temporary = "\(directory)/.\(name).\(Self.processID).\(tag)-\(created).tmp"
      let descriptor = FileIO.openFile(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      guard descriptor >= 0 else {
        throw FileError(.write, "cannot create a file in", path: directory, hint: "check that the folder exists and is writable")
      }
      var failure: Int32 = 0
      // Exactly `mode`: open(2) applies the umask (unless it takes nothing from this mode).
      if FileIO.umask.map({ $0 & mode != 0 }) ?? true, fchmod(descriptor, mode) != 0 {
        failure = errno
      } else {
        failure = bytes.withContiguousStorageIfAvailable { FileIO.writeAll(descriptor, UnsafeRawBufferPointer($0)) }
          ?? Array(bytes).withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
      }
      if failure == 0 && !FileIO.canSyncFilesystem && FileIO.syncFile(descriptor) != 0 { failure = errno }
      if failure != 0 {
        FileIO.closeFile(descriptor)
        unlink(temporary)
        throw FileError(.write, "cannot write", path: target, errno: failure, hint: "is the disk full?")
      }
      var entry = Pending(temporary: temporary, target: target, directory: directory, replacing: replacing, descriptor: descriptor)
      if FileIO.canSyncFilesystem && pending.count + 1 >= Self.syncWholeFilesystemFrom {
        // A syncfs will flush them all: no need to hold their descriptors.
        closeAll()
        FileIO.closeFile(descriptor)
        entry.descriptor = -1
      } else if FileIO.canSyncFilesystem {
        openCount += 1
      } else {
        FileIO.closeFile(descriptor)  // flushed already
        entry.descriptor = -1
      }
      pending.append(entry)
    }

    private static let processID = getpid()

    /// Removes the files added since the batch held `mark` files (those of a message whose
    /// other files could not be written), or all of them.
    public func discard(from mark: Int = 0) {
      guard mark < pending.count else { return }
      for entry in pending[max(mark, 0)...] {
        if entry.descriptor >= 0 {
          FileIO.closeFile(entry.descriptor)
          openCount -= 1
        }
        unlink(entry.temporary)
      }
      pending.removeSubrange(max(mark, 0)...)
    }

    /// Removes the files added at these positions (those of messages found to be read
    /// before); the others stay, in order.
    public func discard(_ ranges: [Range<Int>]) {
      guard !ranges.isEmpty else { return }
      var dropped = IndexSet()
      for range in ranges { dropped.insert(integersIn: range.clamped(to: 0..<pending.count)) }
      for position in dropped {
        let entry = pending[position]
        if entry.descriptor >= 0 {
          FileIO.closeFile(entry.descriptor)
          openCount -= 1
        }
        unlink(entry.temporary)
      }
      pending = pending.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    /// Flushes every file, puts each in place, and flushes their folders; the batch is
    /// empty afterwards.
    /// - Throws: `FileError` `.write` when the disk cannot take them: then none was put in
    ///   place unless the failure was in the renames, and the rest are removed.
    public func commit() throws {
      guard !pending.isEmpty else { return }
      defer { discard() }
      // A big batch (or one whose descriptors were closed) is flushed with syncfs.
      let wholeFilesystem = FileIO.canSyncFilesystem && (pending.count >= Self.syncWholeFilesystemFrom || openCount < pending.count)
      let first = pending[0].directory
      if wholeFilesystem {
        try Self.syncFilesystem(of: first)
      } else {
        for entry in pending where entry.descriptor >= 0 {
          guard FileIO.syncFile(entry.descriptor) == 0 else { throw FileError(.write, "cannot flush", path: entry.target, hint: "is the disk full?") }
        }
      }
      closeAll()
      // (On a failure below, `discard()` unlinks the temporary names of the files already
      // in place too: they are gone already, and nothing else has those names.)
      var directories: [String] = []
      var seen: Set<String> = []
      for entry in pending {
        if entry.replacing {
          guard rename(entry.temporary, entry.target) == 0 else { throw FileError(.write, "cannot move into place", path: entry.target) }
        } else {
          // Never replacing: a file of the same name (the same content) stays.
          let failure = FileIO.renameWithoutReplacing(entry.temporary, entry.target)
          guard failure == 0 || failure == EEXIST else { throw FileError(.write, "cannot create", path: entry.target, errno: failure) }
          if failure == EEXIST { unlink(entry.temporary) }
        }
        if seen.insert(entry.directory).inserted { directories.append(entry.directory) }
      }
      pending.removeAll()
      if wholeFilesystem && directories.count > 1 {
        // The new names in all their folders at once (a batch of messages with attachments
        // has a folder per message): one more syncfs rather than an fsync per folder.
        try Self.syncFilesystem(of: first)
      } else {
        for directory in directories { DurableFile.syncDirectory(directory) }
      }
    }

    /// syncfs(2) of the filesystem that holds `directory`.
    private static func syncFilesystem(of directory: String) throws {
      let descriptor = FileIO.openFile(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard descriptor >= 0 else { throw FileError(.write, "cannot open the folder", path: directory) }
      let synced = FileIO.syncFilesystem(descriptor)
      FileIO.closeFile(descriptor)
      guard synced == 0 else { throw FileError(.write, "cannot flush the files of", path: directory, hint: "is the disk full?") }
    }

    private func closeAll() {
      for index in pending.indices where pending[index].descriptor >= 0 {
        FileIO.closeFile(pending[index].descriptor)
        pending[index].descriptor = -1
      }
      openCount = 0
    }
  }
}
