import Foundation

/// Writes files so that a reader sees the old contents or the new, never half of them:
/// write a temporary file beside the target, fsync it, rename it over the target.
public enum AtomicFile {
  /// Writes `bytes` to `url` atomically and durably.
  /// - Parameter mode: The new file's permissions (0600 for secrets).
  public static func write(_ bytes: some Collection<UInt8>, to url: URL, mode: mode_t = 0o644) throws {
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw posixError("cannot create", temporary) }
    var failed = false
    Array(bytes).withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failed = true
          return
        }
        offset += written
      }
    }
    let error = errno
    if failed || fsync(descriptor) != 0 {
      close(descriptor)
      unlink(temporary)
      errno = error
      throw posixError("cannot write", url.path)
    }
    close(descriptor)
    guard rename(temporary, url.path) == 0 else {
      unlink(temporary)
      throw posixError("cannot rename into place", url.path)
    }
  }

  /// Writes `bytes` to `url` only if no file is there yet, atomically.
  /// - Returns: false when the file already existed (nothing was written).
  public static func create(_ bytes: some Collection<UInt8>, at url: URL) throws -> Bool {
    if FileManager.default.fileExists(atPath: url.path) { return false }
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).tmp"
    try write(bytes, to: URL(fileURLWithPath: temporary))
    // link() fails if the target exists: no race with another writer.
    defer { unlink(temporary) }
    if link(temporary, url.path) != 0 {
      if errno == EEXIST { return false }
      throw posixError("cannot create", url.path)
    }
    return true
  }

  private static func posixError(_ what: String, _ path: String) -> ComposeError {
    ComposeError(.workspace, file: path, "\(what): \(String(cString: strerror(errno)))")
  }
}
