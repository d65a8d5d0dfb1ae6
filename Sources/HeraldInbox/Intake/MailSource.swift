import Foundation
import HeraldCore

/// Where received mail is read from, for `herald inbox import`: one .eml file, a Maildir
/// (its new/ and cur/), or an mbox file. Messages are handed over one at a time, so that
/// any number of them needs the memory of one.
package enum MailSource: Sendable, Equatable {
  /// One message in a file.
  case file(URL)
  /// A Maildir: a folder with new/ and cur/ (and tmp/, which holds nothing finished).
  case maildir(URL)
  /// An mbox file of many messages.
  case mbox(URL, MboxReader.Format)
  /// A folder of message files that is not a Maildir (saved replies, `Replies/`): its
  /// `.eml` files, by name.
  case folder(URL)
  /// Several sources, read one after the other (`herald inbox import Replies/ inbox.mbox`).
  indirect case several([MailSource])

  /// What each of `paths` is (see `detect(_:mboxFormat:)`), all of them before anything is
  /// read, so that a mistyped third path stops the import before the first is read.
  /// - Throws: `InboxError` `.source` naming the first path that cannot be read.
  package static func detect(paths: [String], mboxFormat: MboxReader.Format = .mboxrd) throws -> MailSource {
    let sources = try paths.map { try detect($0, mboxFormat: mboxFormat) }
    return sources.count == 1 ? sources[0] : .several(sources)
  }

  /// What a path is: a folder with new/ or cur/ is a Maildir; another folder with .eml
  /// files in it is a folder of messages; a file named `*.eml` is one message; another
  /// file whose first line starts with "From " is an mbox; any other file is one message.
  ///
  /// An .eml file may begin with a "From " line too: tools that save one message (procmail,
  /// formail, mutt) write its envelope line first. Such a file is not an mbox, and a line
  /// in it that begins "From " (the envelope line of a message it returns, a line of text)
  /// splits nothing: none was quoted, as an mbox writer would have. The envelope line is
  /// kept with the bytes; the parser does not read it as a header.
  /// - Throws: `InboxError` `.source` when the path does not exist, or is a folder that is
  ///   neither a Maildir nor holds .eml files.
  package static func detect(_ path: String, mboxFormat: MboxReader.Format = .mboxrd) throws -> MailSource {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw InboxError(.source, "\(path): no such file or folder; give .eml files, a folder of them, a Maildir folder or an mbox file")
    }
    if isDirectory.boolValue {
      let hasNew = FileManager.default.fileExists(atPath: url.appendingPathComponent("new").path)
      let hasCur = FileManager.default.fileExists(atPath: url.appendingPathComponent("cur").path)
      if hasNew || hasCur { return .maildir(url) }
      guard !messageFiles(in: url).isEmpty else {
        throw InboxError(.source, "\(path) is a folder with no .eml files and is not a Maildir (it has no new/ or cur/); give .eml files, a folder of them, a Maildir folder or an mbox file")
      }
      return .folder(url)
    }
    if url.pathExtension.lowercased() == "eml" { return .file(url) }
    let handle = FileIO.openFile(path, O_RDONLY | O_CLOEXEC)
    guard handle >= 0 else {
      throw InboxError(.source, "cannot open \(path): \(String(cString: strerror(errno)))", underlying: SystemError(errno))
    }
    defer { FileIO.closeFile(handle) }
    var start = [UInt8](repeating: 0, count: 5)
    let count = start.withUnsafeMutableBytes { FileIO.read(handle, into: $0, at: 0) }
    return count == 5 && start == Array("From ".utf8) ? .mbox(url, mboxFormat) : .file(url)
  }

  /// One message read from a source: its bytes and where it came from ("inbox.mbox:1204",
  /// "Maildir/new/1733…").
  package struct Item: Sendable {
    package var bytes: [UInt8]
    package var origin: String
  }

  /// Hands each message to `body`, in order (a Maildir's by file name, new/ then cur/).
  /// - Throws: `InboxError` `.source` when the source cannot be read; what `body` throws.
  package func forEach(_ body: (Item) throws -> Void) throws {
    try forEach(unreadable: { _, error in throw error }, body)
  }

  /// Hands each message to `body`, in order (a Maildir's by file name, new/ then cur/), and
  /// each message file of a Maildir that cannot be read (gone meanwhile, not readable, over
  /// 50 MB) to `unreadable`, with its path, and goes on.
  /// - Throws: `InboxError` `.source` when the source cannot be read (the .eml file, the
  ///   mbox); what `body` or `unreadable` throws.
  package func forEach(unreadable: (String, InboxError) throws -> Void, _ body: (Item) throws -> Void) throws {
    switch self {
    case .file(let url):
      try body(Item(bytes: try Self.read(url), origin: url.path))
    case .maildir(let url):
      for folder in ["new", "cur"] {
        let directory = url.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
        try Self.readEach(names.sorted().filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }, unreadable: unreadable, body)
      }
    case .folder(let url):
      try Self.readEach(Self.messageFiles(in: url), unreadable: unreadable, body)
    case .several(let sources):
      for source in sources { try source.forEach(unreadable: unreadable, body) }
    case .mbox(let url, let format):
      let reader = try MboxReader(path: url.path, format: format)
      while let bytes = try reader.next() {
        try body(Item(bytes: bytes, origin: "\(url.path):\(reader.messageLine)"))
      }
    }
  }

  /// Hands each file's bytes to `body`, and each file that cannot be read to `unreadable`.
  private static func readEach(_ files: [URL], unreadable: (String, InboxError) throws -> Void, _ body: (Item) throws -> Void) throws {
    for file in files {
      let bytes: [UInt8]
      do {
        bytes = try read(file)
      } catch let error as InboxError {
        try unreadable(file.path, error)
        continue
      }
      try body(Item(bytes: bytes, origin: file.path))
    }
  }

  /// The .eml files directly in a folder, by name.
  static func messageFiles(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && ($0 as NSString).pathExtension.lowercased() == "eml" }.sorted().map { folder.appendingPathComponent($0) }
  }

  /// The bytes of one file, refusing anything over 50 MB (no mail a press office gets).
  static func read(_ url: URL) throws -> [UInt8] {
    let handle = FileIO.openFile(url.path, O_RDONLY | O_CLOEXEC)
    guard handle >= 0 else {
      throw InboxError(.source, "cannot open \(url.path): \(String(cString: strerror(errno)))", underlying: SystemError(errno))
    }
    defer { FileIO.closeFile(handle) }
    var info = stat()
    guard fstat(handle, &info) == 0 else { throw InboxError(.source, "cannot read \(url.path): \(String(cString: strerror(errno)))") }
    let size = Int(info.st_size)
    guard size <= maximumSize else {
      throw InboxError(.source, "\(url.path) is \(size / 1_000_000) MB; a message over \(maximumSize / 1_000_000) MB is not read")
    }
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      let read = FileIO.read(handle, into: UnsafeMutableRawBufferPointer(buffer), at: 0)
      failed = read < 0
      count = max(read, 0)
    }
    if failed { throw InboxError(.source, "cannot read \(url.path): \(String(cString: strerror(errno)))") }
    return bytes
  }

  /// The largest message read.
  package static let maximumSize = 50_000_000
}
