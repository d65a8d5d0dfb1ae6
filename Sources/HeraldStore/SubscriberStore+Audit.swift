import Foundation
import GRDB
import HeraldCore

/// Which audit entries to read: every field is optional, and they combine.
package struct AuditFilter: Sendable, Hashable {
  /// Entries whose actor's name is this, compared without case.
  package var actor: String?
  /// Entries of this action.
  package var action: AuditAction?
  /// Entries whose target is this ("release x.md", "subscriber 42"), or starts with it
  /// followed by nothing else: exact, so that "subscriber 4" does not find "subscriber 42".
  package var target: String?
  /// Entries at or after this time.
  package var since: Date?
  /// Entries before this time.
  package var until: Date?

  package init(actor: String? = nil, action: AuditAction? = nil, target: String? = nil, since: Date? = nil, until: Date? = nil) {
    self.actor = actor
    self.action = action
    self.target = target
    self.since = since
    self.until = until
  }
}

// The audit of who did what: written by recording, read newest first, never changed.
extension SubscriberStore {
  /// The most entries a page of the audit holds.
  package static let auditPageSize = 100

  /// Appends an entry. The audit is not a change any page is made from: it does not count
  /// in `generation`. Texts are cut to a line's length, and control characters removed, so
  /// that neither a form nor a terminal can fill or disturb the record.
  package func recordAudit(_ entry: AuditEntry) throws {
    try write(counted: false) { db in
      try db.execute(
        sql: """
          INSERT INTO audit (at, actor_kind, actor_user, actor, origin, action, target, outcome, detail)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          entry.at.timeIntervalSince1970, entry.actor.kind.rawValue, entry.actor.user?.rawValue, Self.auditText(entry.actor.name, 200),
          Self.auditText(entry.origin, 200), entry.action.rawValue, Self.auditText(entry.target, 300), entry.outcome.rawValue,
          Self.auditText(entry.detail, 500),
        ])
    }
  }

  /// Entries matching `filter`, newest first: at most `limit`, older than the entry `before`
  /// (the last one of the previous page) when given. Each filter has its index (at, actor,
  /// action, target, each with at), so a page is a short index walk whatever the audit's size.
  package func auditEntries(_ filter: AuditFilter = AuditFilter(), before: Int64? = nil, limit: Int = auditPageSize) throws -> [AuditEntry] {
    let (conditions, arguments) = Self.auditConditions(filter, before: before)
    return try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM audit \(conditions) ORDER BY at DESC, id DESC LIMIT ?", arguments: StatementArguments(arguments + [limit])
      ).map(Self.auditEntry(from:))
    }
  }

  /// Every entry matching `filter`, newest first, one at a time (the CSV export: not held
  /// in memory at once).
  package func forEachAuditEntry(_ filter: AuditFilter, _ body: (AuditEntry) throws -> Void) throws {
    let (conditions, arguments) = Self.auditConditions(filter, before: nil)
    try read { db in
      let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit \(conditions) ORDER BY at DESC, id DESC", arguments: StatementArguments(arguments))
      while let row = try cursor.next() { try body(Self.auditEntry(from: row)) }
    }
  }

  /// The names that appear as actors, for the audit page's filter (a short list: the desk's
  /// users and the people at terminals).
  package func auditActors() throws -> [String] {
    try read { db in
      // A skip-scan of the actor index: one seek per name, however many entries each has.
      try String.fetchAll(
        db,
        sql: """
          WITH RECURSIVE name(actor) AS (
            SELECT MIN(actor COLLATE NOCASE) FROM audit
            UNION ALL
            SELECT (SELECT MIN(actor COLLATE NOCASE) FROM audit WHERE actor COLLATE NOCASE > name.actor) FROM name WHERE name.actor IS NOT NULL
          )
          SELECT actor FROM name WHERE actor IS NOT NULL LIMIT 500
          """)
    }
  }

  /// Drops the entries older than `date`: the one way the audit shrinks, for an explicit
  /// `herald audit prune --before`. The triggers that refuse deletions are dropped and made
  /// again in the same transaction, so that nothing else can delete meanwhile; the pruning
  /// itself is then recorded. Returns how many entries were dropped.
  package func pruneAudit(before date: Date) throws -> Int {
    try write(counted: false) { db in
      try db.execute(sql: "DROP TRIGGER audit_no_delete")
      try db.execute(sql: "DELETE FROM audit WHERE at < ?", arguments: [date.timeIntervalSince1970])
      let dropped = db.changesCount
      try db.execute(sql: """
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit is append-only: its entries cannot be deleted'); END;
        """)
      return dropped
    }
  }

  static func auditConditions(_ filter: AuditFilter, before: Int64?) -> (String, [(any DatabaseValueConvertible)?]) {
    var clauses: [String] = []
    var arguments: [(any DatabaseValueConvertible)?] = []
    if let actor = filter.actor, !actor.isEmpty {
      clauses.append("actor = ? COLLATE NOCASE")
      arguments.append(actor)
    }
    if let action = filter.action {
      clauses.append("action = ?")
      arguments.append(action.rawValue)
    }
    if let target = filter.target, !target.isEmpty {
      clauses.append("target = ?")
      arguments.append(target)
    }
    if let since = filter.since {
      clauses.append("at >= ?")
      arguments.append(since.timeIntervalSince1970)
    }
    if let until = filter.until {
      clauses.append("at < ?")
      arguments.append(until.timeIntervalSince1970)
    }
    if let before {
      // The next page: entries after the given one in the order (at DESC, id DESC).
      clauses.append("(at, id) < (SELECT at, id FROM audit WHERE id = ?)")
      arguments.append(before)
    }
    return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
  }

  // Every action and outcome in the table was written from these enums: a database from a
  // newer Herald (with actions this one does not know) is refused when opened (Migrations).
  static func auditEntry(from row: Row) -> AuditEntry {
    AuditEntry(
      id: row["id"], at: Date(timeIntervalSince1970: row["at"]),
      actor: AuditActor(
        kind: AuditActor.Kind(rawValue: row["actor_kind"]) ?? .system, user: (row["actor_user"] as Int64?).map(DeskUserID.init(rawValue:)),
        name: row["actor"]),
      origin: row["origin"], action: AuditAction(rawValue: row["action"]) ?? .auditPrune, target: row["target"],
      outcome: AuditOutcome(rawValue: row["outcome"]) ?? .failed, detail: row["detail"])
  }

  /// A text as the audit keeps it: one line, no control or bidirectional formatting
  /// characters, at most `limit` characters.
  static func auditText(_ text: String, _ limit: Int) -> String {
    let kept = text.unicodeScalars.map { scalar -> Unicode.Scalar in
      let value = scalar.value
      if scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
        || value == 0x200E || value == 0x200F || value == 0x061C || value == 0x2028 || value == 0x2029
      {
        return " "
      }
      return scalar
    }
    return String(String(String.UnicodeScalarView(kept)).prefix(limit))
  }
}
