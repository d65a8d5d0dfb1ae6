import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// Who a list has, for the plan of a send: its subscribed members, and who it leaves out
  /// and why.
  package struct ListFigures: Sendable, Equatable {
    /// The list's name.
    package var list: String
    /// Members subscribed to it (suppressed ones included: the send leaves those out).
    package var subscribed: Int
    /// Members who unsubscribed.
    package var unsubscribed: Int
    /// Members whose address bounced (or who complained): no longer sent to.
    package var bounced: Int
    /// Members who have not confirmed their subscription yet (double opt-in).
    package var pending: Int
    /// Subscribed members whose address is suppressed.
    package var suppressedAddress: Int
    /// Subscribed members whose domain is suppressed (and not their address too).
    package var suppressedDomain: Int

    /// The members the list itself would send to: subscribed, not suppressed.
    package var reachable: Int { subscribed - suppressedAddress - suppressedDomain }
  }

  /// The figures of each list, in the order given.
  /// - Throws: `.notFound` for an unknown list.
  package func listFigures(_ names: [String]) throws -> [ListFigures] {
    try read { db in
      try names.map { name in
        let list = try Self.list(named: name, in: db)
        var byStatus: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM membership WHERE list_id = ? GROUP BY status", arguments: [list.id]) {
          byStatus[row[0] as String] = row[1] as Int
        }
        let suppressed = try Row.fetchOne(db, sql: """
          SELECT COALESCE(SUM(address), 0), COALESCE(SUM(domain AND NOT address), 0) FROM (
            SELECT EXISTS (SELECT 1 FROM suppression WHERE kind = 'address' AND value = s.email_key) AS address,
              EXISTS (SELECT 1 FROM suppression WHERE kind = 'domain' AND value = s.domain) AS domain
            FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
            WHERE m.list_id = ? AND m.status = 'subscribed')
          """, arguments: [list.id])!
        return ListFigures(
          list: list.name, subscribed: byStatus["subscribed"] ?? 0, unsubscribed: byStatus["unsubscribed"] ?? 0,
          bounced: (byStatus["bounced"] ?? 0) + (byStatus["complained"] ?? 0), pending: byStatus["pending"] ?? 0,
          suppressedAddress: suppressed[0], suppressedDomain: suppressed[1])
      }
    }
  }
}
