import Foundation
import GRDB
import HeraldCore

/// The shared inbox of inquiries, as the desk shows it: a page of the list in the order of
/// what is due, the counts, the sender's card, what was added to a thread meanwhile, and
/// the reminders due.
extension SubscriberStore {
  /// The statuses of inquiries still to be answered.
  package static let unansweredStatuses: [InquiryStatus] = [.new, .open, .waiting]

  /// A page of inquiries: with no status chosen, those still to answer first — overdue,
  /// then by deadline, then by priority, then the oldest — then the answered and closed,
  /// the latest first; with statuses chosen, only those, in the same order.
  ///
  /// Every condition is on `inquiry`'s indexed columns (release, assignee); a search also
  /// reads the rows' text and the journalists' messages of the rows that are left. One pass
  /// gives the page and the counts.
  package func inquiryPage(_ filter: InquiryFilter) throws -> InquiryPage {
    try read { db in
      var conditions: [String] = []
      var arguments: StatementArguments = []
      if let release = filter.release {
        conditions.append("release = ?")
        arguments += [release]
      }
      switch filter.assignee {
      case .anyone: break
      case .nobody: conditions.append("assignee IS NULL")
      case .user(let id):
        conditions.append("assignee_id = ?")
        arguments += [id.rawValue]
      }
      if let search = filter.search, !search.isEmpty {
        let pattern = InquiryFilter.likePattern(String(search.prefix(InquiryFilter.searchLimit)))
        conditions.append("""
          (from_address LIKE ? ESCAPE '\\' OR from_name LIKE ? ESCAPE '\\' OR organization LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM inquiry_entry e WHERE e.inquiry_id = inquiry.id AND e.kind = 'message' AND e.text LIKE ? ESCAPE '\\'))
          """)
        arguments += [pattern, pattern, pattern, pattern, pattern]
      }
      let base = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
      let done = "(status IN ('answered', 'closed'))"
      let order = """
        \(done),
          CASE WHEN NOT \(done) THEN due_at IS NULL END,
          CASE WHEN NOT \(done) THEN due_at END,
          CASE WHEN NOT \(done) THEN \(InquiryPriority.rankSQL) END,
          CASE WHEN NOT \(done) THEN created_at ELSE -updated_at END,
          id
        """
      let size = max(1, filter.pageSize)
      let page: StatementArguments = [size, max(0, filter.page) * size]
      let statusList = filter.statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
      var counts: [InquiryStatus: Int] = [:]
      var ids: [Int64] = []
      if filter.search == nil || filter.search?.isEmpty == true {
        // Without a search: the counts from the status index (a covering scan, or the rows of
        // a release or an assignee), then the page's ids.
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM inquiry\(base) GROUP BY status", arguments: arguments) {
          if let status = InquiryStatus(rawValue: row[0]) { counts[status] = row[1] }
        }
        var pageConditions = conditions
        if !filter.statuses.isEmpty { pageConditions.append("status IN (\(statusList))") }
        let pageWhere = pageConditions.isEmpty ? "" : " WHERE " + pageConditions.joined(separator: " AND ")
        ids = try Int64.fetchAll(db, sql: "SELECT id FROM inquiry\(pageWhere) ORDER BY \(order) LIMIT ? OFFSET ?", arguments: arguments + page)
      } else {
        // With a search: one pass, so the text is read once — the page's ids, in order, with the
        // counts per status over the window (everything but the status chosen). The chosen
        // statuses sort first, so the page holds them; others fill it only when there are
        // fewer, and are dropped here. (A bare 0 in ORDER BY would name a column.)
        let chosen = filter.statuses.isEmpty ? "(1 = 0)" : "(status NOT IN (\(statusList)))"
        let statusCounts = InquiryStatus.allCases.map { "SUM(status = '\($0.rawValue)') OVER ()" }.joined(separator: ", ")
        let rowsOfPage = try Row.fetchAll(
          db, sql: "SELECT id, \(chosen) AS other, \(statusCounts) FROM inquiry\(base) ORDER BY \(chosen), \(order) LIMIT ? OFFSET ?",
          arguments: arguments + page)
        if let first = rowsOfPage.first {
          for (index, status) in InquiryStatus.allCases.enumerated() { counts[status] = (first[2 + index] as Int?) ?? 0 }
        } else {
          // Past the last page: the counts alone.
          for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM inquiry\(base) GROUP BY status", arguments: arguments) {
            if let status = InquiryStatus(rawValue: row[0]) { counts[status] = row[1] }
          }
        }
        ids = rowsOfPage.filter { ($0["other"] as Int) == 0 }.map { $0["id"] }
      }
      let total = filter.statuses.isEmpty ? counts.values.reduce(0, +) : filter.statuses.reduce(0) { $0 + (counts[$1] ?? 0) }
      guard !ids.isEmpty else { return InquiryPage(items: [], counts: counts, total: total) }
      let list = ids.map { _ in "?" }.joined(separator: ", ")
      var rows: [Int64: Inquiry] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT * FROM inquiry WHERE id IN (\(list))", arguments: StatementArguments(ids)) {
        let inquiry = Self.inquiry(from: row)
        rows[inquiry.id] = inquiry
      }
      var messages: [Int64: Int] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT inquiry_id, COUNT(*) FROM inquiry_entry WHERE inquiry_id IN (\(list)) AND kind = 'message' GROUP BY inquiry_id",
        arguments: StatementArguments(ids))
      {
        messages[row[0]] = row[1]
      }
      let items = ids.compactMap { id in rows[id].map { InquiryPage.Item(inquiry: $0, messages: messages[id] ?? 0) } }
      return InquiryPage(items: items, counts: counts, total: total)
    }
  }

  /// Inquiries waiting for an answer (new and open): the figure in the desk's navigation.
  package func inquiriesWaiting() throws -> Int {
    try read { db in
      try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM inquiry WHERE status IN ('new', 'open')")) ?? 0
    }
  }

  /// The releases (slugs) that have inquiries, for the inbox's filter.
  package func inquiryReleases() throws -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT DISTINCT release FROM inquiry WHERE release IS NOT NULL ORDER BY release")
    }
  }

  /// The entries added to an inquiry's thread after the entry `id` (the last a writer saw).
  package func inquiryEntries(_ inquiry: Int64, after id: Int64) throws -> [InquiryEntry] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM inquiry_entry WHERE inquiry_id = ? AND id > ? ORDER BY id", arguments: [inquiry, id]).map(Self.entry(from:))
    }
  }

  /// A sender's other inquiries, the latest first.
  package func inquiries(from address: String, except id: Int64, limit: Int = 20) throws -> [Inquiry] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM inquiry WHERE from_address = ? COLLATE NOCASE AND id != ? ORDER BY created_at DESC LIMIT ?",
        arguments: [address, id, limit]
      ).map(Self.inquiry(from:))
    }
  }

  /// One release a subscriber was sent: the last attempt's outcome and time.
  package struct ReceivedRelease: Sendable, Hashable {
    /// The release's slug.
    package var release: String
    package var outcome: DeliveryOutcome?
    package var at: Date
  }

  /// The releases a subscriber was sent, the latest first (through `delivery_subscriber`).
  package func receivedReleases(_ subscriber: SubscriberID, limit: Int = 20) throws -> [ReceivedRelease] {
    try read { db in
      try Row.fetchAll(db, sql: """
        SELECT release, outcome, MAX(at) AS last FROM delivery WHERE subscriber_id = ? GROUP BY release ORDER BY last DESC LIMIT ?
        """, arguments: [subscriber.rawValue, limit]
      ).map { ReceivedRelease(release: $0["release"], outcome: DeliveryOutcome(rawValue: $0["outcome"]), at: Date(timeIntervalSince1970: $0["last"])) }
    }
  }

  /// An inquiry whose assignee is to be reminded of its deadline.
  package struct InquiryReminder: Sendable, Hashable {
    package var inquiry: Inquiry
    /// The desk user's name and address.
    package var name: String
    package var email: String
  }

  /// The unanswered inquiries of active desk users whose deadline is at or before `limit`
  /// and whose reminder has not gone out for that deadline.
  package func inquiryRemindersDue(before limit: Date) throws -> [InquiryReminder] {
    try read { db in
      try Row.fetchAll(db, sql: """
        SELECT inquiry.*, u.name AS user_name, u.email AS user_email FROM inquiry JOIN desk_user u ON u.id = inquiry.assignee_id
        WHERE inquiry.due_at IS NOT NULL AND inquiry.due_at <= ? AND inquiry.status IN ('new', 'open', 'waiting')
          AND (inquiry.reminded_for IS NULL OR inquiry.reminded_for != inquiry.due_at) AND u.disabled = 0
        ORDER BY inquiry.due_at LIMIT 500
        """, arguments: [limit.timeIntervalSince1970]
      ).map { InquiryReminder(inquiry: Self.inquiry(from: $0), name: $0["user_name"], email: $0["user_email"]) }
    }
  }

  /// Notes that the reminder of `deadline` went out: not again until the deadline changes.
  /// - Returns: whether it was still to send (false: another process sent it meanwhile).
  @discardableResult
  package func markInquiryReminded(_ id: Int64, for deadline: Date) throws -> Bool {
    try write { db in
      try db.execute(
        sql: "UPDATE inquiry SET reminded_for = ? WHERE id = ? AND due_at = ? AND (reminded_for IS NULL OR reminded_for != due_at)",
        arguments: [deadline.timeIntervalSince1970, id, deadline.timeIntervalSince1970])
      return db.changesCount > 0
    }
  }
}

extension SubscriberStore {
  /// Arms an inquiry's reminder again (its email could not be written).
  package func unmarkInquiryReminded(_ id: Int64) throws {
    try write { db in try db.execute(sql: "UPDATE inquiry SET reminded_for = NULL WHERE id = ?", arguments: [id]) }
  }
}
