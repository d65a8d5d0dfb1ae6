import Foundation

/// The store's files and who may read them: the database and its companions (`-wal`,
/// `-shm`, `-journal`) hold addresses, names, IP addresses, consent evidence and
/// inquiries, so only their owner may read them, like the link secret and received mail.
package enum StoreFiles {
  /// A file of the store that other users could read and that was made owner-only.
  package struct Tightened: Sendable, Hashable, CustomStringConvertible {
    /// The file's path.
    package var path: String
    /// Its mode before, e.g. 0o644.
    package var previousMode: UInt16
    /// Its mode now, e.g. 0o600.
    package var mode: UInt16

    package var description: String { "\(path) \(reason)" }

    /// What happened, without the path (for a diagnostic that names the file).
    package var reason: String {
      "could be read by other users (mode \(String(previousMode, radix: 8))); it holds personal data and is now owner-only (mode \(String(mode, radix: 8)))"
    }
  }

  /// The files SQLite keeps beside the database at `path`, and the database itself.
  static func all(_ path: String) -> [String] {
    [path, path + "-wal", path + "-shm", path + "-journal"]
  }

  /// Makes the database file owner-only before SQLite opens it: created with mode 0600
  /// when it is new (SQLite gives its `-wal`, `-shm` and `-journal` the database's mode),
  /// and any of the files that others could read made so.
  /// - Returns: the files whose mode was changed.
  static func secure(_ path: String) throws -> [Tightened] {
    let made = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if made >= 0 {
      close(made)
    } else if errno != EEXIST {
      throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
    var tightened: [Tightened] = []
    for file in all(path) {
      var info = stat()
      guard lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
      let mode = info.st_mode & 0o7777
      guard mode & 0o077 != 0 else { continue }
      let owner = mode & 0o700
      guard chmod(file, owner) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
      tightened.append(Tightened(path: file, previousMode: UInt16(mode), mode: UInt16(owner)))
    }
    return tightened
  }
}
