import Foundation
import GRDB

// A list's members, a page at a time, for people reading them (`herald lists show NAME`,
// the desk): by address, with each membership's status and since when.
extension SubscriberStore {
  /// One member of a list: the subscriber and their membership's state.
  package struct ListMember: Sendable, Hashable {
    /// The subscriber.
    package var subscriber: Subscriber
    /// The membership's status.
    package var status: MembershipStatus
    /// When it took that status.
    package var since: Date
  }

  /// A page of a list's members and how many there are in all.
  package struct MemberPage: Sendable, Hashable {
    /// The members on this page, by address.
    package var members: [ListMember]
    /// How many members match, on every page together.
    package var total: Int
    /// The page, from 1.
    package var page: Int
    /// How many members a page holds.
    package var perPage: Int
    /// How many pages there are (at least 1).
    package var pages: Int { max(1, (total + perPage - 1) / perPage) }
  }

  /// The members of `list` (with `status` only, when given), ordered by address without
  /// case, page `page` (from 1) of `perPage` each.
  /// - Throws: `StoreError` `.notFound` for an unknown list, `.invalidInput` for a page
  ///   below 1 or a page size outside 1…10,000.
  package func members(ofList listName: String, status: MembershipStatus? = nil, page: Int = 1, perPage: Int = 50) throws -> MemberPage {
    guard page >= 1 else { throw StoreError(.invalidInput, "page \(page) does not exist: pages are numbered from 1") }
    guard (1...10_000).contains(perPage) else { throw StoreError(.invalidInput, "a page holds 1 to 10,000 members, not \(perPage)") }
    return try read { db in
      let list = try Self.list(named: listName, in: db)
      var filter = "m.list_id = ?"
      var arguments: StatementArguments = [list.id]
      if let status {
        filter += " AND m.status = ?"
        arguments += [status.rawValue]
      }
      let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM membership m WHERE \(filter)", arguments: arguments) ?? 0
      let rows = try Row.fetchAll(db, sql: """
        SELECT s.*, m.status AS member_status, m.changed_at AS member_since FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
        WHERE \(filter) ORDER BY s.email_key LIMIT ? OFFSET ?
        """, arguments: arguments + [perPage, (page - 1) * perPage])
      let members = rows.map { row in
        ListMember(
          subscriber: Self.subscriber(from: row), status: MembershipStatus(rawValue: row["member_status"]) ?? .unsubscribed,
          since: Date(timeIntervalSince1970: row["member_since"]))
      }
      return MemberPage(members: members, total: total, page: page, perPage: perPage)
    }
  }
}
