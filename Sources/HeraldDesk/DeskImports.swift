import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import Logging

/// The CSV files uploaded to the desk for an import, from their check (mapping, dry run) to
/// the import's result.
///
/// Kept in memory: the import itself is all or nothing (`importCSV` writes in one
/// transaction), so a desk stopped during an import leaves the list as it was, and after a
/// restart the import's page says there is no such import (upload the file again). Each
/// upload is a file in a folder of its own under the system's temporary folder (owner only),
/// never under Releases/ or the public site, removed when its import ends or after an hour
/// unused.
final class DeskImports: Sendable {
  /// Where an upload is.
  enum State: Sendable {
    /// Checked (mapping shown, dry run done), waiting for the go-ahead.
    case checked
    /// Importing: the rows read so far.
    case running(rows: Int)
    /// Imported: what the import did.
    case done(SubscriberStore.ImportReport)
    /// Stopped, nothing imported: why.
    case failed(String)
  }

  /// One uploaded file and its import.
  struct Upload: Sendable {
    var id: Int64
    var list: String
    /// The file as the person named it.
    var name: String
    /// The temporary copy.
    var file: URL
    var status: MembershipStatus
    /// Who uploaded it (their address), and where the addresses' consent comes from.
    var user: String
    var note: String
    var state: State = .checked
    var uploadedAt: Date
    /// The rows of the dry run, to show the progress against.
    var rows: Int
  }

  /// The most an upload may hold.
  static let uploadLimit = 20 * 1024 * 1024
  /// An upload not imported within this time is removed.
  static let unusedLifetime: TimeInterval = 3600

  private let uploads = Shared<[Int64: Upload]>([:])
  /// The imports running, to wait for (tests, and a desk that stops).
  private let running = Shared<[Int64: Task<Void, Never>]>([:])
  private let clock: WallClock
  private let logger: Logger

  init(clock: WallClock, logger: Logger) {
    self.clock = clock
    self.logger = logger
  }

  /// An upload's copy as it is written: a file in a new folder of its own (owner only).
  final class UploadFile: @unchecked Sendable {  // used by one request at a time
    let url: URL
    private let handle: FileHandle

    init() throws {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-desk-import-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
      url = folder.appendingPathComponent("upload.csv")
      guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
        throw DeskError(.configuration, "the desk cannot write a temporary file in \(folder.path); check that the system's temporary folder is writable")
      }
      handle = try FileHandle(forWritingTo: url)
    }

    func write(_ bytes: [UInt8]) throws { try handle.write(contentsOf: bytes) }
    func close() throws { try handle.close() }
  }

  /// Keeps a checked upload; returns its id (random: an id is never given twice, even
  /// across restarts).
  func add(_ upload: Upload) -> Int64 {
    var upload = upload
    upload.id = Int64.random(in: 1...Int64(Int32.max))
    let kept = upload
    let stale = uploads.withLock { uploads -> [Upload] in
      uploads[kept.id] = kept
      let now = clock.now
      let old = uploads.values.filter {
        if case .checked = $0.state { return now.timeIntervalSince($0.uploadedAt) > Self.unusedLifetime }
        return false
      }
      for upload in old { uploads[upload.id] = nil }
      return old
    }
    for upload in stale { Self.remove(upload.file) }
    return kept.id
  }

  /// The upload `id` of `list`, if it is kept.
  func upload(_ id: Int64, list: String) -> Upload? {
    uploads.withLock { uploads in uploads[id].flatMap { $0.list == list ? $0 : nil } }
  }

  /// Starts the import of a checked upload in the background (on a thread of its own, never
  /// on an event loop or the blocking pool); false when it is not waiting (started already).
  func start(_ id: Int64, store: SubscriberStore) -> Bool {
    let upload = uploads.withLock { uploads -> Upload? in
      guard let upload = uploads[id], case .checked = upload.state else { return nil }
      uploads[id]?.state = .running(rows: 0)
      return upload
    }
    guard let upload else { return false }
    let task = Task.detached {
      let state: State
      do {
        let report = try await BlockingWork.runOnThread(named: "herald-desk-import") {
          try store.importCSV(
            upload.file, displayName: Self.displayName(upload), into: upload.list, status: upload.status,
            progress: { rows in self.uploads.withLock { $0[id]?.state = .running(rows: rows) } })
        }
        state = .done(report)
        self.logger.info("a list was imported in the desk", metadata: ["list": "\(upload.list)", "added": "\(report.added)", "user": "\(upload.user)"])
      } catch let error as StoreError {
        state = .failed(Self.message(error.message, upload))
      } catch {
        state = .failed("the import stopped: \(error). Nothing was imported")
      }
      self.uploads.withLock { $0[id]?.state = state }
      Self.remove(upload.file)
    }
    running.withLock { $0[id] = task }
    return true
  }

  /// Returns when the import `id` has ended (at once when none runs).
  func finished(_ id: Int64) async {
    await running.value[id]?.value
  }

  /// The file as the consent evidence names it: its name, who uploaded it, and their note.
  static func displayName(_ upload: Upload) -> String {
    "\(upload.name) (uploaded in the desk by \(upload.user): \(upload.note))"
  }

  /// A store's message about the temporary copy, naming the file as the person knows it.
  static func message(_ text: String, _ upload: Upload) -> String {
    let named = text.replacingOccurrences(of: upload.file.path, with: upload.name).replacingOccurrences(of: displayName(upload), with: upload.name)
      .replacingOccurrences(of: ".. ", with: ". ")
    return named.hasSuffix(".") ? named : named + "."
  }

  /// Removes an upload's copy and its folder.
  static func remove(_ file: URL) {
    try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
  }
}
