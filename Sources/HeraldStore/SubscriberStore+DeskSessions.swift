import Foundation
import GRDB
import HeraldCore

// The desk's signed-in browsers and the record of sign-ins.
extension SubscriberStore {
  /// Records a new session.
  package func addDeskSession(_ session: DeskSession) throws {
    try write(counted: false) { db in
      try db.execute(
        sql: """
          INSERT INTO desk_session (id, user_id, form_token, created_at, last_seen_at, ip, user_agent, revoked, awaiting_code)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          session.id, session.userID.rawValue, session.formToken, session.createdAt.timeIntervalSince1970,
          session.lastSeenAt.timeIntervalSince1970, session.ip, session.userAgent, session.revoked, session.awaitingCode,
        ])
    }
  }

  /// The session whose token hashes to `id`, with its user; nil when there is none.
  package func deskSession(_ id: String) throws -> (session: DeskSession, user: DeskUser)? {
    try read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM desk_session WHERE id = ?", arguments: [id]) else { return nil }
      let session = Self.deskSession(from: row)
      guard let user = try Row.fetchOne(db, sql: "SELECT * FROM desk_user WHERE id = ?", arguments: [session.userID.rawValue]) else { return nil }
      return (session, Self.deskUser(from: user))
    }
  }

  /// A user's sessions that have not been ended, newest first.
  package func deskSessions(of user: DeskUserID) throws -> [DeskSession] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM desk_session WHERE user_id = ? AND revoked = 0 ORDER BY created_at DESC", arguments: [user.rawValue]
      ).map(Self.deskSession(from:))
    }
  }

  /// Notes that a session was used at `now` (its idle time starts again).
  package func touchDeskSession(_ id: String, at now: Date) throws {
    try write(counted: false) { db in
      try db.execute(sql: "UPDATE desk_session SET last_seen_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
    }
  }

  /// Ends one session (sign-out, expiry).
  package func revokeDeskSession(_ id: String) throws {
    try write(counted: false) { db in
      try db.execute(sql: "UPDATE desk_session SET revoked = 1 WHERE id = ?", arguments: [id])
    }
  }

  /// Ends every session of a user but `keeping`.
  package func revokeDeskSessions(of user: DeskUserID, keeping session: String? = nil) throws {
    try write(counted: false) { db in try Self.revokeDeskSessions(of: user, except: session, db) }
  }

  static func revokeDeskSessions(of user: DeskUserID, except session: String?, _ db: Database) throws {
    try db.execute(
      sql: "UPDATE desk_session SET revoked = 1 WHERE user_id = ? AND id IS NOT ?", arguments: [user.rawValue, session])
  }

  /// How long the record of sign-ins is kept: long enough to look back on an incident,
  /// not so long that a flood of failed sign-ins fills the database.
  package static let deskSignInRecordDays = 90

  /// Records a sign-in: who tried (the address as typed, lowercased), from where, when, and
  /// whether it succeeded. Sign-ins older than `deskSignInRecordDays` are deleted.
  package func recordDeskSignIn(email: String, ip: String, at now: Date, ok: Bool) throws {
    try write(counted: false) { db in
      try db.execute(
        sql: "DELETE FROM desk_signin_attempt WHERE at < ?",
        arguments: [now.timeIntervalSince1970 - Double(Self.deskSignInRecordDays) * 86_400])
      try db.execute(
        sql: "INSERT INTO desk_signin_attempt (email_key, ip, at, ok) VALUES (?, ?, ?, ?)",
        // What was typed is kept to an address's longest (RFC 5321): a sign-in form is no
        // way to fill the database.
        arguments: [String(DeskUser.key(email).prefix(254)), String(ip.prefix(64)), now.timeIntervalSince1970, ok])
    }
  }

  /// The failed sign-ins for an address, and those from a client address, since the last
  /// one that succeeded for it and after `since` (older failures are forgiven).
  package func deskSignInFailures(email: String, ip: String, since: Date) throws -> (account: DeskSignInFailures, client: DeskSignInFailures) {
    try read { db in
      func failures(_ column: String, _ value: String) throws -> DeskSignInFailures {
        let row = try Row.fetchOne(
          db,
          sql: """
            SELECT COUNT(*), MAX(at) FROM desk_signin_attempt
            WHERE \(column) = ? AND ok = 0 AND at > ?
              AND at > COALESCE((SELECT MAX(at) FROM desk_signin_attempt WHERE \(column) = ? AND ok = 1), 0)
            """,
          arguments: [value, since.timeIntervalSince1970, value])!
        return DeskSignInFailures(count: row[0], last: (row[1] as Double?).map(Date.init(timeIntervalSince1970:)))
      }
      return (try failures("email_key", String(DeskUser.key(email).prefix(254))), try failures("ip", String(ip.prefix(64))))
    }
  }

  /// The sign-ins recorded, newest first (at most `limit`): (address, client, time, ok).
  package func deskSignIns(limit: Int = 100) throws -> [(email: String, ip: String, at: Date, ok: Bool)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM desk_signin_attempt ORDER BY at DESC, id DESC LIMIT ?", arguments: [limit]).map { row in
        (email: row["email_key"] as String, ip: row["ip"] as String, at: Date(timeIntervalSince1970: row["at"] as Double), ok: row["ok"] as Bool)
      }
    }
  }

  static func deskSession(from row: Row) -> DeskSession {
    DeskSession(
      id: row["id"], userID: DeskUserID(row["user_id"] as Int64), formToken: row["form_token"],
      createdAt: Date(timeIntervalSince1970: row["created_at"]), lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]),
      ip: row["ip"], userAgent: row["user_agent"], revoked: row["revoked"], awaitingCode: row["awaiting_code"])
  }
}
