import Foundation
import GRDB
import HeraldMail

extension SubscriberStore {
  /// One delivery attempt, as the log keeps it.
  public struct Delivery: Sendable, Codable, Hashable {
    public var release: String
    public var campaign: String
    public var list: String?
    /// "sent", "deferred" or "failed".
    public var outcome: String
    /// The relay's reply line, or why there was none.
    public var reply: String
    public var at: Date
  }

  /// Records one attempt for a subscriber (by id); a subscriber forgotten meanwhile is skipped.
  public func recordDelivery(subscriberID: Int64, release: String, campaign: String, list: String?, outcome: String, reply: String, at: Date = Date()) throws {
    try write { db in
      guard try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE id = ?", arguments: [subscriberID]) != nil else { return }
      try db.execute(
        sql: "INSERT INTO delivery (subscriber_id, release, campaign, list_name, outcome, reply, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        arguments: [subscriberID, release, campaign, list, outcome, reply, at.timeIntervalSince1970])
    }
  }

  /// The ids of subscribers a release was already sent to (accepted by the relay).
  public func subscribersAlreadySent(release: String) throws -> Set<Int64> {
    try read { db in
      Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT subscriber_id FROM delivery WHERE release = ? AND outcome = 'sent'", arguments: [release]))
    }
  }

  /// A subscriber's deliveries, newest first.
  public func deliveries(email: String, limit: Int = 50) throws -> [Delivery] {
    let address = try Self.normalizedAddress(email)
    return try read { db in
      try Row.fetchAll(db, sql: """
        SELECT release, campaign, list_name, outcome, reply, at FROM delivery
        WHERE subscriber_id = (SELECT id FROM subscriber WHERE email_key = ?) ORDER BY at DESC, id DESC LIMIT ?
        """, arguments: [EmailAddress.key(address), limit]).map { row in
        Delivery(release: row[0], campaign: row[1], list: row[2], outcome: row[3], reply: row[4], at: Date(timeIntervalSince1970: row[5]))
      }
    }
  }
}
