#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The system calls Herald's files are written and read with. A call that a signal
/// interrupts (EINTR) is retried here, and only here.
public enum FileIO {
  /// Runs a system call again while a signal interrupts it; returns its last result.
  @inlinable
  public static func retrying<Result: FixedWidthInteger>(_ call: () -> Result) -> Result {
    while true {
      let result = call()
      if result == -1 && errno == EINTR { continue }
      return result
    }
  }

  /// Writes all of `bytes` to `descriptor` (at its offset, or at the end if it was opened
  /// with O_APPEND).
  /// - Returns: 0, or the errno of the failed write.
  public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
      let written = retrying { write(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
      if written < 0 { return errno }
      if written == 0 { return EIO }
      offset += written
    }
    return 0
  }

  /// Reads from `descriptor` at `offset` into `buffer` until it is full or the file ends.
  /// - Returns: how many bytes were read, or -1 with `errno` set.
  public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
    var done = 0
    while done < buffer.count {
      let count = retrying { pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
      if count < 0 { return -1 }
      if count == 0 { break }
      done += count
    }
    return done
  }

  /// Opens a file, retrying when interrupted.
  /// - Returns: the descriptor, or -1 with `errno` set.
  public static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    retrying { open(path, flags, mode) }
  }

  /// Flushes a file or folder to the disk (fsync), retrying when interrupted.
  /// - Returns: 0, or -1 with `errno` set.
  public static func syncFile(_ descriptor: Int32) -> Int32 {
    retrying { fsync(descriptor) }
  }

  /// Flushes every file of the filesystem that holds `descriptor` to the disk (syncfs(2)):
  /// for a batch of new files, one call instead of an fsync, and a journal commit, per file.
  /// Where there is no syncfs (not Linux), the call does nothing and returns -1 with ENOSYS:
  /// flush each file instead.
  /// - Returns: 0, or -1 with `errno` set.
  public static func syncFilesystem(_ descriptor: Int32) -> Int32 {
    #if os(Linux)
    return retrying { herald_syncfs(descriptor) }
    #else
    errno = ENOSYS
    return -1
    #endif
  }

  /// Whether `syncFilesystem` can flush a filesystem here.
  public static var canSyncFilesystem: Bool {
    #if os(Linux)
    return true
    #else
    return false
    #endif
  }

  /// Renames `from` to `to` unless something is at `to` already (renameat2(2) with
  /// RENAME_NOREPLACE, in one call; link and unlink where the filesystem or system has no
  /// such rename).
  /// - Returns: 0 when renamed, EEXIST when `to` was there (and `from` is left as it was),
  ///   or another errno.
  public static func renameWithoutReplacing(_ from: String, _ to: String) -> Int32 {
    #if os(Linux)
    let renameNoReplace: UInt32 = 1  // RENAME_NOREPLACE
    if herald_renameat2(AT_FDCWD, from, AT_FDCWD, to, renameNoReplace) == 0 { return 0 }
    let failure = errno
    guard failure == EINVAL || failure == ENOSYS else { return failure }
    #endif
    guard link(from, to) == 0 else { return errno }
    unlink(from)
    return 0
  }

  /// The process's umask, read once from /proc/self/status (setting it to read it would
  /// race with other threads' files); nil where it cannot be read.
  public static let umask: mode_t? = {
    #if os(Linux)
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
      let value = UInt32(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
    else { return nil }
    return mode_t(value)
    #else
    return nil
    #endif
  }()

  /// Asks the filesystem to spread the folders made in the folder at `path` over the disk
  /// (ext2/3/4's top-of-hierarchy attribute, `chattr +T`, as /home has): a folder that gets
  /// many folders of many files, such as the inbox's months, then places each in block
  /// groups of its own instead of its parent's. Where others create and delete many files
  /// near the parent, this matters: ext4 without a journal skips, for every new file, the
  /// inodes freed in the last half minute in its group. Best effort: other filesystems,
  /// and other systems, ignore it.
  public static func spreadSubfolders(_ path: String) {
    #if os(Linux)
    let descriptor = openFile(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    defer { closeFile(descriptor) }
    // FS_IOC_GETFLAGS / FS_IOC_SETFLAGS (linux/fs.h) read and write an int.
    let getFlags: UInt = 0x8008_6601
    let setFlags: UInt = 0x4008_6602
    let topDirectory: Int32 = 0x0002_0000  // FS_TOPDIR_FL
    var flags: Int32 = 0
    guard withUnsafeMutablePointer(to: &flags, { ioctl(descriptor, getFlags, $0) }) == 0, flags & topDirectory == 0 else { return }
    flags |= topDirectory
    _ = withUnsafeMutablePointer(to: &flags) { ioctl(descriptor, setFlags, $0) }
    #endif
  }

  /// Closes a descriptor. (close(2) must not be retried on EINTR on Linux: the descriptor
  /// is gone either way.)
  public static func closeFile(_ descriptor: Int32) {
    _ = close(descriptor)
  }
}

#if os(Linux)
// Glibc declares syncfs(2) and renameat2(2) only under _GNU_SOURCE, which the Swift module
// does not see.
@_silgen_name("syncfs")
private func herald_syncfs(_ fd: Int32) -> Int32

@_silgen_name("renameat2")
private func herald_renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
#endif
