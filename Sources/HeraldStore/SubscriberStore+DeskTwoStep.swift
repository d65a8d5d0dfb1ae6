import Foundation
import GRDB
import HeraldCore

// The second step of signing in: a user's authenticator secret and the codes already used.
extension SubscriberStore {
  /// A user's authenticator secret and the last time step whose code was accepted; nil when
  /// they sign in with a password alone.
  package func deskTwoStep(_ id: DeskUserID) throws -> (secret: String, lastStep: Int64)? {
    try read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT totp_secret, totp_last_step FROM desk_user WHERE id = ?", arguments: [id.rawValue]),
        let secret = row["totp_secret"] as String?
      else { return nil }
      return (secret, row["totp_last_step"])
    }
  }

  /// Sets a user's authenticator secret (nil: signing in takes the password alone again).
  /// Every session of theirs ends but `keeping`: whoever signed in before the change must
  /// sign in again under the new rule.
  /// - Parameter step: the time step of the code that proved the new secret (never accepted again).
  /// - Throws: `.notFound` for an unknown user.
  package func setDeskTwoStep(_ id: DeskUserID, secret: String?, step: Int64 = 0, keeping session: String? = nil) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE desk_user SET totp_secret = ?, totp_last_step = ? WHERE id = ?", arguments: [secret, step, id.rawValue])
      guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no desk user number \(id)") }
      try Self.revokeDeskSessions(of: id, except: session, db)
    }
  }

  /// Uses up a time step for a user: true when no code of it or a later step was accepted
  /// before (in one statement, so two requests with the same code cannot both pass).
  package func useDeskTwoStep(_ id: DeskUserID, step: Int64) throws -> Bool {
    try write { db in
      try db.execute(
        sql: "UPDATE desk_user SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL AND totp_last_step < ?",
        arguments: [step, id.rawValue, step])
      return db.changesCount > 0
    }
  }
}
