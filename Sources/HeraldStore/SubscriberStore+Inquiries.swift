import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// What a received message adds to the inquiries.
  package struct IncomingInquiry: Sendable {
    package var fromAddress: String
    package var fromName: String?
    package var subject: String
    package var release: String?
    /// The Message-ID of the received message, and those it answers (In-Reply-To, References).
    package var messageID: String?
    package var answers: [String]
    package var text: String
    package var attachments: [String]
    package var at: Date
    /// The organisation the message names (its Organization field, the contact form's),
    /// kept when the sender is not a subscriber with one.
    package var organization: String?

    package init(
      fromAddress: String, fromName: String?, subject: String, release: String?, messageID: String?, answers: [String], text: String,
      attachments: [String], at: Date, organization: String? = nil
    ) {
      self.organization = organization
      self.fromAddress = fromAddress
      self.fromName = fromName
      self.subject = subject
      self.release = release
      self.messageID = messageID
      self.answers = answers
      self.text = text
      self.attachments = attachments
      self.at = at
    }
  }

  /// Records a message that is an inquiry by how it came (the web contact form) and adds it
  /// to its inquiry, in one transaction.
  /// - Returns: the stored record and the inquiry's id.
  /// - Throws: `.alreadyExists` when the same message was recorded before.
  package func recordInquiryMessage(_ record: InboundRecord, _ incoming: IncomingInquiry) throws -> (record: InboundRecord, inquiry: Int64) {
    var inquiry: Int64 = 0
    let stored = try recordInbound(record) { changes in
      inquiry = try Self.addToInquiry(incoming, inbound: changes.inbound, changes: &changes)
    }
    return (stored, inquiry)
  }

  /// Adds a received message to its inquiry: the inquiry whose thread has a message it
  /// answers (In-Reply-To, References: a follow-up, or an answer to our reply); else a new
  /// inquiry, linked to the subscriber who wrote when there is one. Runs inside the
  /// transaction of `recordInbound`.
  /// - Returns: the inquiry's id.
  @discardableResult
  package static func addToInquiry(_ incoming: IncomingInquiry, inbound: Int64, changes: inout InboxChanges) throws -> Int64 {
    let db = changes.database
    var inquiryID: Int64?
    if !incoming.answers.isEmpty {
      let placeholders = incoming.answers.map { _ in "?" }.joined(separator: ", ")
      inquiryID = try Int64.fetchOne(
        db.cachedStatement(sql: "SELECT inquiry_id FROM inquiry_entry WHERE message_id IN (\(placeholders)) ORDER BY at DESC LIMIT 1"),
        arguments: StatementArguments(incoming.answers))
    }
    let now = incoming.at.timeIntervalSince1970
    if let id = inquiryID {
      // A follow-up reopens an answered or closed inquiry: someone has to look again.
      try db.cachedStatement(sql: "UPDATE inquiry SET updated_at = ?, status = CASE WHEN status IN ('answered', 'closed') THEN 'open' ELSE status END WHERE id = ?")
        .execute(arguments: [now, id])
    } else {
      let subscriber = try changes.subscriber(address: incoming.fromAddress)
      let known: String? = try subscriber.flatMap {
        try String.fetchOne(db.cachedStatement(sql: "SELECT organization FROM subscriber WHERE id = ?"), arguments: [$0.rawValue])
      }
      let organization = known ?? incoming.organization.flatMap { $0.isEmpty ? nil : $0 }
      try db.cachedStatement(sql: """
        INSERT INTO inquiry (subscriber_id, from_address, from_name, organization, subject, release, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?)
        """).execute(arguments: [subscriber?.rawValue, incoming.fromAddress, incoming.fromName, organization, incoming.subject, incoming.release, now, now])
      inquiryID = db.lastInsertedRowID
    }
    let id = inquiryID!
    try db.cachedStatement(sql: """
      INSERT INTO inquiry_entry (inquiry_id, kind, inbound_id, message_id, author, text, attachments, at) VALUES (?, 'message', ?, ?, ?, ?, ?, ?)
      """).execute(arguments: [id, inbound, incoming.messageID, incoming.fromAddress, incoming.text, Self.jsonArray(incoming.attachments), now])
    try changes.record(InboundAction(kind: .inquiry, subscriber: nil, address: incoming.fromAddress, detail: String(id), at: incoming.at))
    return id
  }

  /// Inquiries, newest first.
  package func inquiries(status: InquiryStatus? = nil, release: String? = nil, limit: Int = 200) throws -> [Inquiry] {
    try read { db in
      var conditions: [String] = []
      var arguments: StatementArguments = []
      if let status {
        conditions.append("status = ?")
        arguments += [status.rawValue]
      }
      if let release {
        conditions.append("release = ?")
        arguments += [release]
      }
      let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
      arguments += [limit]
      return try Row.fetchAll(db, sql: "SELECT * FROM inquiry\(filter) ORDER BY created_at DESC, id DESC LIMIT ?", arguments: arguments)
        .map(Self.inquiry(from:))
    }
  }

  /// One inquiry and its thread, oldest entry first.
  /// - Throws: `.notFound` naming the id.
  package func inquiry(_ id: Int64) throws -> (inquiry: Inquiry, entries: [InquiryEntry]) {
    try read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inquiry WHERE id = ?", arguments: [id]) else {
        throw StoreError(.notFound, "no inquiry \(id); list them with “herald inquiries”")
      }
      let entries = try Row.fetchAll(db, sql: "SELECT * FROM inquiry_entry WHERE inquiry_id = ? ORDER BY at, id", arguments: [id]).map(Self.entry(from:))
      return (Self.inquiry(from: row), entries)
    }
  }

  /// Changes an inquiry's status, and notes who did.
  @discardableResult
  package func setInquiryStatus(_ id: Int64, _ status: InquiryStatus, by author: String, at: Date = Date()) throws -> Inquiry {
    try changeInquiry(id, entry: .status, text: status.rawValue, author: author, at: at) { db, now in
      try db.execute(sql: "UPDATE inquiry SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, now, id])
    }
  }

  /// Gives an inquiry to someone (it becomes open if it was new). A name or address of an
  /// active desk user makes it that user's (their "mine" in the desk, and their reminders);
  /// another name is kept as written.
  @discardableResult
  package func assignInquiry(_ id: Int64, to assignee: String, by author: String, at: Date = Date()) throws -> Inquiry {
    let user = try read { db in
      try Row.fetchOne(
        db, sql: "SELECT id, name FROM desk_user WHERE disabled = 0 AND (email_key = ? OR name = ?) ORDER BY id LIMIT 1",
        arguments: [assignee.lowercased(), assignee])
    }
    let userID = (user?["id"] as Int64?).map { DeskUserID(rawValue: $0) }
    return try assignInquiry(id, to: userID, name: (user?["name"] as String?) ?? assignee, by: author, at: at)
  }

  /// Gives an inquiry to a desk user (nil with a nil name: to nobody); it becomes open if it
  /// was new. The thread records the name, or "nobody".
  @discardableResult
  package func assignInquiry(_ id: Int64, to user: DeskUserID?, name: String?, by author: String, at: Date = Date()) throws -> Inquiry {
    try changeInquiry(id, entry: .assign, text: name ?? "nobody", author: author, at: at) { db, now in
      try db.execute(
        sql: """
          UPDATE inquiry SET assignee = ?, assignee_id = ?, status = CASE WHEN status = 'new' AND ? IS NOT NULL THEN 'open' ELSE status END,
            updated_at = ? WHERE id = ?
          """,
        arguments: [name, user?.rawValue, name, now, id])
    }
  }

  /// Adds a note for colleagues to an inquiry's thread.
  @discardableResult
  package func noteInquiry(_ id: Int64, _ text: String, by author: String, at: Date = Date()) throws -> Inquiry {
    try changeInquiry(id, entry: .note, text: text, author: author, at: at) { db, now in
      try db.execute(sql: "UPDATE inquiry SET updated_at = ? WHERE id = ?", arguments: [now, id])
    }
  }

  /// Sets when an inquiry should be answered by (nil: no date); a new deadline arms its
  /// reminder again. The thread records it as a `.deadline` entry (ISO 8601, or "none").
  @discardableResult
  package func setInquiryDue(_ id: Int64, _ due: Date?, by author: String, at: Date = Date()) throws -> Inquiry {
    let text = due.map { ISO8601DateFormatter().string(from: $0) } ?? "none"
    return try changeInquiry(id, entry: .deadline, text: text, author: author, at: at) { db, now in
      try db.execute(sql: "UPDATE inquiry SET due_at = ?, reminded_for = NULL, updated_at = ? WHERE id = ?", arguments: [due?.timeIntervalSince1970, now, id])
    }
  }

  /// Sets how pressing an inquiry is.
  @discardableResult
  package func setInquiryPriority(_ id: Int64, _ priority: InquiryPriority, by author: String, at: Date = Date()) throws -> Inquiry {
    try changeInquiry(id, entry: .priority, text: priority.rawValue, author: author, at: at) { db, now in
      try db.execute(sql: "UPDATE inquiry SET priority = ?, updated_at = ? WHERE id = ?", arguments: [priority.rawValue, now, id])
    }
  }

  /// Records a reply sent to an inquiry: it joins the thread (with its Message-ID, so an
  /// answer to it finds the inquiry) and the inquiry becomes answered.
  @discardableResult
  package func recordInquiryReply(_ id: Int64, messageID: String, text: String, by author: String, at: Date = Date()) throws -> Inquiry {
    try write { db in
      guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inquiry WHERE id = ?)", arguments: [id]) == true else {
        throw StoreError(.notFound, "no inquiry \(id); list them with “herald inquiries”")
      }
      let now = at.timeIntervalSince1970
      try db.execute(sql: "INSERT INTO inquiry_entry (inquiry_id, kind, message_id, author, text, at) VALUES (?, 'reply', ?, ?, ?, ?)",
        arguments: [id, messageID, author, text, now])
      try db.execute(sql: "UPDATE inquiry SET status = 'answered', updated_at = ?, first_answer_at = COALESCE(first_answer_at, ?) WHERE id = ?",
        arguments: [now, now, id])
      return Self.inquiry(from: try Row.fetchOne(db, sql: "SELECT * FROM inquiry WHERE id = ?", arguments: [id])!)
    }
  }

  func changeInquiry(
    _ id: Int64, entry: InquiryEntry.Kind, text: String, author: String, at: Date = Date(), _ change: (Database, Double) throws -> Void
  ) throws -> Inquiry {
    try write { db in
      guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inquiry WHERE id = ?)", arguments: [id]) == true else {
        throw StoreError(.notFound, "no inquiry \(id); list them with “herald inquiries”")
      }
      let now = at.timeIntervalSince1970
      try change(db, now)
      try db.execute(sql: "INSERT INTO inquiry_entry (inquiry_id, kind, author, text, at) VALUES (?, ?, ?, ?, ?)",
        arguments: [id, entry.rawValue, author, text, now])
      return Self.inquiry(from: try Row.fetchOne(db, sql: "SELECT * FROM inquiry WHERE id = ?", arguments: [id])!)
    }
  }

  static func inquiry(from row: Row) -> Inquiry {
    Inquiry(
      id: row["id"], subscriber: (row["subscriber_id"] as Int64?).map { SubscriberID($0) }, fromAddress: row["from_address"],
      fromName: row["from_name"], organization: row["organization"], subject: row["subject"], release: row["release"],
      status: InquiryStatus(rawValue: row["status"]) ?? .open, assignee: row["assignee"],
      assigneeID: (row["assignee_id"] as Int64?).map { DeskUserID(rawValue: $0) },
      dueAt: (row["due_at"] as Double?).map { Date(timeIntervalSince1970: $0) },
      priority: (row["priority"] as String?).flatMap(InquiryPriority.init(rawValue:)) ?? .normal,
      remindedFor: (row["reminded_for"] as Double?).map { Date(timeIntervalSince1970: $0) }, createdAt: Date(timeIntervalSince1970: row["created_at"]),
      updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
      firstAnswerAt: (row["first_answer_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
  }

  static func entry(from row: Row) -> InquiryEntry {
    InquiryEntry(
      id: row["id"], kind: InquiryEntry.Kind(rawValue: row["kind"]) ?? .note, inbound: row["inbound_id"], messageID: row["message_id"],
      author: row["author"], text: row["text"], attachments: Self.decodeJSONArray(row["attachments"]),
      at: Date(timeIntervalSince1970: row["at"]))
  }

  static func jsonArray(_ values: [String]) -> String {
    (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "[]"
  }

  static func decodeJSONArray(_ text: String?) -> [String] {
    guard let text, let data = text.data(using: .utf8) else { return [] }
    return (try? JSONDecoder().decode([String].self, from: data)) ?? []
  }
}
