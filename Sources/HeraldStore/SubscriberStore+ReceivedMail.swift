import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  // MARK: Received mail, for the desk

  /// A page of the messages the inbox read, newest read first (by id: the order Herald read
  /// them in, not the senders' Date headers, which a stranger writes), of one class or all,
  /// those read before `before` (keyset paging: the id of the last message of the page before).
  /// One indexed range per page (`inbound_class_id`, or the table's own order).
  package func inboundPage(kind: InboundClass?, before: Int64?, limit: Int) throws -> [InboundRecord] {
    try read { db in
      var conditions: [String] = []
      var arguments: StatementArguments = []
      if let kind {
        conditions.append("class = ?")
        arguments += [kind.rawValue]
      }
      if let before {
        conditions.append("id < ?")
        arguments += [before]
      }
      let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
      arguments += [limit]
      return try Row.fetchAll(db, sql: "SELECT * FROM inbound\(filter) ORDER BY id DESC LIMIT ?", arguments: arguments).map(Self.inbound(from:))
    }
  }

  /// What reading each of `ids` changed, oldest first, in one query (`inbound_action_inbound`).
  package func inboundActions(of ids: [Int64]) throws -> [Int64: [InboundAction]] {
    guard !ids.isEmpty else { return [:] }
    return try read { db in
      let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
      var result: [Int64: [InboundAction]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT * FROM inbound_action WHERE inbound_id IN (\(marks)) ORDER BY id", arguments: StatementArguments(ids)) {
        result[row["inbound_id"], default: []].append(Self.inboundAction(from: row))
      }
      return result
    }
  }

  static func inboundAction(from row: Row) -> InboundAction {
    InboundAction(
      id: row["id"], kind: InboundAction.Kind(rawValue: row["kind"]) ?? .senderProblem, subscriber: (row["subscriber_id"] as Int64?).map { SubscriberID($0) },
      address: row["address"], list: row["list_name"], previousStatus: (row["previous_status"] as String?).flatMap(MembershipStatus.init(rawValue:)),
      detail: row["detail"], at: Date(timeIntervalSince1970: row["at"]), undoneAt: (row["undone_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
  }
}
