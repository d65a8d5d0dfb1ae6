import Crypto
import Foundation
import HeraldCore
import HeraldMail
import HeraldStore

extension Inbox {
  /// A message that could not be read or kept, and why. Nothing of it was recorded: it
  /// stays where it was, and reading the source again tries it again.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// Where it came from ("inbox.mbox:1204", "Maildir/new/1733…").
    public var origin: String
    /// What went wrong: a `FileError` (Inbox/ cannot be written), an `InboxError` (the
    /// file cannot be read), a `StoreError`.
    public var error: any Error
    public var description: String { "\(origin): \(error)" }
  }

  /// One message for `readBatch`: its bytes and origin, and what is known of it already.
  struct Arrival {
    var bytes: [UInt8]
    var origin: String
    var classification: Classification? = nil
    var release: String? = nil
  }

  /// The most messages one batch holds (`importMessages`, `fetch`).
  static let batchMessages = 512
  /// A batch ends once its messages hold this many bytes.
  static let batchBytes = 8 << 20

  /// A message of a batch, read and classified, on its way to the disk and the store.
  private struct Prepared {
    var digest: String
    var message: ReceivedMessage
    var classification: Classification
    var release: String?
    var subscriberAddress: String?
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
  /// 1. each is parsed, classified and tied; one read of the store finds those read before
  ///    (a message repeated within the batch is the first one's duplicate);
  /// 2. the new ones' files are written (Inbox/messages/…, an inquiry's attachments) and
  ///    flushed together (`DurableFile.Batch`): on the disk before the store names them;
  /// 3. all are recorded, with their consequences, in one transaction (a savepoint each);
  /// 4. only then is each told to `onMessage`, in order: what was told survives a crash.
  ///
  /// A message whose files cannot be written, or that the store cannot record, is told to
  /// `onFailure` and left out; the others go on.
  /// - Throws: `FileError` when the batch's files cannot be flushed, `StoreError` when the
  ///   transaction cannot be made: then no message of the batch was recorded or told.
  func readBatch(_ arrivals: [Arrival], now: Date, onMessage: (Int, Outcome) -> Void, onFailure: (Int, Failure) -> Void) throws {
    var prepared: [Prepared] = []
    prepared.reserveCapacity(arrivals.count)
    var firstOf: [String: Int] = [:]
    for (index, arrival) in arrivals.enumerated() {
      let digest = Hex.encode(SHA256.hash(data: arrival.bytes))
      let message = ReceivedMessage(parsing: arrival.bytes)
      let classification = arrival.classification ?? Classifier.classify(message, context: context)
      var (release, recipientAddress) = tie(message, classification)
      if let given = arrival.release { release = given }
      var item = Prepared(
        digest: digest, message: message, classification: classification, release: release,
        subscriberAddress: recipientAddress ?? message.from.first?.address)
      let keys = ["d:" + digest] + (message.messageID.map { ["m:" + $0] } ?? [])
      if let first = keys.lazy.compactMap({ firstOf[$0] }).first {
        item.repeats = first
      } else {
        for key in keys { firstOf[key] = index }
      }
      prepared.append(item)
    }

    // 1. What the store knows: messages read before, and the subscribers.
    let fresh = prepared.indices.filter { prepared[$0].repeats == nil }
    let found = try mailroom.store.inboundLookups(fresh.map {
      SubscriberStore.InboundKey(messageID: prepared[$0].message.messageID, digest: prepared[$0].digest, address: prepared[$0].subscriberAddress)
    })
    for (index, lookup) in zip(fresh, found) {
      prepared[index].seen = lookup.seen
      prepared[index].subscriber = lookup.subscriber
    }

    // 2. The files, flushed together.
    let files = DurableFile.Batch()
    let folder = messagesFolder(at: now)
    var folderMade = false
    for index in fresh where prepared[index].seen == nil {
      let mark = files.count
      do {
        if !folderMade {
          try makeFolder(mailroom.workspace.root.appendingPathComponent(folder))
          folderMade = true
        }
        let relative = "\(folder)/\(prepared[index].digest).eml"
        try files.add(arrivals[index].bytes, to: mailroom.workspace.root.appendingPathComponent(relative), mode: 0o600, replacing: false)
        prepared[index].rawFile = relative
        if prepared[index].classification.kind == .inquiry {
          prepared[index].attachments = try stageAttachments(prepared[index].message, digest: prepared[index].digest, in: files)
        }
      } catch {
        files.discard(from: mark)
        prepared[index].failure = error
      }
    }
    try files.commit()

    // 3. One transaction.
    let recording = fresh.filter { prepared[$0].seen == nil && prepared[$0].failure == nil }
    let records = recording.map { index in
      let item = prepared[index]
      let sender = item.message.from.first
      var details: String?
      if let bounce = item.classification.bounce { details = Self.json(bounce) }
      if let complaint = item.classification.complaint { details = Self.json(complaint) }
      return InboundRecord(
        messageID: item.message.messageID, digest: item.digest, receivedAt: item.message.date ?? now, importedAt: now,
        origin: arrivals[index].origin, fromAddress: sender?.address.lowercased(), fromName: sender?.name, subject: item.message.subject,
        kind: item.classification.kind, reason: item.classification.reason, release: item.release, subscriber: item.subscriber,
        rawFile: item.rawFile, details: details)
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
      let origin = arrivals[index].origin
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
      let origin = arrivals[index].origin
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

  /// Inbox/messages/YYYY-MM, the folder of messages read at `date` (UTC).
  private func messagesFolder(at date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month], from: date)
    return String(format: "Inbox/messages/%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
  }

  /// Makes a folder of Inbox/ (0700: it holds personal data) if it is not there.
  private func makeFolder(_ url: URL) throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }

  /// Adds an inquiry's attachments to a batch of files, in Inbox/attachments/DIGEST/, named
  /// as sent (made safe for a file system); returns their paths relative to the workspace.
  private func stageAttachments(_ message: ReceivedMessage, digest: String, in files: DurableFile.Batch) throws -> [String] {
    var kept: [String] = []
    for (index, part) in message.attachments.enumerated() {
      let name = Self.safeFileName(part.filename ?? "attachment-\(index + 1)")
      let relative = "Inbox/attachments/\(digest.prefix(16))/\(name)"
      let url = mailroom.workspace.root.appendingPathComponent(relative)
      if kept.isEmpty { try makeFolder(url.deletingLastPathComponent()) }
      try files.add(part.body, to: url, mode: 0o600)
      kept.append(relative)
    }
    return kept
  }
}
