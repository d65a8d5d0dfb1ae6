import Foundation

extension Workspace {
  /// A workspace file holding personal data (or a secret) that other users of the machine
  /// can read, or a folder with many of them.
  package struct ReadableFile: Sendable, Hashable, CustomStringConvertible {
    /// The file, or the folder whose files are counted.
    package var url: URL
    /// The file's mode (of the first such file, for a folder).
    package var mode: UInt16
    /// 1 for a file; for a folder, how many of its files others can read.
    package var count: Int

    /// The command that makes it owner-only.
    package var fix: String {
      count == 1 ? "chmod 600 \(url.path)" : "chmod -R go-rwx \(url.path)"
    }

    package var description: String {
      let mode = String(mode, radix: 8)
      return count == 1
        ? "can be read by other users (mode \(mode)) and holds personal data or a secret; run “\(fix)”"
        : "\(count) files in it can be read by other users (mode \(mode) and others) and hold personal data; run “\(fix)”"
    }
  }

  /// Files that hold personal data or secrets and that users other than their owner can
  /// read: the subscriber store and its companions (Lists/herald.sqlite, -wal, -shm,
  /// -journal), the Outbox's messages, received mail and attachments in Inbox/, and the
  /// secret, keys and passwords in .herald/. A folder with more than a few such files is
  /// named once, with their count. (Exports are written owner-only; the lists' CSV files
  /// beside the store are the press office's own and are not looked at.)
  package func filesReadableByOthers() -> [ReadableFile] {
    var found: [ReadableFile] = []
    for name in ["", "-wal", "-shm", "-journal"] {
      let url = URL(fileURLWithPath: databaseFile.path + name)
      if let mode = Self.readableByOthers(url) { found.append(ReadableFile(url: url, mode: mode, count: 1)) }
    }
    for folder in ["Outbox", "Inbox", ".herald"] {
      let directory = root.appendingPathComponent(folder)
      var files: [(URL, UInt16)] = []
      guard let walker = FileManager.default.enumerator(atPath: directory.path) else { continue }
      while let relative = walker.nextObject() as? String {
        // The Outbox's lock and git's placeholder hold nothing.
        let name = (relative as NSString).lastPathComponent
        if name == ".gitkeep" || (folder == "Outbox" && relative == "lock") { continue }
        let url = directory.appendingPathComponent(relative)
        if let mode = Self.readableByOthers(url) { files.append((url, mode)) }
      }
      files.sort { $0.0.path < $1.0.path }
      if files.count > Self.filesNamedPerFolder, let first = files.first {
        found.append(ReadableFile(url: directory, mode: first.1, count: files.count))
      } else {
        found += files.map { ReadableFile(url: $0.0, mode: $0.1, count: 1) }
      }
    }
    return found
  }

  /// How many files of one folder are named one by one before the folder is named instead.
  static let filesNamedPerFolder = 5

  /// A regular file's mode when its group or others may read it; nil otherwise.
  private static func readableByOthers(_ url: URL) -> UInt16? {
    var info = stat()
    guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o044 != 0 else { return nil }
    return UInt16(info.st_mode & 0o7777)
  }
}
