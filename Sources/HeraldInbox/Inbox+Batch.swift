import Crypto
import Foundation
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace

extension Inbox {
  /// A message that could not be read or kept, and why. Nothing of it was recorded: it
  /// stays where it was, and reading the source again tries it again.
  package struct Failure: Error, Sendable, CustomStringConvertible {
    /// Where it came from ("inbox.mbox:1204", "Maildir/new/1733…").
    package var origin: String
    /// What went wrong: a `FileError` (Inbox/ cannot be written), an `InboxError` (the
    /// file cannot be read), a `StoreError`.
    package var error: any Error
    package var description: String { "\(origin): \(error)" }
  }

  /// One message for `readBatch`: its bytes and origin, and what is known of it already.
  struct Arrival: Sendable {
    var bytes: [UInt8]
    var origin: String
    var classification: Classification? = nil
    var release: String? = nil
  }

  /// The most messages one batch holds (`importMessages`, `fetch`): enough for one flush
  /// and one transaction to cost little per message, few enough that the five batches an
  /// import has in hand at once stay well under 100 MB.
  static let batchMessages = 256
  /// A batch ends once its messages hold this many bytes.
  static let batchBytes = 2 << 20

  /// A batch of messages on its way: parsed, classified and tied (`prepare`), its files on
  /// the disk (`keep`), recorded (`record`). Each step can run on a thread of its own, for
  /// the next batch while the step after it works on this one.
  struct PreparedBatch: Sendable {
    fileprivate var origins: [String]
    fileprivate var items: [Prepared]
    fileprivate var now: Date
  }

  /// A message of a batch, read and classified, on its way to the disk and the store.
  fileprivate struct Prepared: Sendable {
    var digest: String
    var message: ReceivedMessage
    /// Its Message-ID (parsed once).
    var messageID: String?
    var sender: Mailbox?
    var classification: Classification
    var release: String?
    var subscriberAddress: String?
    /// The report's JSON, for the record.
    var details: String?
    /// Its bytes, until they are written.
    var bytes: [UInt8] = []
    var rawFile = ""
    var attachments: [String] = []
    /// The earlier message of the batch it repeats (the same Message-ID or bytes).
    var repeats: Int?
    /// The message read before, found in the store.
    var seen: InboundRecord?
    var subscriber: SubscriberID?
    var failure: (any Error)?
  }

  /// Reads messages together, with the durability of reading them one by one and the cost
  /// of one flush and one transaction for them all:
  /// 1. each is parsed, classified and tied; a message repeated within the batch is the
  ///    first one's duplicate (`prepare`);
  /// 2. one read of the store finds those read before; the files of the others
  ///    (Inbox/messages/…, an inquiry's attachments) are written and flushed together
  ///    (`DurableFile.Batch`): on the disk before the store names them (`keep`);
  /// 3. all are recorded, with their consequences, in one transaction (`record`);
  /// 4. only then is each told to `onMessage`, in order: what was told survives a crash.
  ///
  /// A message whose files cannot be written, or that the store cannot record, is told to
  /// `onFailure` and left out; the others go on.
  /// - Throws: `FileError` when the batch's files cannot be flushed, `StoreError` when the
  ///   store cannot be read or the transaction made: then no message of the batch was
  ///   recorded or told.
  func readBatch(_ arrivals: [Arrival], now: Date, onMessage: (Int, Outcome) -> Void, onFailure: (Int, Failure) -> Void) throws {
    var batch = prepare(arrivals, now: now)
    try keep(&batch)
    try record(batch, onMessage: onMessage, onFailure: onFailure)
  }

  /// Parses, classifies and ties the messages of a batch, and finds those it repeats (step
  /// 1 of `readBatch`, less the files).
  func prepare(_ arrivals: [Arrival], now: Date = Date()) -> PreparedBatch {
    var prepared: [Prepared] = []
    prepared.reserveCapacity(arrivals.count)
    var firstOf: [String: Int] = [:]
    for (index, arrival) in arrivals.enumerated() {
      let digest = Hex.encode(SHA256.hash(data: arrival.bytes))
      let message = ReceivedMessage(parsing: arrival.bytes)
      let classification = arrival.classification ?? Classifier.classify(message, context: context)
      var (release, recipientAddress) = tie(message, classification)
      if let given = arrival.release { release = given }
      let sender = message.from.first
      let messageID = message.messageID
      var item = Prepared(
        digest: digest, message: message, messageID: messageID, sender: sender, classification: classification, release: release,
        subscriberAddress: recipientAddress ?? sender?.address)
      let keys = ["d:" + digest] + (messageID.map { ["m:" + $0] } ?? [])
      if let first = keys.lazy.compactMap({ firstOf[$0] }).first {
        item.repeats = first
        prepared.append(item)
        continue
      }
      for key in keys { firstOf[key] = index }
      if let bounce = classification.bounce { item.details = ReportJSON.encode(bounce) }
      if let complaint = classification.complaint { item.details = ReportJSON.encode(complaint) }
      item.bytes = arrival.bytes
      prepared.append(item)
    }
    return PreparedBatch(origins: arrivals.map(\.origin), items: prepared, now: now)
  }

  /// Finds the messages of a prepared batch read before, and writes and flushes the files
  /// of the others (step 2 of `readBatch`).
  /// - Throws: `StoreError` when the store cannot be read, `FileError` when the files cannot
  ///   be flushed.
  func keep(_ batch: inout PreparedBatch) throws {
    let fresh = batch.items.indices.filter { batch.items[$0].repeats == nil }
    let found = try mailroom.store.inboundLookups(fresh.map {
      SubscriberStore.InboundKey(
        messageID: batch.items[$0].messageID, digest: batch.items[$0].digest, address: batch.items[$0].subscriberAddress)
    })
    for (index, lookup) in zip(fresh, found) {
      batch.items[index].seen = lookup.seen
      batch.items[index].subscriber = lookup.subscriber
    }
    let files = DurableFile.Batch()
    let root = mailroom.workspace.root.path
    let folder = Workspace.receivedMessagesFolder(at: batch.now)
    var folderMade = false
    for index in fresh where batch.items[index].seen == nil {
      let mark = files.count
      let digest = batch.items[index].digest
      do {
        if !folderMade {
          // The months' and the attachments' folders are spread over the disk.
          for parent in ["Inbox/messages", "Inbox/attachments"] {
            try makeFolder("\(root)/\(parent)")
            FileIO.spreadSubfolders("\(root)/\(parent)")
          }
          try makeFolder("\(root)/\(folder)")
          folderMade = true
        }
        // Named by its digest: a file of that name is the same bytes, and whole.
        let name = "\(digest).eml"
        try files.add(batch.items[index].bytes, named: name, in: "\(root)/\(folder)", mode: 0o600, replacing: false)
        batch.items[index].rawFile = "\(folder)/\(name)"
        if batch.items[index].classification.kind == .inquiry {
          batch.items[index].attachments = try stageAttachments(batch.items[index].message, digest: digest, root: root, in: files)
        }
      } catch {
        files.discard(from: mark)
        batch.items[index].failure = error
      }
      batch.items[index].bytes = []  // on the disk now; not needed again
    }
    try files.commit()
  }

  /// Records a batch whose files are on the disk, and tells of each message (steps 3 and 4
  /// of `readBatch`).
  /// - Throws: `StoreError` when the transaction cannot be made at all (the store is gone,
  ///   locked for too long): then none of the batch was recorded or told.
  func record(_ batch: PreparedBatch, onMessage: (Int, Outcome) -> Void, onFailure: (Int, Failure) -> Void) throws {
    let origins = batch.origins
    let now = batch.now
    let prepared = batch.items
    let fresh = prepared.indices.filter { prepared[$0].repeats == nil && prepared[$0].failure == nil }

    // 3. One transaction.
    let recording = fresh.filter { prepared[$0].seen == nil }
    let records = recording.map { index in
      let item = prepared[index]
      // The sender's display name is kept as a subscriber's name is: one line, without
      // bidirectional overrides (an inquiry's sender is shown in lists and the desk).
      let fromName = item.sender?.name.map { SubscriberText.cleaned($0).text }.flatMap { $0.isEmpty ? nil : $0 }
      return InboundRecord(
        messageID: item.messageID, digest: item.digest, receivedAt: item.message.date ?? now, importedAt: now,
        origin: origins[index], fromAddress: item.sender?.address.lowercased(), fromName: fromName, subject: item.message.subject,
        kind: item.classification.kind, reason: item.classification.reason, release: item.release, subscriber: item.subscriber,
        rawFile: item.rawFile, details: item.details)
    }
    var consequences: [(recipients: [BouncedRecipient], inquiry: Int64?, actions: [InboundAction])] = Array(
      repeating: ([], nil, []), count: recording.count)
    let results = records.isEmpty
      ? []
      : try mailroom.store.recordInbound(records) { position, changes in
        let item = prepared[recording[position]]
        let (recipients, inquiry) = try apply(
          item.classification, message: item.message, record: records[position], digest: item.digest, attachments: item.attachments,
          changes: &changes)
        consequences[position] = (recipients, inquiry, changes.actions)
      }

    // 4. Told, in order, now that it is all on the disk.
    var outcomes: [Outcome?] = Array(repeating: nil, count: prepared.count)
    var failures: [(any Error)?] = prepared.map(\.failure)
    for (position, result) in results.enumerated() {
      let index = recording[position]
      let origin = origins[index]
      switch result {
      case .recorded(let stored):
        let (recipients, inquiry, actions) = consequences[position]
        logger.debug("read a message", metadata: ["class": "\(stored.kind)", "origin": "\(origin)", "id": "\(stored.id)"])
        outcomes[index] = Outcome(record: stored, duplicate: false, recipients: recipients, inquiry: inquiry, actions: actions, origin: origin)
      case .readBefore(let seen):
        // Read by another process meanwhile.
        outcomes[index] = Outcome(record: seen, duplicate: true, recipients: [], inquiry: nil, actions: [], origin: origin)
      case .failed(let error):
        failures[index] = error
      }
    }
    for index in prepared.indices {
      let origin = origins[index]
      if let seen = prepared[index].seen {
        outcomes[index] = Outcome(record: seen, duplicate: true, recipients: [], inquiry: nil, actions: [], origin: origin)
      } else if let first = prepared[index].repeats {
        if let record = outcomes[first]?.record {
          outcomes[index] = Outcome(record: record, duplicate: true, recipients: [], inquiry: nil, actions: [], origin: origin)
        } else {
          failures[index] = failures[first]  // the same message, not kept either
        }
      }
      if let outcome = outcomes[index] {
        onMessage(index, outcome)
      } else if let error = failures[index] {
        onFailure(index, Failure(origin: origin, error: error))
      }
    }
  }

  /// Makes a folder of Inbox/ (0700: it holds personal data) if it is not there.
  private func makeFolder(_ path: String) throws {
    if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
    // A folder above it is not there yet (the first message read): make them all.
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }

  /// Adds an inquiry's attachments to a batch of files, in Inbox/attachments/DIGEST/, named
  /// as sent (made safe for a file system); returns their paths relative to the workspace.
  private func stageAttachments(_ message: ReceivedMessage, digest: String, root: String, in files: DurableFile.Batch) throws -> [String] {
    var kept: [String] = []
    let folder = "Inbox/attachments/\(digest.prefix(16))"
    for (index, part) in message.attachments.enumerated() {
      let name = Self.safeFileName(part.filename ?? "attachment-\(index + 1)")
      if kept.isEmpty { try makeFolder("\(root)/\(folder)") }
      try files.add(part.body, named: name, in: "\(root)/\(folder)", mode: 0o600, replacing: false)
      kept.append("\(folder)/\(name)")
    }
    return kept
  }
}
