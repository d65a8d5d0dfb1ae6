#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCore

/// The POSIX calls the Outbox is made of: directory descriptors, whole-file reads and
/// writes, renames. Every failure becomes a `DeliveryError` naming the path.
enum SpoolFiles {
  /// The text for the current errno.
  static func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
  }

  static func spoolError(_ what: String, _ path: String, _ code: Int32 = errno) -> DeliveryError {
    DeliveryError(
      .spool, "cannot \(what) \(path): \(errnoText(code)); check that the Outbox folder exists, is writable and the disk is not full",
      underlying: SystemError(code))
  }

  /// Makes `path` a folder if it is not one already.
  static func makeDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw spoolError("make the folder", path)
    }
  }

  /// An open descriptor of a folder, for the *at() calls; the caller closes it.
  static func openDirectory(_ path: String) throws -> Int32 {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd < 0 { throw spoolError("open the folder", path) }
    return fd
  }

  /// Flushes a folder's entries (the renames into it) to disk.
  static func syncDirectory(_ fd: Int32, _ path: String) throws {
    if FileIO.syncFile(fd) != 0 { throw spoolError("flush the folder", path) }
  }

  /// The names in a folder, leaving out those that start with ".".
  static func names(in path: String) throws -> [String] {
    guard let dir = opendir(path) else { throw spoolError("list the folder", path) }
    defer { closedir(dir) }
    var names: [String] = []
    // A dirent is only as long as its name (d_reclen): d_name is read in place, up to its
    // NUL. (Copying the struct's whole 256-byte d_name read past the end of readdir's buffer
    // when an entry ended at a page boundary: a crash seen with 100,000 files.)
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    while let entry = readdir(dir) {
      let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
      if name.hasPrefix(".") { continue }
      names.append(name)
    }
    return names
  }

  /// The modification time of `name` in the folder, or nil if it is not there.
  static func modificationTime(_ dirfd: Int32, _ name: String, _ path: String) throws -> Date? {
    var info = stat()
    if fstatat(dirfd, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
      if errno == ENOENT { return nil }
      throw spoolError("read the details of", "\(path)/\(name)")
    }
    return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
  }

  /// Whether `name` is in the folder.
  static func exists(_ dirfd: Int32, _ name: String) -> Bool {
    faccessat(dirfd, name, F_OK, 0) == 0
  }

  /// The whole content of `name`, or nil if it is not there.
  static func read(_ dirfd: Int32, _ name: String, _ path: String) throws -> [UInt8]? {
    let fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw spoolError("open", "\(path)/\(name)")
    }
    defer { close(fd) }
    return try read(descriptor: fd, "\(path)/\(name)")
  }

  /// The whole content of an open file.
  static func read(descriptor fd: Int32, _ file: @autoclosure () -> String) throws -> [UInt8] {
    var info = stat()
    if fstat(fd, &info) != 0 { throw spoolError("read the details of", file()) }
    let size = Int(info.st_size)
    var failed = false
    let data = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      let read = FileIO.read(fd, into: UnsafeMutableRawBufferPointer(buffer), at: 0)
      failed = read < 0
      count = max(read, 0)  // shorter if it shrank while reading
    }
    if failed { throw spoolError("read", file()) }
    return data
  }

  /// The start of `name`, up to the end of its header (or all of it if shorter), or nil
  /// if it is not there.
  static func readHeader(_ dirfd: Int32, _ name: String, _ path: String) throws -> OutboxMessage.ParsedHeader? {
    let fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw spoolError("open", "\(path)/\(name)")
    }
    defer { close(fd) }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    let file = "\(path)/\(name)"
    while data.count < 1 << 20 {
      let n = chunk.withUnsafeMutableBytes { FileIO.read(fd, into: $0, at: data.count) }
      if n < 0 { throw spoolError("read", file) }
      data.append(contentsOf: chunk[0..<n])
      if let header = try OutboxMessage.decodeHeader(data, file: file) { return header }
      if n == 0 { break }
    }
    throw DeliveryError(.corrupt, "\(file): the header has no end (the file is truncated or not an Outbox file); move it out of the Outbox and look at it")
  }

  /// Writes a new file `name` (replacing a leftover of the same name) with `parts` one after
  /// another, and returns its open descriptor so the caller can flush and close it.
  static func create(_ dirfd: Int32, _ name: String, _ path: String, _ parts: [UInt8]...) throws -> Int32 {
    // Owner-only: a message holds its recipient's address and name.
    var fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if fd < 0 && errno == EEXIST {
      // A leftover from a process that died mid-write: it was never renamed, so it is no message.
      unlinkat(dirfd, name, 0)
      fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    }
    if fd < 0 { throw spoolError("create", "\(path)/\(name)") }
    do {
      for part in parts {
        let failure = part.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if failure != 0 { throw spoolError("write", "\(path)/\(name)", failure) }
      }
    } catch {
      close(fd)
      unlinkat(dirfd, name, 0)
      throw error
    }
    return fd
  }

  /// Flushes a file's data to disk.
  static func sync(_ fd: Int32, _ file: String) throws {
    if FileIO.syncFile(fd) != 0 { throw spoolError("flush", file) }
  }

  /// Flushes every file of the filesystem that holds `fd` to disk: for a batch, one call
  /// instead of an fsync per file.
  static func syncFilesystem(_ fd: Int32, _ path: String) throws {
    #if os(Linux)
    if FileIO.syncFilesystem(fd) != 0 { throw spoolError("flush the filesystem of", path) }
    #endif
  }

  /// Takes (or changes to) a POSIX record lock on the whole file: `F_RDLCK` shared,
  /// `F_WRLCK` exclusive. Without `wait`, false when another process holds a conflicting one.
  static func lock(_ fd: Int32, _ type: Int32, wait: Bool) -> Bool {
    var request = flock()
    request.l_type = Int16(type)
    request.l_whence = Int16(SEEK_SET)
    request.l_start = 0
    request.l_len = 0  // to the end, however long
    return FileIO.retrying { fcntl(fd, wait ? F_SETLKW : F_SETLK, &request) } == 0
  }

  /// Appends `bytes` to a file opened with O_APPEND in one write(2), so the lines are
  /// whole or absent: a short write (a full disk) is cut off again.
  /// - Parameter size: the file's size before, when known (else it is asked, for the cut).
  static func append(_ fd: Int32, _ bytes: [UInt8], _ file: @autoclosure () -> String, size known: Int = -1) throws {
    var status = stat()
    if known >= 0 {
      status.st_size = off_t(known)
    } else {
      guard fstat(fd, &status) == 0 else { throw spoolError("read the size of", file()) }
    }
    let written = bytes.withUnsafeBytes { buffer in FileIO.retrying { write(fd, buffer.baseAddress!, buffer.count) } }
    guard written == bytes.count else {
      let code = errno
      if written > 0 { _ = ftruncate(fd, status.st_size) }
      throw written < 0 ? spoolError("append to", file(), code) : DeliveryError(.spool, "cannot append to \(file()): the disk took only \(written) of \(bytes.count) bytes; free some space and run herald deliver again")
    }
  }

  /// Sets a file's modification time: in deferred/ it is the time of the next attempt.
  static func setModificationTime(_ fd: Int32, _ date: Date, _ file: @autoclosure () -> String) throws {
    let ms = date.millisecondsSince1970
    let spec = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
    var times = [spec, spec]
    if futimens(fd, &times) != 0 { throw spoolError("set the time of", file()) }
  }

  /// Renames between folders; false if the source is gone (someone else moved it).
  /// - Parameter description: what moves where, for the error (made only then).
  static func move(_ fromfd: Int32, _ name: String, _ tofd: Int32, _ newName: String, _ description: @autoclosure () -> String) throws -> Bool {
    if renameat(fromfd, name, tofd, newName) == 0 { return true }
    if errno == ENOENT { return false }
    throw spoolError("move", description())
  }
}
