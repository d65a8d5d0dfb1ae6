import Foundation
import GRDB

extension SubscriberStore {
  /// One recipient of a send: a subscriber and the list they get it through.
  public struct Recipient: Sendable {
    public var subscriber: Subscriber
    /// The first of the requested lists the subscriber is subscribed to: named in List-Id
    /// and in their unsubscribe link.
    public var list: String
  }

  /// The recipients of lists L1…Ln: members subscribed to any of them, each address once,
  /// minus suppressed addresses and domains, in a stable order (by subscriber id),
  /// streamed to `body` rather than loaded whole.
  /// - Returns: how many there were.
  /// - Throws: `.notFound` for an unknown list, or what `body` throws.
  @discardableResult
  public func forEachRecipient(of listNames: [String], _ body: (Recipient) throws -> Void) throws -> Int {
    try read { db in
      let lists = try listNames.map { try Self.list(named: $0, in: db) }
      guard !lists.isEmpty else { return 0 }
      // Rank each list by its place in the request, so a member of several gets the first.
      let rank = "CASE m.list_id " + lists.indices.map { "WHEN \(lists[$0].id) THEN \($0) " }.joined() + "END"
      let placeholders = lists.map { _ in "?" }.joined(separator: ", ")
      // Group the narrow membership rows first, then fetch each subscriber once by id:
      // twice as fast as grouping joined rows (measured on 300,000 memberships).
      let rows = try Row.fetchCursor(db, sql: """
        SELECT s.id, s.email, s.name, s.organization, s.language, s.attributes, s.created_at, x.list_rank
        FROM (SELECT subscriber_id, MIN(\(rank)) AS list_rank FROM membership m
              WHERE m.list_id IN (\(placeholders)) AND m.status = 'subscribed' GROUP BY subscriber_id) AS x
        JOIN subscriber s ON s.id = x.subscriber_id
        WHERE s.email_key NOT IN (SELECT value FROM suppression WHERE kind = 'address')
          AND s.domain NOT IN (SELECT value FROM suppression WHERE kind = 'domain')
        ORDER BY x.subscriber_id
        """, arguments: StatementArguments(lists.map(\.id)))
      var count = 0
      while let row = try rows.next() {
        // Columns by position: looking them up by name costs more than the query per row.
        let subscriber = Subscriber(
          id: row[0], email: row[1], name: row[2], organization: row[3], language: row[4],
          attributes: Self.decodeAttributes(row[5]), createdAt: Date(timeIntervalSince1970: row[6]))
        let rank: Int = row[7]
        try body(Recipient(subscriber: subscriber, list: lists[rank].name))
        count += 1
      }
      return count
    }
  }

  /// How many recipients `forEachRecipient(of:)` would give, and how many members were
  /// left out because their address or domain is suppressed.
  public func recipientCount(of listNames: [String]) throws -> (recipients: Int, suppressed: Int) {
    try read { db in
      let lists = try listNames.map { try Self.list(named: $0, in: db) }
      guard !lists.isEmpty else { return (0, 0) }
      let placeholders = lists.map { _ in "?" }.joined(separator: ", ")
      let row = try Row.fetchOne(db, sql: """
        SELECT COUNT(*) AS members,
          SUM(EXISTS (SELECT 1 FROM suppression WHERE kind = 'address' AND value = s.email_key)
            OR EXISTS (SELECT 1 FROM suppression WHERE kind = 'domain' AND value = s.domain)) AS suppressed
        FROM subscriber s
        WHERE s.id IN (SELECT subscriber_id FROM membership WHERE list_id IN (\(placeholders)) AND status = 'subscribed')
        """, arguments: StatementArguments(lists.map(\.id)))!
      let members: Int = row["members"]
      let suppressed: Int = row["suppressed"] ?? 0
      return (members - suppressed, suppressed)
    }
  }
}
