import Foundation
import GRDB
import HeraldCore
import HeraldMail

// Lists: making, changing and deleting them, their settings and member counts.
extension SubscriberStore {
  /// Makes a list.
  /// - Throws: `.invalidInput` for a bad name, `.alreadyExists` when the name is taken.
  @discardableResult
  package func createList(name: String, title: String? = nil, description: String = "", language: String? = nil, doubleOptIn: Bool = false) throws -> MailingList {
    try Self.validateListName(name)
    return try write { db in
      if try Int64.fetchOne(db, sql: "SELECT id FROM list WHERE name = ?", arguments: [name]) != nil {
        throw StoreError(.alreadyExists, "a list named “\(name)” already exists; choose another name or use it as it is")
      }
      let now = Date()
      try db.execute(
        sql: "INSERT INTO list (name, title, description, language, double_opt_in, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        arguments: [name, title ?? name, description, language, doubleOptIn, now.timeIntervalSince1970])
      return MailingList(id: db.lastInsertedRowID, name: name, title: title ?? name, description: description, language: language, doubleOptIn: doubleOptIn, createdAt: now)
    }
  }

  /// Deletes a list and its memberships (subscribers stay, with their other lists).
  package func deleteList(name: String) throws {
    try write { db in
      let list = try Self.list(named: name, in: db)
      try db.execute(sql: "DELETE FROM list WHERE id = ?", arguments: [list.id])
    }
  }

  /// Changes a list's settings; what `change` leaves alone stays as it is.
  /// - Parameter change: changes the list as it is in the transaction; what it throws (a
  ///   change that is refused) is thrown as it is, and nothing is changed.
  /// - Throws: `.notFound` for an unknown list.
  @discardableResult
  package func updateList(_ name: String, _ change: (inout MailingList) throws -> Void) throws -> MailingList {
    var refusal: (any Error)?
    let updated = try write { db -> MailingList? in
      var list = try Self.list(named: name, in: db)
      do {
        try change(&list)
      } catch {
        refusal = error  // not a database error: `write` would wrap it
        return nil
      }
      list.name = name
      try db.execute(
        sql: """
          UPDATE list SET title = ?, description = ?, language = ?, double_opt_in = ?, public = ?, consent_text = ?, embargoed_copies = ?
          WHERE id = ?
          """,
        arguments: [
          list.title, list.description, list.language, list.doubleOptIn, list.isPublic, list.consentText, list.embargoedCopies, list.id,
        ])
      return list
    }
    if let refusal { throw refusal }
    guard let updated else { preconditionFailure("a list update returned no list without a refusal") }
    return updated
  }

  /// Every list, by name.
  package func lists() throws -> [MailingList] {
    try read { db in try Row.fetchAll(db, sql: "SELECT * FROM list ORDER BY name").map(Self.list(from:)) }
  }

  /// One list.
  package func list(named name: String) throws -> MailingList {
    try read { db in try Self.list(named: name, in: db) }
  }

  /// Member counts per status, for every list.
  package func counts() throws -> [String: ListCounts] {
    try read { db in
      var counts: [String: ListCounts] = [:]
      for name in try String.fetchAll(db, sql: "SELECT name FROM list") { counts[name] = ListCounts() }
      let rows = try Row.fetchAll(db, sql: """
        SELECT list.name AS name, membership.status AS status, COUNT(*) AS count
        FROM membership JOIN list ON list.id = membership.list_id
        GROUP BY list.name, membership.status
        """)
      for row in rows {
        let name: String = row["name"]
        let count: Int = row["count"]
        switch MembershipStatus(rawValue: row["status"]) {
        case .subscribed: counts[name, default: ListCounts()].subscribed = count
        case .pending: counts[name, default: ListCounts()].pending = count
        case .unsubscribed: counts[name, default: ListCounts()].unsubscribed = count
        case .bounced: counts[name, default: ListCounts()].bounced = count
        case .complained: counts[name, default: ListCounts()].complained = count
        case nil: break
        }
      }
      return counts
    }
  }

  /// A list name is a slug: it appears in List-Id headers, URLs and file names.
  static func validateListName(_ name: String) throws {
    let valid = !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
    } && !name.hasPrefix("-") && !name.hasSuffix("-")
    guard valid else {
      throw StoreError(.invalidInput, "“\(name)” is not a valid list name: use lowercase letters, digits and hyphens, like “press-en”")
    }
  }

  static func list(named name: String, in db: Database) throws -> MailingList {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM list WHERE name = ?", arguments: [name]) else {
      let known = try String.fetchAll(db, sql: "SELECT name FROM list ORDER BY name")
      let hint = known.isEmpty ? "there are no lists yet; make one with “herald lists create \(name)”" : "the lists are: \(known.joined(separator: ", "))"
      throw StoreError(.notFound, "there is no list named “\(name)”; \(hint)")
    }
    return list(from: row)
  }

  static func list(from row: Row) -> MailingList {
    MailingList(
      id: row["id"], name: row["name"], title: row["title"], description: row["description"], language: row["language"],
      doubleOptIn: row["double_opt_in"], createdAt: Date(timeIntervalSince1970: row["created_at"]), isPublic: row["public"],
      consentText: row["consent_text"], embargoedCopies: row["embargoed_copies"])
  }
}
