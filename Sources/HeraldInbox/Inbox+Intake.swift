import Foundation
import HeraldCampaign
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldWorkspace

extension Inbox {
  /// How reading a batch went.
  package struct Summary: Sendable, Equatable {
    /// Messages read for the first time, per class.
    package var read: [InboundClass: Int] = [:]
    /// Messages read before, skipped.
    package var duplicates = 0
    /// Messages that could not be kept (the disk, the store): they stay where they were.
    package var failed = 0
    package init() {}
    /// All messages read for the first time.
    package var total: Int { read.values.reduce(0, +) }

    mutating func count(_ outcome: Outcome) {
      if outcome.duplicate { duplicates += 1 } else { read[outcome.record.kind, default: 0] += 1 }
    }
  }

  /// Reads every message of a file, Maildir or mbox, in batches (`readBatch`): up to 256
  /// messages or 2 MB are parsed and classified, their files written and flushed together,
  /// and recorded in one transaction; only then is each told to `onMessage`. What was told
  /// (and counted in the summary) survives a crash, even a kill -9 or a power cut right
  /// after; what was not is read again by the next import, and nothing twice.
  ///
  /// Three threads work on three batches at once: one reads the source, parses and
  /// classifies, one writes and flushes the files, and the calling thread records them;
  /// `onMessage` and `onFailure` are called on the calling thread, in the order of the source.
  ///
  /// A message that cannot be read (a Maildir file gone, unreadable or over 50 MB) or kept
  /// (its file cannot be written, the store refuses it) is told to `onFailure`, counted in
  /// `Summary.failed`, and left where it was; the import goes on with the others.
  /// - Parameters:
  ///   - onMessage: told of each message read, in order, once it is recorded.
  ///   - onFailure: told of each message that could not be read or kept.
  /// - Throws: `InboxError` `.source` when the source cannot be read (a folder that
  ///   vanished, an mbox that cannot be read further): the messages read before are
  ///   recorded first. `FileError` or `StoreError` when a batch cannot be flushed or its
  ///   transaction made (a full disk, a database locked for too long): the batches before
  ///   it are recorded and were told; the messages of that batch were not told.
  package func importMessages(
    from source: MailSource, onMessage: (Outcome) -> Void = { _ in }, onFailure: (Failure) -> Void = { _ in }
  ) throws -> Summary {
    enum Step: Sendable {
      case batch(PreparedBatch)
      case unreadable(String, InboxError)
    }
    // Three threads, each on its own batch: one reads and classifies (`prepare`), one writes
    // and flushes the files (`keep`), and this one records them (`record`); a batch waits
    // between each. Five batches at most in memory.
    let prepared = IntakeQueue<Step>(capacity: 1)
    let written = IntakeQueue<Step>(capacity: 1)
    // As the main thread's stack: the parser recurses into nested parts.
    let reader = try WorkerThread(stackSize: 8 << 20) { [self] in
      let queue = prepared
      var batch: [Arrival] = []
      var size = 0
      do {
        try source.forEach(
          unreadable: { origin, error in queue.put(.unreadable(origin, error)) },
          { item in
            if queue.isCancelled { throw CancellationError() }
            batch.append(Arrival(bytes: item.bytes, origin: item.origin))
            size += item.bytes.count
            if batch.count >= Self.batchMessages || size >= Self.batchBytes {
              queue.put(.batch(prepare(batch)))
              batch.removeAll(keepingCapacity: true)
              size = 0
            }
          })
        if !batch.isEmpty { queue.put(.batch(prepare(batch))) }
        queue.finish()
      } catch {
        // What was read before the source failed is kept.
        if !batch.isEmpty { queue.put(.batch(prepare(batch))) }
        queue.finish(error)
      }
    }
    let writing: @Sendable () -> Void = { [self] in
      do {
        while let step = try prepared.take() {
          guard case .batch(var batch) = step else {
            written.put(step)
            continue
          }
          try keep(&batch)
          guard written.put(.batch(batch)) else { break }
        }
        written.finish()
      } catch {
        written.finish(error)
      }
    }
    let writer: WorkerThread
    do {
      writer = try WorkerThread(writing)
    } catch {
      prepared.cancel()  // the reader ends at its next batch
      reader.join()
      throw error
    }
    defer {
      written.cancel()
      prepared.cancel()
      reader.join()
      writer.join()
    }
    var summary = Summary()
    while let step = try written.take() {
      switch step {
      case .batch(let batch):
        try record(
          batch,
          onMessage: { _, outcome in
            summary.count(outcome)
            onMessage(outcome)
          },
          onFailure: { _, failure in
            summary.failed += 1
            onFailure(failure)
          })
      case .unreadable(let origin, let error):
        summary.failed += 1
        onFailure(Failure(origin: origin, error: error))
      }
    }
    return summary
  }

  /// Reads the mail that is new in an IMAP mailbox, without marking it seen (BODY.PEEK[]),
  /// remembering the mailbox's UIDVALIDITY and the last UID read, so each message is read
  /// once. When UIDVALIDITY changes (the mailbox was rebuilt), every message is looked at
  /// again, and those read before are recognised by Message-ID or bytes. With herald.yml's
  /// `inbox.after: seen | move`, a message read is then marked or moved.
  ///
  /// Messages are read in batches, as `importMessages` reads them: the last UID is
  /// remembered (and messages marked or moved) after each batch, once it is recorded. A
  /// message that cannot be kept is told to `onFailure` and counted in `Summary.failed`,
  /// and the fetch stops after its batch, remembering the UID before it: the next fetch
  /// reads it again (and recognises the ones after it that were read).
  /// - Throws: `InboxError` `.mailbox` when the mailbox cannot be reached or read; the
  ///   batches read before the failure are kept and remembered.
  /// - Parameters:
  ///   - shouldStop: asked between messages; true ends the fetch there (a shutdown), with
  ///     the batch read so far recorded and remembered.
  ///   - onMessage: told of each message read, once its batch is recorded.
  ///   - onFailure: told of each message that could not be kept.
  package func fetch(
    _ configuration: MailboxConfiguration, after: InboxSettings.After = .keep, shouldStop: () -> Bool = { false },
    onMessage: (Outcome) -> Void = { _ in }, onFailure: (Failure) -> Void = { _ in }
  ) throws -> Summary {
    let mailbox = try IMAPMailbox(configuration: configuration, logger: logger)
    let key = Self.stateKey(configuration)
    let status = try mailbox.status()
    let known = try mailroom.store.mailboxState(key)
    let first: UInt32 = known.map { $0.uidValidity == status.uidValidity ? $0.lastUID + 1 : 1 } ?? 1
    if let known, known.uidValidity != status.uidValidity {
      logger.notice("the mailbox's UIDVALIDITY changed: looking at every message again", metadata: ["mailbox": "\(key)"])
    }
    var summary = Summary()
    var last = first > 1 ? first - 1 : 0
    var batch: [Arrival] = []
    var uids: [UInt32] = []
    var size = 0
    /// Reads the batch; false when a message of it could not be kept.
    func flush() throws -> Bool {
      guard !batch.isEmpty else { return true }
      defer {
        batch.removeAll(keepingCapacity: true)
        uids.removeAll(keepingCapacity: true)
        size = 0
      }
      var outcomes: [Outcome] = []
      var failed: [Int] = []
      try readBatch(
        batch, now: Date(), onMessage: { _, outcome in outcomes.append(outcome) },
        onFailure: { index, failure in
          failed.append(index)
          summary.failed += 1
          onFailure(failure)
        })
      // Remembered once recorded, and only up to a message that could not be kept.
      let kept = failed.min() ?? uids.count
      for uid in uids.prefix(kept) {
        switch after {
        case .keep: break
        case .seen: try mailbox.markSeen(uid: uid)
        case .move(let folder): try mailbox.move(uid: uid, to: folder)
        }
        last = uid
      }
      try mailroom.store.setMailboxState(key, uidValidity: status.uidValidity, lastUID: last)
      for outcome in outcomes {
        summary.count(outcome)
        onMessage(outcome)
      }
      return failed.isEmpty
    }
    var going = true
    do {
      for uid in try mailbox.uids(from: first) where going {
        if shouldStop() { break }
        guard let bytes = try mailbox.fetch(uid: uid) else { continue }  // expunged meanwhile
        batch.append(Arrival(bytes: bytes, origin: "\(Self.redacted(configuration.url));UID=\(uid)"))
        uids.append(uid)
        size += bytes.count
        if batch.count >= Self.batchMessages || size >= Self.batchBytes { going = try flush() }
      }
    } catch let error as InboxError where error.code == .mailbox {
      // What was fetched before the mailbox failed is kept and remembered.
      if going { _ = try flush() }
      throw error
    }
    if going { _ = try flush() }
    try mailroom.store.setMailboxState(key, uidValidity: status.uidValidity, lastUID: last)
    return summary
  }

  /// The mailbox as the store remembers it: its URL with the user name, without a password.
  static func stateKey(_ configuration: MailboxConfiguration) -> String {
    redacted(configuration.url) + (configuration.username.map { " (\($0))" } ?? "")
  }

  /// A URL without any password written into it.
  package static func redacted(_ url: String) -> String {
    guard var components = URLComponents(string: url), components.password != nil else { return url }
    components.password = nil
    return components.string ?? url
  }
}
