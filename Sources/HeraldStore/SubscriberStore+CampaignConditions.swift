import Foundation
import GRDB
import HeraldCore

extension SubscriberStore {
  /// Records the conditions a campaign's recipients met (`herald send --where`), before its
  /// first message is written. A campaign without conditions records nothing.
  /// - Throws: `StoreError` `.database`.
  package func recordConditions(_ conditions: [SubscriberCondition], of campaign: CampaignID, at time: Date = Date()) throws {
    guard !conditions.isEmpty else { return }
    let json = String(decoding: try JSONEncoder().encode(conditions), as: UTF8.self)
    try write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO campaign_condition (campaign, conditions, at) VALUES (?, ?, ?)",
        arguments: [campaign.rawValue, json, time.timeIntervalSince1970])
    }
  }

  /// The conditions a campaign's recipients met; empty when it went to whole lists.
  /// - Throws: `StoreError` `.database`, or when the record cannot be read.
  package func conditions(ofCampaign campaign: CampaignID) throws -> [SubscriberCondition] {
    guard let json = try read({ db in
      try String.fetchOne(db, sql: "SELECT conditions FROM campaign_condition WHERE campaign = ?", arguments: [campaign.rawValue])
    }) else { return [] }
    do {
      return try JSONDecoder().decode([SubscriberCondition].self, from: Data(json.utf8))
    } catch {
      throw StoreError(.database, "the conditions recorded for campaign \(campaign) cannot be read (\(json)): \(error)")
    }
  }
}
