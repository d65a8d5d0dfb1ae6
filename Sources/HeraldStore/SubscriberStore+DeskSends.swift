import Foundation
import GRDB
import HeraldCore

// The desk's sends: recorded before they write the Outbox, resumed when the desk starts.
extension SubscriberStore {
  /// Records a new send and returns it with its id.
  /// - Throws: `StoreError` `.alreadyExists` when another send already writes `send.campaign`.
  package func addDeskSend(_ send: DeskSend) throws -> DeskSend {
    try write { db in
      do {
        try db.execute(
          sql: """
            INSERT INTO desk_send (release_file, request, user_id, created_at, state, campaign, recipients, enqueued, send_at, error, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            send.releaseFile, send.request, send.userID?.rawValue, send.createdAt.timeIntervalSince1970, send.state.rawValue,
            send.campaign?.rawValue, send.recipients, send.enqueued, send.sendAt?.timeIntervalSince1970, send.error,
            send.finishedAt?.timeIntervalSince1970,
          ])
      } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
        throw StoreError(.alreadyExists, "campaign \(send.campaign?.rawValue ?? "") is already being sent from the desk; open its page instead")
      }
      var added = send
      added.id = db.lastInsertedRowID
      return added
    }
  }

  /// The send with `id`; nil when there is none.
  package func deskSend(_ id: Int64) throws -> DeskSend? {
    try read { db in try Row.fetchOne(db, sql: "SELECT * FROM desk_send WHERE id = ?", arguments: [id]).map(Self.deskSend(from:)) }
  }

  /// The send that writes `campaign`; nil when the desk did not start it.
  package func deskSend(campaign: CampaignID) throws -> DeskSend? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM desk_send WHERE campaign = ?", arguments: [campaign.rawValue]).map(Self.deskSend(from:))
    }
  }

  /// The sends in `states` (all when empty), oldest first.
  package func deskSends(in states: [DeskSend.State] = []) throws -> [DeskSend] {
    try read { db in
      let filter = states.isEmpty ? "" : "WHERE state IN (\(states.map { _ in "?" }.joined(separator: ", ")))"
      return try Row.fetchAll(db, sql: "SELECT * FROM desk_send \(filter) ORDER BY id", arguments: StatementArguments(states.map(\.rawValue)))
        .map(Self.deskSend(from:))
    }
  }

  /// Records how far a send got: its state, and what is known when it changes.
  package func updateDeskSend(
    _ id: Int64, state: DeskSend.State, campaign: CampaignID? = nil, recipients: Int? = nil, enqueued: Int? = nil, error: String? = nil,
    finishedAt: Date? = nil
  ) throws {
    try write { db in
      try db.execute(
        sql: """
          UPDATE desk_send SET state = ?, campaign = COALESCE(?, campaign), recipients = COALESCE(?, recipients),
            enqueued = COALESCE(?, enqueued), error = ?, finished_at = COALESCE(?, finished_at)
          WHERE id = ?
          """,
        arguments: [state.rawValue, campaign?.rawValue, recipients, enqueued, error, finishedAt?.timeIntervalSince1970, id])
    }
  }

  static func deskSend(from row: Row) -> DeskSend {
    DeskSend(
      id: row["id"], releaseFile: row["release_file"], request: row["request"], userID: (row["user_id"] as Int64?).map { DeskUserID(rawValue: $0) },
      createdAt: Date(timeIntervalSince1970: row["created_at"]),
      // The table's CHECK allows only these states.
      state: DeskSend.State(rawValue: row["state"]) ?? .failed, campaign: (row["campaign"] as String?).flatMap(CampaignID.init),
      recipients: row["recipients"], enqueued: row["enqueued"], sendAt: (row["send_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
      error: row["error"], finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
  }
}
