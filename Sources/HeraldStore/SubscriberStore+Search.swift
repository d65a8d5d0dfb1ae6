import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// One subscriber found by a search, with the lists they are on.
  package struct SearchResult: Sendable {
    package var id: SubscriberID
    package var email: String
    package var name: String?
    package var organization: String?
    /// Each list they are a member of, by name, with their state there.
    package var memberships: [(list: String, status: MembershipStatus)]
  }

  /// A page of search results, newest subscribers first.
  package struct SearchPage: Sendable {
    package var results: [SearchResult]
    /// The `before` of the next page; nil when this is the last.
    package var next: Int64?
  }

  /// The longest search text used: a search is for a word or part of an address, and
  /// longer text only makes a longer query.
  package static let searchTextLimit = 200

  /// Subscribers whose address, name or organisation contains `text` (without case), newest
  /// first, `limit` at a time; all subscribers when `text` is empty.
  ///
  /// Text of three characters or more is looked up in the trigram index (`subscriber_search`,
  /// kept by triggers): a word nobody has is answered as fast as a common one. Shorter text
  /// is compared row by row (LIKE), stopping at the page's end. The text is only ever a
  /// value: `%`, `_`, quotes and FTS operators are matched as themselves.
  /// - Parameter before: the id the previous page ended before (`SearchPage.next`).
  package func searchSubscribers(_ text: String, before: Int64? = nil, limit: Int = 50) throws -> SearchPage {
    let term = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.searchTextLimit))
    let ceiling = before ?? Int64.max
    return try read { db in
      let rows: [Row]
      if term.isEmpty {
        rows = try Row.fetchAll(db, sql: """
          SELECT id, email, name, organization FROM subscriber WHERE id < ? ORDER BY id DESC LIMIT ?
          """, arguments: [ceiling, limit + 1])
      } else if term.count >= 3 {
        // One FTS5 phrase: inside double quotes every character is literal but the quote,
        // which is doubled.
        let phrase = "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        rows = try Row.fetchAll(db, sql: """
          SELECT subscriber.id, subscriber.email, subscriber.name, subscriber.organization
          FROM subscriber_search JOIN subscriber ON subscriber.id = subscriber_search.rowid
          WHERE subscriber_search MATCH ? AND subscriber_search.rowid < ?
          ORDER BY subscriber_search.rowid DESC LIMIT ?
          """, arguments: [phrase, ceiling, limit + 1])
      } else {
        let pattern = "%" + Self.likeEscaped(term) + "%"
        rows = try Row.fetchAll(db, sql: """
          SELECT id, email, name, organization FROM subscriber
          WHERE id < ?2 AND (email LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR organization LIKE ?1 ESCAPE '\\')
          ORDER BY id DESC LIMIT ?3
          """, arguments: [pattern, ceiling, limit + 1])
      }
      let page = rows.prefix(limit)
      let ids = page.map { $0[0] as Int64 }
      var memberships: [Int64: [(list: String, status: MembershipStatus)]] = [:]
      if !ids.isEmpty {
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        for row in try Row.fetchAll(db, sql: """
          SELECT membership.subscriber_id, list.name, membership.status FROM membership JOIN list ON list.id = membership.list_id
          WHERE membership.subscriber_id IN (\(marks)) ORDER BY list.name
          """, arguments: StatementArguments(ids))
        {
          let subscriber: Int64 = row[0]
          memberships[subscriber, default: []].append((list: row[1], status: MembershipStatus(rawValue: row[2]) ?? .pending))
        }
      }
      let results = page.map { row -> SearchResult in
        let id: Int64 = row[0]
        return SearchResult(id: SubscriberID(id), email: row[1], name: row[2], organization: row[3], memberships: memberships[id] ?? [])
      }
      return SearchPage(results: results, next: rows.count > limit ? ids.last : nil)
    }
  }

  /// `text` with LIKE's wildcards (and the escape character) escaped by a backslash.
  static func likeEscaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
