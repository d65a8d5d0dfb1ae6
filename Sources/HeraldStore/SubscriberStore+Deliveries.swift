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

    /// Makes an attempt to record.
    public init(release: String, campaign: String, list: String?, outcome: String, reply: String, at: Date = Date()) {
      self.release = release
      self.campaign = campaign
      self.list = list
      self.outcome = outcome
      self.reply = reply
      self.at = at
    }
  }

  /// An attempt to record, with the subscriber it was for.
  public struct DeliveryRecord: Sendable, Hashable {
    public var subscriberID: Int64
    public var delivery: Delivery

    /// Makes a record.
    public init(subscriberID: Int64, release: String, campaign: String, list: String?, outcome: String, reply: String, at: Date = Date()) {
      self.subscriberID = subscriberID
      delivery = Delivery(release: release, campaign: campaign, list: list, outcome: outcome, reply: reply, at: at)
    }
  }

  /// Records many attempts in one transaction (a campaign logs thousands a second);
  /// subscribers forgotten meanwhile are skipped.
  public func recordDeliveries(_ records: [DeliveryRecord]) throws {
    guard !records.isEmpty else { return }
    try write { db in
      let insert = try db.cachedStatement(sql: """
        INSERT INTO delivery (subscriber_id, release, campaign, list_name, outcome, reply, at)
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM subscriber WHERE id = ?1)
        """)
      for record in records {
        let delivery = record.delivery
        try insert.execute(arguments: [
          record.subscriberID, delivery.release, delivery.campaign, delivery.list, delivery.outcome, delivery.reply,
          delivery.at.timeIntervalSince1970,
        ])
      }
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
