import Foundation
import GRDB
import HeraldCore
import HeraldMail

extension SubscriberStore {
  // MARK: Received messages

  /// The message already read with this Message-ID, or (for one without) these bytes.
  package func inbound(messageID: String?, digest: String) throws -> InboundRecord? {
    try read { db in
      if let messageID, let row = try Row.fetchOne(db, sql: "SELECT * FROM inbound WHERE message_id = ?", arguments: [messageID]) {
        return Self.inbound(from: row)
      }
      return try Row.fetchOne(db, sql: "SELECT * FROM inbound WHERE digest = ?", arguments: [digest]).map(Self.inbound(from:))
    }
  }

  /// One message read by the inbox.
  /// - Throws: `.notFound` naming the id.
  package func inbound(id: Int64) throws -> InboundRecord {
    try read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inbound WHERE id = ?", arguments: [id]) else {
        throw StoreError(.notFound, "no received message \(id); list them with “herald inbox”")
      }
      return Self.inbound(from: row)
    }
  }

  /// Messages read by the inbox, newest first.
  package func inboundMessages(kind: InboundClass? = nil, limit: Int = 100) throws -> [InboundRecord] {
    try read { db in
      var sql = "SELECT * FROM inbound"
      var arguments: StatementArguments = []
      if let kind {
        sql += " WHERE class = ?"
        arguments += [kind.rawValue]
      }
      sql += " ORDER BY received_at DESC, id DESC LIMIT ?"
      arguments += [limit]
      return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.inbound(from:))
    }
  }

  /// Counts of messages read, per class.
  package func inboundCounts() throws -> [InboundClass: Int] {
    try read { db in
      var counts: [InboundClass: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT class, COUNT(*) FROM inbound GROUP BY class") {
        if let kind = InboundClass(rawValue: row[0]) { counts[kind] = row[1] }
      }
      return counts
    }
  }

  /// Records a message read, with what reading it changed, in one transaction: the message
  /// and its actions are there together or not at all. `apply` runs inside the transaction
  /// and returns the actions it took (through `InboxChanges`).
  /// - Returns: the record with its id.
  /// - Throws: `.alreadyExists` when the message was read before (same Message-ID or bytes).
  package func recordInbound(_ record: InboundRecord, apply: (inout InboxChanges) throws -> Void) throws -> InboundRecord {
    try write { db in
      if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inbound WHERE digest = ? OR (message_id IS NOT NULL AND message_id = ?))",
        arguments: [record.digest, record.messageID]) == true
      {
        throw StoreError(.alreadyExists, "this message was read before (\(record.messageID.map { "Message-ID <\($0)>" } ?? "the same bytes"))")
      }
      try Self.insertInbound(record, in: db)
      var stored = record
      stored.id = db.lastInsertedRowID
      var changes = InboxChanges(db: db, inbound: stored.id, at: record.importedAt)
      try apply(&changes)
      return stored
    }
  }

  /// A message about to be read, as `inboundLookups` looks it up.
  package struct InboundKey: Sendable {
    /// Its Message-ID, without angle brackets.
    package var messageID: String?
    /// The SHA-256 of its bytes, in hex.
    package var digest: String
    /// The address of the subscriber it concerns (its sender, or a bounce's recipient).
    package var address: String?

    /// Makes a key.
    package init(messageID: String?, digest: String, address: String?) {
      self.messageID = messageID
      self.digest = digest
      self.address = address
    }
  }

  /// For messages about to be read, in one read: the message read before with the same
  /// Message-ID (or, for one without, the same bytes), and the subscriber with the address.
  package func inboundLookups(_ keys: [InboundKey]) throws -> [(seen: InboundRecord?, subscriber: SubscriberID?)] {
    try read { db in
      let byMessageID = try db.cachedStatement(sql: "SELECT * FROM inbound WHERE message_id = ?")
      let byDigest = try db.cachedStatement(sql: "SELECT * FROM inbound WHERE digest = ?")
      let subscriber = try db.cachedStatement(sql: "SELECT id FROM subscriber WHERE email_key = ?")
      return try keys.map { key in
        var seen: InboundRecord?
        if let messageID = key.messageID { seen = try Row.fetchOne(byMessageID, arguments: [messageID]).map(Self.inbound(from:)) }
        if seen == nil { seen = try Row.fetchOne(byDigest, arguments: [key.digest]).map(Self.inbound(from:)) }
        let id = try key.address.flatMap { try? EmailAddress.normalize($0) }.flatMap { normalized in
          try Int64.fetchOne(subscriber, arguments: [EmailAddress.key(normalized)]).map { SubscriberID($0) }
        }
        return (seen, id)
      }
    }
  }

  /// What became of one message of a batch recorded by `recordInbound(_:apply:)`.
  package enum InboundRecording {
    /// Recorded, with its id.
    case recorded(InboundRecord)
    /// Read before (by another process meanwhile, or earlier in the same batch): the
    /// message as it was recorded then. Nothing was done again.
    case readBefore(InboundRecord)
    /// It could not be recorded, or what it changes could not be applied: nothing of it
    /// was kept; the others of the batch were.
    case failed(any Error)
  }

  /// Records messages read, each with what reading it changed, in one transaction: a
  /// message and its actions are there together or not at all, and each message has a
  /// savepoint of its own, so that one that cannot be recorded does not undo the others.
  /// `apply` runs inside the transaction for each message recorded, with its index.
  /// - Returns: what became of each message, in order.
  /// - Throws: `StoreError` `.database` when the transaction cannot be made at all.
  package func recordInbound(_ records: [InboundRecord], apply: (Int, inout InboxChanges) throws -> Void) throws -> [InboundRecording] {
    // Most batches have no message that fails: one transaction without savepoints. When one
    // fails, that transaction is undone and made again with a savepoint per message, so that
    // only the failing one is left out.
    var failedWithoutSavepoints = false
    do {
      return try write { db in
        try Self.recordInbound(records, in: db, savepoints: false, apply: apply) { failedWithoutSavepoints = true }
      }
    } catch {
      guard failedWithoutSavepoints else { throw error }
      return try write { db in try Self.recordInbound(records, in: db, savepoints: true, apply: apply) {} }
    }
  }

  private static func recordInbound(
    _ records: [InboundRecord], in db: Database, savepoints: Bool, apply: (Int, inout InboxChanges) throws -> Void, failed: () -> Void
  ) throws -> [InboundRecording] {
    let seenStatement = try db.cachedStatement(
      sql: "SELECT * FROM inbound WHERE (message_id IS NOT NULL AND message_id = ?) OR digest = ? ORDER BY message_id IS NULL LIMIT 1")
    var results: [InboundRecording] = []
    results.reserveCapacity(records.count)
    for (index, record) in records.enumerated() {
      if let row = try Row.fetchOne(seenStatement, arguments: [record.messageID, record.digest]) {
        results.append(.readBefore(Self.inbound(from: row)))
        continue
      }
      var stored = record
      func recordOne() throws {
        try Self.insertInbound(record, in: db)
        stored.id = db.lastInsertedRowID
        var changes = InboxChanges(db: db, inbound: stored.id, at: record.importedAt)
        try apply(index, &changes)
      }
      guard savepoints else {
        do {
          try recordOne()
        } catch {
          failed()
          throw error
        }
        results.append(.recorded(stored))
        continue
      }
      do {
        try db.inSavepoint {
          try recordOne()
          return .commit
        }
        results.append(.recorded(stored))
      } catch {
        results.append(.failed(error))
      }
    }
    return results
  }

  static func insertInbound(_ record: InboundRecord, in db: Database) throws {
    try db.cachedStatement(sql: """
      INSERT INTO inbound (message_id, digest, received_at, imported_at, origin, from_address, from_name, subject, class, reason,
        release, subscriber_id, raw_file, details, bounce_reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """).execute(arguments: [
        record.messageID, record.digest, record.receivedAt.timeIntervalSince1970, record.importedAt.timeIntervalSince1970, record.origin,
        record.fromAddress, record.fromName, record.subject, record.kind.rawValue, record.reason, record.release,
        record.subscriber?.rawValue, record.rawFile, record.details,
        record.kind == .bounce ? bounceReason(details: record.details).rawValue : nil,
      ])
  }

  /// Changes reading a message makes, each kept as an `InboundAction` so that it can be
  /// undone. Made by `recordInbound` and `reclassifyInbound`, inside their transaction.
  package struct InboxChanges {
    let db: Database
    /// The received message's id.
    package let inbound: Int64
    let at: Date
    /// The actions taken so far.
    package private(set) var actions: [InboundAction] = []

    init(db: Database, inbound: Int64, at: Date) {
      self.db = db
      self.inbound = inbound
      self.at = at
    }

    /// The subscriber with this address, if any.
    package func subscriber(address: String) throws -> SubscriberID? {
      guard let normalized = try? EmailAddress.normalize(address) else { return nil }
      return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM subscriber WHERE email_key = ?"), arguments: [EmailAddress.key(normalized)])
        .map { SubscriberID($0) }
    }

    /// Sets the status of an address on `list` (every list it is on when nil), keeping the
    /// evidence, and records each change. Lists already in that status are left alone.
    package mutating func setStatus(_ status: MembershipStatus, address: String, list: String?, source: ConsentSource) throws {
      guard let id = try subscriber(address: address) else { return }
      var sql = "SELECT list.*, membership.status AS membership_status FROM membership JOIN list ON list.id = membership.list_id WHERE subscriber_id = ?"
      var arguments: StatementArguments = [id.rawValue]
      if let list {
        sql += " AND list.name = ?"
        arguments += [list]
      }
      let kind: InboundAction.Kind
      switch status {
      case .bounced: kind = .bounced
      case .complained: kind = .complained
      default: kind = .unsubscribed
      }
      for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments) {
        let current = MembershipStatus(rawValue: row["membership_status"])
        let mailingList = SubscriberStore.list(from: row)
        // The same change as herald subscribers unsubscribe or a 5xx from the relay makes.
        guard try SubscriberStore.setMembership(
          subscriber: id.rawValue, list: mailingList, status: status, source: source, at: at, importRun: nil, current: current, in: db)
        else { continue }
        try record(InboundAction(kind: kind, subscriber: id, address: address, list: mailingList.name, previousStatus: current, at: at))
      }
    }

    /// Suppresses an address (unless it is already), and records it.
    package mutating func suppress(_ address: String, reason: String) throws {
      guard let normalized = try? EmailAddress.normalize(address) else { return }
      let key = EmailAddress.key(normalized)
      guard try Bool.fetchOne(
        db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM suppression WHERE kind = 'address' AND value = ?)"), arguments: [key]) == false
      else { return }
      try db.cachedStatement(sql: "INSERT INTO suppression (kind, value, reason, created_at) VALUES ('address', ?, ?, ?)")
        .execute(arguments: [key, reason, at.timeIntervalSince1970])
      try record(InboundAction(kind: .suppressed, subscriber: try subscriber(address: address), address: key, detail: reason, at: at))
    }

    /// Counts a temporary failure of `subscriber` in `campaign`, and records it.
    /// - Returns: in how many of the subscriber's most recent campaigns in a row (up to
    ///   `window`) a temporary failure was counted.
    package mutating func softBounce(_ subscriber: SubscriberID, campaign: String, window: Int) throws -> Int {
      try db.execute(sql: "INSERT OR IGNORE INTO soft_bounce (subscriber_id, campaign, inbound_id, at) VALUES (?, ?, ?, ?)",
        arguments: [subscriber.rawValue, campaign, inbound, at.timeIntervalSince1970])
      try record(InboundAction(kind: .softBounce, subscriber: subscriber, address: nil, detail: campaign, at: at))
      // The campaigns sent to the subscriber, newest first (as the delivery log has them);
      // how many in a row from the newest had a temporary failure.
      let campaigns = try String.fetchAll(db, sql: """
        SELECT campaign FROM delivery WHERE subscriber_id = ? GROUP BY campaign ORDER BY MAX(at) DESC LIMIT ?
        """, arguments: [subscriber.rawValue, window])
      let bounced = Set(try String.fetchAll(db, sql: "SELECT campaign FROM soft_bounce WHERE subscriber_id = ?", arguments: [subscriber.rawValue]))
      return campaigns.prefix { bounced.contains($0) }.count
    }

    /// Records that a refusal blamed the sender (nothing changes for the subscriber).
    package mutating func senderProblem(address: String?, detail: String) throws {
      try record(InboundAction(kind: .senderProblem, subscriber: try address.flatMap { try subscriber(address: $0) }, address: address, detail: detail, at: at))
    }

    /// Records an action taken elsewhere in the transaction (an inquiry opened).
    package mutating func record(_ action: InboundAction) throws {
      try db.cachedStatement(sql: """
        INSERT INTO inbound_action (inbound_id, kind, subscriber_id, address, list_name, previous_status, detail, at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """).execute(arguments: [inbound, action.kind.rawValue, action.subscriber?.rawValue, action.address, action.list, action.previousStatus?.rawValue,
          action.detail, action.at.timeIntervalSince1970])
      var stored = action
      stored.id = db.lastInsertedRowID
      actions.append(stored)
    }

    /// The database, for the inquiry steps of the same transaction.
    var database: Database { db }
  }

  /// What reading a message changed, oldest first.
  package func inboundActions(_ inbound: Int64) throws -> [InboundAction] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM inbound_action WHERE inbound_id = ? ORDER BY id", arguments: [inbound]).map { row in
        InboundAction(
          id: row["id"], kind: InboundAction.Kind(rawValue: row["kind"]) ?? .senderProblem, subscriber: (row["subscriber_id"] as Int64?).map { SubscriberID($0) },
          address: row["address"], list: row["list_name"], previousStatus: (row["previous_status"] as String?).flatMap(MembershipStatus.init(rawValue:)),
          detail: row["detail"], at: Date(timeIntervalSince1970: row["at"]), undoneAt: (row["undone_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
      }
    }
  }

  /// Gives a message another class: undoes what reading it changed (memberships go back to
  /// their status before, suppressions it added are lifted, soft bounces uncounted, its
  /// inquiry entry removed), stores the new class, and applies the new consequences with
  /// `apply`, in one transaction.
  package func reclassifyInbound(
    _ id: Int64, as kind: InboundClass, reason: String, details: String?, source: ConsentSource, apply: (inout InboxChanges) throws -> Void
  ) throws -> InboundRecord {
    try write { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inbound WHERE id = ?", arguments: [id]) else {
        throw StoreError(.notFound, "no received message \(id); list them with “herald inbox”")
      }
      let now = Date()
      for action in try Row.fetchAll(db, sql: "SELECT * FROM inbound_action WHERE inbound_id = ? AND undone_at IS NULL ORDER BY id DESC", arguments: [id]) {
        let kind = InboundAction.Kind(rawValue: action["kind"])
        let subscriber: Int64? = action["subscriber_id"]
        switch kind {
        case .bounced?, .complained?, .unsubscribed?:
          if let subscriber, let name: String = action["list_name"], let previous = MembershipStatus(rawValue: action["previous_status"] as String? ?? ""),
             let list = try Row.fetchOne(db, sql: "SELECT * FROM list WHERE name = ?", arguments: [name]).map(Self.list(from:)) {
            _ = try Self.setMembership(subscriber: subscriber, list: list, status: previous, source: source, at: now, importRun: nil, in: db)
          }
        case .suppressed?:
          try db.execute(sql: "DELETE FROM suppression WHERE kind = 'address' AND value = ?", arguments: [action["address"] as String?])
        case .softBounce?:
          try db.execute(sql: "DELETE FROM soft_bounce WHERE subscriber_id = ? AND campaign = ? AND inbound_id = ?",
            arguments: [subscriber, action["detail"] as String, id])
        case .inquiry?:
          try db.execute(sql: "DELETE FROM inquiry_entry WHERE inbound_id = ?", arguments: [id])
          // An inquiry left without a message of its own goes too.
          try db.execute(sql: "DELETE FROM inquiry WHERE id = ? AND NOT EXISTS (SELECT 1 FROM inquiry_entry WHERE inquiry_id = inquiry.id AND kind = 'message')",
            arguments: [Int64(action["detail"] as String)])
        case .senderProblem?, nil:
          break
        }
        try db.execute(sql: "UPDATE inbound_action SET undone_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, action["id"] as Int64])
      }
      try db.execute(
        sql: "UPDATE inbound SET class = ?, reason = ?, details = ?, bounce_reason = ? WHERE id = ?",
        arguments: [kind.rawValue, reason, details, kind == .bounce ? Self.bounceReason(details: details).rawValue : nil, id])
      var record = Self.inbound(from: row)
      record.kind = kind
      record.reason = reason
      record.details = details
      var changes = InboxChanges(db: db, inbound: id, at: now)
      try apply(&changes)
      return record
    }
  }

  static func inbound(from row: Row) -> InboundRecord {
    InboundRecord(
      id: row["id"], messageID: row["message_id"], digest: row["digest"], receivedAt: Date(timeIntervalSince1970: row["received_at"]),
      importedAt: Date(timeIntervalSince1970: row["imported_at"]), origin: row["origin"], fromAddress: row["from_address"],
      fromName: row["from_name"], subject: row["subject"], kind: InboundClass(rawValue: row["class"]) ?? .unreadable, reason: row["reason"],
      release: row["release"], subscriber: (row["subscriber_id"] as Int64?).map { SubscriberID($0) }, rawFile: row["raw_file"],
      details: row["details"])
  }

  // MARK: Mailboxes

  /// Where fetching left off in a mailbox: its UIDVALIDITY and the last UID read.
  package func mailboxState(_ mailbox: String) throws -> (uidValidity: UInt32, lastUID: UInt32)? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?", arguments: [mailbox]).map {
        (UInt32(truncatingIfNeeded: $0[0] as Int64), UInt32(truncatingIfNeeded: $0[1] as Int64))
      }
    }
  }

  /// Remembers where fetching left off.
  package func setMailboxState(_ mailbox: String, uidValidity: UInt32, lastUID: UInt32) throws {
    try write { db in
      try db.execute(sql: """
        INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at
        """, arguments: [mailbox, Int64(uidValidity), Int64(lastUID), Date().timeIntervalSince1970])
    }
  }
}
