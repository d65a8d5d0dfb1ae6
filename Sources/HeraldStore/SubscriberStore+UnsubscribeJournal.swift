import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// Applies the unsubscribes of the journal (`unsubscribes`) taken while the store may have
  /// been busy, in one transaction, and removes them from the journal once the store has
  /// them. Applying an entry again changes nothing (a membership already unsubscribed stays
  /// as it is, with no second event in the consent history), so an applier that stops
  /// between the commit and the removal is harmless. A subscriber forgotten meanwhile, or a
  /// list deleted, leaves nothing to change.
  /// - Parameter wait: whether to wait while another process applies (a send about to plan
  ///   its recipients waits; the server's service comes back later).
  /// - Returns: how many entries were applied; nil when another process was applying.
  /// - Throws: `StoreError` `.busy` when another process held the write lock for longer
  ///   than the busy timeout (the entries stay in the journal), `.database` when the journal
  ///   or the store cannot be read or written.
  @discardableResult
  package func applyPendingUnsubscribes(wait: Bool = true) throws -> Int? {
    try unsubscribes.take(wait: wait) { entries in
      guard !entries.isEmpty else { return }
      try write { db in
        for entry in entries { try Self.unsubscribe(entry, in: db) }
      }
      logger.info("unsubscribes from the journal recorded", metadata: ["count": "\(entries.count)"])
    }
  }

  /// Sets the entry's memberships that are subscribed or pending to unsubscribed, with its
  /// evidence and time (what `unsubscribe(_:list:source:at:)` does).
  private static func unsubscribe(_ entry: UnsubscribeJournal.Entry, in db: Database) throws {
    var sql = """
      SELECT list.* FROM membership JOIN list ON list.id = membership.list_id
      WHERE membership.subscriber_id = ? AND membership.status IN ('subscribed', 'pending')
      """
    var arguments: StatementArguments = [entry.subscriber.rawValue]
    if let list = entry.list {
      sql += " AND list.name = ?"
      arguments += [list]
    }
    for list in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.list(from:)) {
      _ = try setMembership(subscriber: entry.subscriber.rawValue, list: list, status: .unsubscribed, source: entry.source, at: entry.at, importRun: nil, in: db)
    }
  }
}
