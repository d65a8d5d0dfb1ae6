import Foundation
import GRDB
import HeraldCore
import HeraldMail

// Subscriptions made and ended by their subscribers: requests from a form, confirmations
// (double opt-in), unsubscribes by link, and who a link's subscriber is.
extension SubscriberStore {
  /// What a subscription request came to. The web page says the same in every case, so
  /// that nobody can learn through it who is subscribed.
  package enum SubscriptionRequest: Sendable, Equatable {
    /// A confirmation must be sent to the address: double opt-in (the membership is pending
    /// until it is confirmed), or fresh consent after an unsubscribe, a bounce or a
    /// complaint (the membership stays as it is until it is confirmed).
    case confirm(SubscriberID)
    /// Subscribed at once (a single opt-in list, an address new to it).
    case subscribed(SubscriberID)
    /// Nothing to do, and no mail to send: already subscribed, a confirmation was sent
    /// within the cooldown, or the address is suppressed.
    case nothing(String)
  }

  /// Asks for a subscription from the web form: the address's membership of `list` becomes
  /// pending (and a confirmation is due) or subscribed, with the evidence in `source`.
  /// A form proves nothing about who sent it, so it changes nothing a stranger could use:
  /// an existing subscriber's name and organisation stay, and a membership that is
  /// unsubscribed, bounced or complained stays so (the request goes into its consent
  /// history, and a confirmation is due: only its link brings the person back).
  /// - Parameters:
  ///   - cooldown: a confirmation sent less than this long ago is not sent again.
  /// - Throws: `.invalidInput` for an address that is not one; `.notFound` for an unknown list.
  package func requestSubscription(
    email: String, name: String?, organization: String?, list: String, source: ConsentSource, cooldown: TimeInterval,
    at now: Date = Date()
  ) throws -> SubscriptionRequest {
    let address = try Self.normalizedAddress(email)
    return try write { db in
      let list = try Self.list(named: list, in: db)
      if try Self.suppressionReason(for: address, in: db) != nil { return .nothing("suppressed") }
      let existing = try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [EmailAddress.key(address)])
      let id: Int64
      if let existing {
        id = existing
      } else {
        var fields = SubscriberFields(email: address, name: name, organization: organization, language: list.language, attributes: [:])
        _ = fields.clean()
        id = try Self.upsertSubscriber(fields, at: now, in: db).0
      }
      let current = try Self.membershipStatus(subscriber: id, list: list.id, in: db)
      switch current {
      case .subscribed?:
        return .nothing("already subscribed")
      case .pending?:
        break
      case nil where !list.doubleOptIn:
        _ = try Self.setMembership(subscriber: id, list: list, status: .subscribed, source: source, at: now, importRun: nil, in: db)
        return .subscribed(SubscriberID(id))
      case nil:
        _ = try Self.setMembership(subscriber: id, list: list, status: .pending, source: source, at: now, importRun: nil, in: db)
      case let left?:
        // Back after leaving, bouncing or complaining: the state stays until their own
        // confirmation; the request is kept as evidence beside it.
        try db.execute(sql: """
          INSERT INTO consent_event (subscriber_id, list_id, list_name, status, source, source_detail, at, kind)
          VALUES (?, ?, ?, ?, ?, ?, ?, 'request')
          """, arguments: [id, list.id, list.name, left.rawValue, source.kind.rawValue, source.detail, now.timeIntervalSince1970])
      }
      if let sent = try Double.fetchOne(
        db, sql: "SELECT sent_at FROM confirmation_sent WHERE subscriber_id = ? AND list_id = ?", arguments: [id, list.id]),
        now.timeIntervalSince1970 - sent < cooldown
      {
        return .nothing("a confirmation was sent \(Int(now.timeIntervalSince1970 - sent)) s ago")
      }
      try db.execute(
        sql: "INSERT OR REPLACE INTO confirmation_sent (subscriber_id, list_id, sent_at) VALUES (?, ?, ?)",
        arguments: [id, list.id, now.timeIntervalSince1970])
      return .confirm(SubscriberID(id))
    }
  }

  /// What confirming a subscription came to.
  package enum Confirmation: Sendable, Equatable {
    /// The membership was waiting for this confirmation and is now subscribed.
    case confirmed
    /// It was subscribed already (the link was used twice): nothing changed.
    case alreadySubscribed
    /// It is not waiting for this confirmation (unsubscribed or bounced since the link was
    /// issued, deleted): nothing changed.
    case notPending
  }

  /// Confirms a subscription by the link mailed to its address, with the evidence in
  /// `source`: a pending membership (double opt-in), or one that left (unsubscribed,
  /// bounced, complained) and asked to come back. Only a link issued after the person
  /// last left counts: one mailed before an unsubscribe never undoes it.
  /// - Parameter issued: when the confirmation link was issued (its token says, to the second).
  package func confirmSubscription(
    _ subscriber: SubscriberID, list: String, issued: Date, source: ConsentSource, at now: Date = Date()
  ) throws -> Confirmation {
    try write { db in
      guard let list = try? Self.list(named: list, in: db),
        let row = try Row.fetchOne(
          db, sql: "SELECT status, changed_at FROM membership WHERE subscriber_id = ? AND list_id = ?", arguments: [subscriber.rawValue, list.id]),
        let status = MembershipStatus(rawValue: row["status"])
      else { return .notPending }
      if status == .subscribed { return .alreadySubscribed }
      // When the person last left: now, or before a pending state a form made.
      let leftAt: Double?
      if Self.optOutStatuses.contains(status) {
        leftAt = row["changed_at"]
      } else {
        leftAt = try Double.fetchOne(db, sql: """
          SELECT MAX(at) FROM consent_event WHERE subscriber_id = ? AND list_id = ? AND kind = 'state' AND status IN ('unsubscribed', 'bounced', 'complained')
          """, arguments: [subscriber.rawValue, list.id])
      }
      // The token's time is whole seconds, rounded down: a link issued in the second of
      // the unsubscribe may be older than it, and does not count.
      if let leftAt, issued.timeIntervalSince1970 <= leftAt.rounded(.down) { return .notPending }
      _ = try Self.setMembership(subscriber: subscriber.rawValue, list: list, status: .subscribed, source: source, at: now, importRun: nil, in: db)
      try db.execute(sql: "DELETE FROM confirmation_sent WHERE subscriber_id = ? AND list_id = ?", arguments: [subscriber.rawValue, list.id])
      return .confirmed
    }
  }

  /// Unsubscribes a subscriber from `list`, or from every list when nil, by their link:
  /// memberships that are subscribed or pending become unsubscribed with `source` as the
  /// evidence; the rest (already unsubscribed, bounced, complained) stay as they are, so a
  /// second request changes nothing.
  /// - Returns: the lists that changed (empty when the request was made before, or the
  ///   subscriber or list is gone).
  @discardableResult
  package func unsubscribe(_ subscriber: SubscriberID, list: String?, source: ConsentSource, at now: Date = Date()) throws -> [String] {
    try write { db in
      var sql = """
        SELECT list.* FROM membership JOIN list ON list.id = membership.list_id
        WHERE membership.subscriber_id = ? AND membership.status IN ('subscribed', 'pending')
        """
      var arguments: StatementArguments = [subscriber.rawValue]
      if let list {
        sql += " AND list.name = ?"
        arguments += [list]
      }
      var changed: [String] = []
      for list in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.list(from:)) {
        if try Self.setMembership(subscriber: subscriber.rawValue, list: list, status: .unsubscribed, source: source, at: now, importRun: nil, in: db) {
          changed.append(list.name)
        }
      }
      return changed
    }
  }

  /// The subscriber with this id, and the lists they are on (any status), or nil.
  package func subscriber(id: SubscriberID) throws -> (Subscriber, [Membership])? {
    try read { db in
      guard let subscriber = try Self.subscriber(id: id.rawValue, in: db) else { return nil }
      let memberships = try Row.fetchAll(db, sql: """
        SELECT list.name, membership.status, membership.source, membership.source_detail, membership.changed_at
        FROM membership JOIN list ON list.id = membership.list_id WHERE membership.subscriber_id = ? ORDER BY list.name
        """, arguments: [id.rawValue]).map { row in
          Membership(
            list: row[0], status: MembershipStatus(rawValue: row[1]) ?? .unsubscribed,
            source: ConsentSource(ConsentSource.Kind(rawValue: row[2]) ?? .unknown, detail: row[3]), changedAt: Date(timeIntervalSince1970: row[4]))
        }
      return (subscriber, memberships)
    }
  }
}
