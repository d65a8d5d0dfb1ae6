import Foundation
import GRDB
import HeraldCore
import HeraldMail

extension SubscriberStore {
  /// All the store has about one subscriber, for their page in the desk and `herald
  /// subscribers show --json`: the profile (memberships, consent history with its evidence,
  /// suppression), the latest deliveries with the relay's replies, the bounces and
  /// complaints that came back from them, and their inquiries.
  package struct SubscriberRecord: Sendable, Codable {
    /// A bounce or complaint read from the inbox, as the record lists it.
    package struct Returned: Sendable, Codable, Hashable {
      /// The `inbound` row (`herald inbox show ID`, the desk's /inbox/ID).
      package var id: Int64
      package var kind: InboundClass
      package var subject: String?
      /// What the inbox made of it ("mailbox unavailable (5.1.1)").
      package var reason: String
      package var release: String?
      package var receivedAt: Date
    }

    /// An inquiry of theirs, as the record lists it.
    package struct Question: Sendable, Codable, Hashable {
      package var id: Int64
      package var subject: String
      package var status: InquiryStatus
      package var release: String?
      package var createdAt: Date
    }

    package var profile: Profile
    /// Newest first, at most the limit asked for.
    package var deliveries: [Delivery]
    /// Bounces and complaints, newest first, at most the limit asked for.
    package var returned: [Returned]
    /// Newest first, at most the limit asked for.
    package var inquiries: [Question]
  }

  /// The record of subscriber `id`, each list at most `limit` long (newest first); nil when
  /// there is no such subscriber (never was, or forgotten). Every query is by subscriber
  /// through an index (`delivery_subscriber`, `inbound_subscriber`, `inquiry_subscriber`).
  package func record(subscriber id: SubscriberID, limit: Int = 50) throws -> SubscriberRecord? {
    try read { db in
      guard let profile = try Self.profile(id: id.rawValue, in: db) else { return nil }
      let deliveries = try Row.fetchAll(db, sql: """
        SELECT campaign, list_name, language, outcome, reply, at FROM delivery
        WHERE subscriber_id = ? ORDER BY at DESC, id DESC LIMIT ?
        """, arguments: [id.rawValue, limit]).compactMap { row -> Delivery? in
        guard let campaign = CampaignID(row[0] as String), let outcome = DeliveryOutcome(rawValue: row[3]) else { return nil }
        return Delivery(campaign: campaign, list: row[1], language: row[2], outcome: outcome, reply: row[4], at: Date(timeIntervalSince1970: row[5]))
      }
      let returned = try Row.fetchAll(db, sql: """
        SELECT id, class, subject, reason, release, received_at FROM inbound
        WHERE subscriber_id = ? AND class IN ('bounce', 'complaint') ORDER BY received_at DESC LIMIT ?
        """, arguments: [id.rawValue, limit]).compactMap { row -> SubscriberRecord.Returned? in
        guard let kind = InboundClass(rawValue: row[1]) else { return nil }
        return .init(id: row[0], kind: kind, subject: row[2], reason: row[3], release: row[4], receivedAt: Date(timeIntervalSince1970: row[5]))
      }
      let inquiries = try Row.fetchAll(db, sql: """
        SELECT id, subject, status, release, created_at FROM inquiry WHERE subscriber_id = ? ORDER BY created_at DESC LIMIT ?
        """, arguments: [id.rawValue, limit]).compactMap { row -> SubscriberRecord.Question? in
        guard let status = InquiryStatus(rawValue: row[2]) else { return nil }
        return .init(id: row[0], subject: row[1], status: status, release: row[3], createdAt: Date(timeIntervalSince1970: row[4]))
      }
      return SubscriberRecord(profile: profile, deliveries: deliveries, returned: returned, inquiries: inquiries)
    }
  }

  /// The record of the subscriber with this address (`herald subscribers show`).
  /// - Throws: `.notFound` when it is not a subscriber.
  package func record(email: String, limit: Int = 50) throws -> SubscriberRecord {
    let address = try Self.normalizedAddress(email)
    guard let id = try subscriberID(email: address), let record = try record(subscriber: id, limit: limit) else {
      throw StoreError(.notFound, "\(address) is not a subscriber")
    }
    return record
  }

  /// The id of the subscriber with this address, if there is one.
  package func subscriberID(email: String) throws -> SubscriberID? {
    guard let address = try? Self.normalizedAddress(email) else { return nil }
    return try read { db in
      try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [EmailAddress.key(address)]).map { SubscriberID($0) }
    }
  }
}

extension SubscriberStore {
  /// Sets a subscriber's name, organisation and language as given (empty: none), cleaned of
  /// control and bidirectional characters like every other way in (`SubscriberText`).
  /// - Returns: the subscriber as changed; nil when there is no such subscriber.
  @discardableResult
  package func updateDetails(_ id: SubscriberID, name: String, organization: String, language: String) throws -> Subscriber? {
    try write { db in
      guard try Self.subscriber(id: id.rawValue, in: db) != nil else { return nil }
      func cleaned(_ text: String) -> String? {
        let value = SubscriberText.cleaned(text).text.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
      }
      try db.execute(
        sql: "UPDATE subscriber SET name = ?, organization = ?, language = ? WHERE id = ?",
        arguments: [cleaned(name), cleaned(organization), cleaned(language), id.rawValue])
      return try Self.subscriber(id: id.rawValue, in: db)
    }
  }
}
