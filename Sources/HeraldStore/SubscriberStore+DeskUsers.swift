import Foundation
import GRDB
import HeraldCore

// The desk's accounts: who signs in, with which role, and the password hash to check.
extension SubscriberStore {
  /// Adds a desk user.
  /// - Parameter passwordHash: the password's bcrypt hash (never the password).
  /// - Throws: `.alreadyExists` when an account has the address (compared without case).
  @discardableResult
  package func addDeskUser(
    name: String, email: String, role: DeskRole, passwordHash: String, mustChangePassword: Bool, at now: Date
  ) throws -> DeskUser {
    try write { db in
      let key = DeskUser.key(email)
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM desk_user WHERE email_key = ?", arguments: [key]) == true {
        throw StoreError(.alreadyExists, "a desk user with the address \(email) exists already; see herald users list")
      }
      try db.execute(
        sql: """
          INSERT INTO desk_user (name, email, email_key, role, password_hash, must_change_password, disabled, created_at, password_changed_at)
          VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
          """,
        arguments: [name, email, key, role.rawValue, passwordHash, mustChangePassword, now.timeIntervalSince1970, now.timeIntervalSince1970])
      return DeskUser(
        id: DeskUserID(db.lastInsertedRowID), name: name, email: email, role: role, mustChangePassword: mustChangePassword, disabled: false,
        createdAt: now, passwordChangedAt: now)
    }
  }

  /// Every desk user, by name.
  package func deskUsers() throws -> [DeskUser] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM desk_user ORDER BY name COLLATE NOCASE, id").map(Self.deskUser(from:))
    }
  }

  /// The desk user with this address (compared without case), or nil.
  package func deskUser(email: String) throws -> DeskUser? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM desk_user WHERE email_key = ?", arguments: [DeskUser.key(email)]).map(Self.deskUser(from:))
    }
  }

  /// The desk user with this number, or nil.
  package func deskUser(_ id: DeskUserID) throws -> DeskUser? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM desk_user WHERE id = ?", arguments: [id.rawValue]).map(Self.deskUser(from:))
    }
  }

  /// The user with this address and their password hash, for sign-in; nil when there is none.
  package func deskCredentials(email: String) throws -> (user: DeskUser, passwordHash: String)? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM desk_user WHERE email_key = ?", arguments: [DeskUser.key(email)]).map { row in
        (user: Self.deskUser(from: row), passwordHash: row["password_hash"] as String)
      }
    }
  }

  /// Sets a user's password and ends their sessions (all, or all but `keeping`: the one
  /// that changed it), in one transaction.
  /// - Throws: `.notFound` for an unknown user.
  package func setDeskPassword(
    _ id: DeskUserID, passwordHash: String, mustChangePassword: Bool, at now: Date, keeping session: String? = nil
  ) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE desk_user SET password_hash = ?, must_change_password = ?, password_changed_at = ? WHERE id = ?",
        arguments: [passwordHash, mustChangePassword, now.timeIntervalSince1970, id.rawValue])
      guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no desk user number \(id)") }
      try Self.revokeDeskSessions(of: id, except: session, db)
    }
  }

  /// Gives a user another role.
  /// - Throws: `.notFound` for an unknown user.
  package func setDeskRole(_ id: DeskUserID, _ role: DeskRole) throws {
    try write { db in
      try db.execute(sql: "UPDATE desk_user SET role = ? WHERE id = ?", arguments: [role.rawValue, id.rawValue])
      guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no desk user number \(id)") }
    }
  }

  /// Disables a user (or enables them again) and, when disabling, ends their sessions.
  /// - Throws: `.notFound` for an unknown user.
  package func setDeskUserDisabled(_ id: DeskUserID, _ disabled: Bool) throws {
    try write { db in
      try db.execute(sql: "UPDATE desk_user SET disabled = ? WHERE id = ?", arguments: [disabled, id.rawValue])
      guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no desk user number \(id)") }
      if disabled { try Self.revokeDeskSessions(of: id, except: nil, db) }
    }
  }

  static func deskUser(from row: Row) -> DeskUser {
    DeskUser(
      id: DeskUserID(row["id"] as Int64), name: row["name"], email: row["email"],
      // The table's CHECK allows only the four roles.
      role: DeskRole(rawValue: row["role"]) ?? .viewer,
      mustChangePassword: row["must_change_password"], disabled: row["disabled"],
      createdAt: Date(timeIntervalSince1970: row["created_at"]), passwordChangedAt: Date(timeIntervalSince1970: row["password_changed_at"]),
      twoStep: (row["totp_secret"] as String?) != nil)
  }
}
