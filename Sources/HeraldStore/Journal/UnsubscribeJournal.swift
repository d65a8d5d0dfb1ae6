#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCore
import Logging

/// Unsubscribes taken durably whether or not the store can be written now: a one-click
/// unsubscribe must never wait for, or be lost to, another process's write (an import of
/// 150,000 rows, a send recording its results).
///
/// An entry is one line of JSON appended to `Lists/unsubscribes.journal` (owner-only),
/// flushed to the disk before `append` returns; the store applies the entries as soon as it
/// can be written (`SubscriberStore.applyPendingUnsubscribes`). Appends from many requests
/// share one flush (group commit, on a thread of the journal's own).
///
/// The files beside the store:
/// - `unsubscribes.journal`: entries appended, each a whole line written by one `write(2)`;
///   a last line without its line break was torn by a crash before it was flushed, so it
///   was never acknowledged, and is ignored.
/// - `unsubscribes.applying`: the entries an applier took (the journal renamed); they stay
///   there until the store has them, so an applier that stops part-way leaves them to the
///   next one.
/// - `unsubscribes.journal.lock`: shared by appenders while they write, exclusive for the
///   rename, so no entry is written to a journal already taken.
/// - `unsubscribes.applying.lock`: held by the one process that applies.
package final class UnsubscribeJournal: Sendable {
  /// One unsubscribe taken: who, from which list (nil: every list), with what evidence, when.
  package struct Entry: Sendable, Hashable, Codable {
    /// The subscriber's id (from the link's token).
    package var subscriber: SubscriberID
    /// The list, or nil for every list.
    package var list: String?
    /// The evidence: a one-click POST or the page's button, with the client and browser.
    package var source: ConsentSource
    /// When it was asked for: the time the consent history records.
    package var at: Date

    /// Makes an entry.
    package init(subscriber: SubscriberID, list: String?, source: ConsentSource, at: Date) {
      self.subscriber = subscriber
      self.list = list
      self.source = source
      self.at = at
    }

    enum CodingKeys: String, CodingKey { case subscriber, list, source = "source_kind", detail, at }

    package init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      let id = try container.decode(Int64.self, forKey: .subscriber)
      subscriber = SubscriberID(rawValue: id)
      list = try container.decodeIfPresent(String.self, forKey: .list)
      source = ConsentSource(
        ConsentSource.Kind(rawValue: try container.decode(String.self, forKey: .source)) ?? .unknown,
        detail: try container.decode(String.self, forKey: .detail))
      at = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .at))
    }

    package func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(subscriber.rawValue, forKey: .subscriber)
      try container.encode(list, forKey: .list)
      try container.encode(source.kind.rawValue, forKey: .source)
      try container.encode(source.detail, forKey: .detail)
      try container.encode(at.timeIntervalSince1970, forKey: .at)
    }
  }

  /// How long the writer's thread waits for appends before it ends.
  static let writerIdleSeconds: TimeInterval = 10

  /// The folder of the store (Lists/).
  package let directory: String
  /// Signalled after each flushed append: the applier wakes.
  package let appended = Wakeup()
  let logger: Logger
  private let writer: Monitor<WriterState>

  private struct Waiting {
    let line: [UInt8]
    let done: @Sendable (Result<Void, StoreError>) -> Void
  }

  private struct WriterState {
    var waiting: [Waiting] = []
    var started = false
  }

  /// A journal in `directory` (nothing is created until the first append).
  package init(directory: String, logger: Logger) {
    self.directory = directory
    self.logger = logger
    writer = Monitor(WriterState())
  }

  var journalPath: String { directory + "/unsubscribes.journal" }
  var applyingPath: String { directory + "/unsubscribes.applying" }
  var journalLockPath: String { directory + "/unsubscribes.journal.lock" }
  var applyingLockPath: String { directory + "/unsubscribes.applying.lock" }

  // MARK: Appending

  /// Appends `entry` and returns once it is on the disk (flushed together with the entries
  /// other requests appended meanwhile).
  /// - Throws: `StoreError` `.database` when the journal cannot be written (a full disk, a
  ///   permission): the unsubscribe was not taken.
  package func append(_ entry: Entry) async throws {
    let line = try Self.line(entry)
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, StoreError>, Never>) in
      let startWriter = writer.update { state -> Bool in
        state.waiting.append(Waiting(line: line, done: { continuation.resume(returning: $0) }))
        defer { state.started = true }
        return !state.started
      }
      if startWriter { startWriterThread() }
    }
    try result.get()
    appended.signal()
  }

  /// Appends `entries` and returns once they are on the disk, on the caller's thread.
  /// - Throws: `StoreError` `.database` when the journal cannot be written.
  package func appendNow(_ entries: [Entry]) throws {
    try write(entries.map(Self.line).reduce(into: []) { $0 += $1 })
    appended.signal()
  }

  static func line(_ entry: Entry) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(entry)) + [UInt8(ascii: "\n")]
  }

  /// The group commit: takes what is waiting, writes it in one `write(2)`, flushes once,
  /// tells each waiter. A request that comes while the disk flushes waits for the next
  /// round, with the others that came meanwhile.
  private func startWriterThread() {
    let thread = Thread { [self] in
      while true {
        let taken = writer.wait(until: { !$0.waiting.isEmpty }, deadline: Date().addingTimeInterval(Self.writerIdleSeconds)) { state -> [Waiting] in
          defer { state.waiting.removeAll(keepingCapacity: true) }
          return state.waiting
        }
        guard let batch = taken else {
          // Idle: the thread ends, and the next append starts another.
          if writer.update(wake: false, { state -> Bool in
            if state.waiting.isEmpty { state.started = false }
            return !state.started
          }) { return }
          continue
        }
        let result: Result<Void, StoreError>
        do {
          try write(batch.reduce(into: [UInt8]()) { $0 += $1.line })
          result = .success(())
        } catch let error as StoreError {
          result = .failure(error)
        } catch {
          result = .failure(StoreError(.database, "the unsubscribe journal could not be written: \(error)"))
        }
        for waiting in batch { waiting.done(result) }
      }
    }
    thread.name = "herald-unsubscribes"
    thread.start()
  }

  /// Writes `bytes` at the journal's end and flushes them, with appenders' shared lock held
  /// (the applier's rename waits for it).
  private func write(_ bytes: [UInt8]) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let lock = try Self.lock(journalLockPath, LOCK_SH)
    defer { FileIO.closeFile(lock) }
    var created = false
    var descriptor = FileIO.openFile(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if descriptor >= 0 {
      created = true
    } else if errno == EEXIST {
      descriptor = FileIO.openFile(journalPath, O_RDWR | O_APPEND | O_CLOEXEC)
    }
    guard descriptor >= 0 else { throw Self.failure("open", journalPath) }
    defer { FileIO.closeFile(descriptor) }
    if created { _ = fchmod(descriptor, 0o600) }  // whatever the umask
    var bytes = bytes
    // A torn last line (a crash in the middle of a write) is ended first, so that this
    // entry starts a line of its own.
    var stats = stat()
    if !created, fstat(descriptor, &stats) == 0, stats.st_size > 0 {
      var last: UInt8 = 0
      let count = withUnsafeMutableBytes(of: &last) { FileIO.read(descriptor, into: $0, at: Int(stats.st_size) - 1) }
      if count == 1 && last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
    }
    let failure = bytes.withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
    guard failure == 0 else {
      errno = failure
      throw Self.failure("write", journalPath)
    }
    guard FileIO.syncFile(descriptor) == 0 else { throw Self.failure("flush", journalPath) }
    if created { try syncDirectory() }
  }

  // MARK: Reading

  /// The entries of the journal and of a taken file not yet applied, oldest first.
  package func pending() throws -> [Entry] {
    try read(applyingPath) + read(journalPath)
  }

  /// Whether any entry waits to be applied (two `stat` calls).
  package var hasPending: Bool {
    var stats = stat()
    return (stat(journalPath, &stats) == 0 && stats.st_size > 0) || stat(applyingPath, &stats) == 0
  }

  /// The entries of the file at `path` (none when it is not there). A line that is not an
  /// entry (a torn one, ended by the next append) is left out and logged; a last line
  /// without its line break was never flushed whole, and is left out silently.
  func read(_ path: String) throws -> [Entry] {
    guard let data = FileManager.default.contents(atPath: path) else {
      if FileManager.default.fileExists(atPath: path) { throw StoreError(.database, "cannot read \(path); check its permissions") }
      return []
    }
    let decoder = JSONDecoder()
    var entries: [Entry] = []
    var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if !lines.isEmpty { lines.removeLast() }  // after the last line break: empty, or a torn line
    for (index, line) in lines.enumerated() where !line.isEmpty {
      do {
        entries.append(try decoder.decode(Entry.self, from: Data(line)))
      } catch {
        logger.warning("a line of the unsubscribe journal is not an entry (torn by a crash before it was acknowledged); skipped",
          metadata: ["file": "\(path)", "line": "\(index + 1)"])
      }
    }
    return entries
  }

  // MARK: Taking

  /// Runs `body` with the journal's entries, taken from appenders (renamed to the
  /// `.applying` file), while holding the appliers' lock; the taken file is removed when
  /// `body` returns, and kept (for the next applier) when it throws.
  /// - Parameter wait: whether to wait for another process that is applying (else return
  ///   nil at once).
  /// - Returns: how many entries `body` was given; nil when another process was applying.
  @discardableResult
  package func take(wait: Bool, _ body: ([Entry]) throws -> Void) throws -> Int? {
    guard hasPending else { return 0 }
    let applying: Int32
    do {
      applying = try Self.lock(applyingLockPath, wait ? LOCK_EX : LOCK_EX | LOCK_NB)
    } catch let error as StoreError where error.code == .busy {
      return nil
    }
    defer { FileIO.closeFile(applying) }
    var taken = 0
    // Entries appended while the last ones were applied are taken too; a bounded number of
    // rounds, so that a stream of appends cannot keep an applier here forever.
    for _ in 0..<4 {
      if !FileManager.default.fileExists(atPath: applyingPath) {
        let lock = try Self.lock(journalLockPath, LOCK_EX)
        let renamed = rename(journalPath, applyingPath) == 0
        let failure = errno
        FileIO.closeFile(lock)
        if !renamed {
          if failure == ENOENT { break }
          errno = failure
          throw Self.failure("rename", journalPath)
        }
        try syncDirectory()
      }
      let entries = try read(applyingPath)
      try body(entries)
      guard unlink(applyingPath) == 0 || errno == ENOENT else { throw Self.failure("remove", applyingPath) }
      try syncDirectory()
      taken += entries.count
    }
    return taken
  }

  // MARK: Files

  /// Opens (creating, owner-only) the lock file at `path` and takes `operation` on it.
  /// - Throws: `StoreError` `.busy` when a non-blocking lock is held by another.
  private static func lock(_ path: String, _ operation: Int32) throws -> Int32 {
    let descriptor = FileIO.openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw failure("open", path) }
    guard FileIO.retrying({ flock(descriptor, operation) }) == 0 else {
      let failure = errno
      FileIO.closeFile(descriptor)
      if failure == EWOULDBLOCK { throw StoreError(.busy, "\(path) is locked by another herald process") }
      errno = failure
      throw Self.failure("lock", path)
    }
    return descriptor
  }

  private func syncDirectory() throws {
    let descriptor = FileIO.openFile(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw Self.failure("open", directory) }
    defer { FileIO.closeFile(descriptor) }
    guard FileIO.syncFile(descriptor) == 0 else { throw Self.failure("flush", directory) }
  }

  private static func failure(_ action: String, _ path: String) -> StoreError {
    let reason = String(cString: strerror(errno))
    return StoreError(.database, "cannot \(action) the unsubscribe journal \(path): \(reason); check the folder's permissions and free disk space")
  }
}
