import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// The suppressed addresses and domains, newest first, at most `limit` (by rowid: no scan),
  /// and how many forgotten addresses are kept as hashes (never shown: they are not readable).
  package func suppressions(limit: Int = 200) throws -> (suppressions: [Suppression], hashed: Int) {
    try read { db in
      let rows = try Row.fetchAll(db, sql: """
        SELECT kind, value, reason, created_at FROM suppression WHERE kind != 'hashed' ORDER BY id DESC LIMIT ?
        """, arguments: [limit]).compactMap { row -> Suppression? in
        guard let kind = Suppression.Kind(rawValue: row[0]) else { return nil }
        return Suppression(kind: kind, value: row[1], reason: row[2], createdAt: Date(timeIntervalSince1970: row[3]))
      }
      let hashed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suppression WHERE kind = 'hashed'") ?? 0
      return (rows, hashed)
    }
  }
}
