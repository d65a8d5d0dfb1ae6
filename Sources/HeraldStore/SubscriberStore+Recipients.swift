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
      let rows = try Row.fetchCursor(db, sql: """
        SELECT s.*, MIN(\(rank)) AS list_rank
        FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
        WHERE m.list_id IN (\(placeholders)) AND m.status = 'subscribed'
          AND NOT EXISTS (SELECT 1 FROM suppression WHERE kind = 'address' AND value = s.email_key)
          AND NOT EXISTS (SELECT 1 FROM suppression WHERE kind = 'domain' AND value = s.domain)
        GROUP BY m.subscriber_id
        ORDER BY m.subscriber_id
        """, arguments: StatementArguments(lists.map(\.id)))
      var count = 0
      while let row = try rows.next() {
        let rank: Int = row["list_rank"]
        try body(Recipient(subscriber: Self.subscriber(from: row), list: lists[rank].name))
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
