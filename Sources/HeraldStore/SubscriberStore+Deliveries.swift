import Foundation
import GRDB
import HeraldCore
import HeraldMail

extension SubscriberStore {
  /// One delivery attempt, as the log keeps it.
  package struct Delivery: Sendable, Codable, Hashable {
    /// The campaign it belonged to.
    package var campaign: CampaignID
    /// What counts as received: the release, or a correction of it (`CampaignID.releaseKey`).
    package var release: String
    /// The list it went through.
    package var list: String?
    /// The language of the translation it was in; nil for a release without translations.
    package var language: String?
    /// What the attempt came to.
    package var outcome: DeliveryOutcome
    /// The relay's reply line, or why there was none.
    package var reply: String
    /// When it ended.
    package var at: Date

    /// Makes an attempt to record; `release` is the campaign's release key.
    package init(campaign: CampaignID, list: String?, language: String? = nil, outcome: DeliveryOutcome, reply: String, at: Date = Date()) {
      self.campaign = campaign
      self.release = campaign.releaseKey
      self.list = list
      self.language = language
      self.outcome = outcome
      self.reply = reply
      self.at = at
    }
  }

  /// An attempt to record, with the subscriber it was for.
  package struct DeliveryRecord: Sendable, Hashable {
    package var subscriber: SubscriberID
    package var delivery: Delivery

    /// Makes a record.
    package init(
      subscriber: SubscriberID, campaign: CampaignID, list: String?, language: String? = nil, outcome: DeliveryOutcome, reply: String,
      at: Date = Date()
    ) {
      self.subscriber = subscriber
      delivery = Delivery(campaign: campaign, list: list, language: language, outcome: outcome, reply: reply, at: at)
    }
  }

  /// Records many attempts in one transaction (a campaign logs thousands a second);
  /// subscribers forgotten meanwhile are skipped.
  ///
  /// The rows go 64 to a statement, through SQLite's C API (`RawStatement`): with a
  /// statement per row through GRDB, SQLite's cost per statement and GRDB's argument arrays
  /// were most of the log's time.
  package func recordDeliveries(_ records: [DeliveryRecord]) throws {
    guard !records.isEmpty else { return }
    try write { db in
      var statements: [Int: RawStatement] = [:]
      var values: [SQLValue] = []
      values.reserveCapacity(Self.deliveryRowsPerStatement * 9)
      var start = records.startIndex
      while start < records.endIndex {
        let rows = records[start..<min(start + Self.deliveryRowsPerStatement, records.endIndex)]
        start = rows.endIndex
        let statement: RawStatement
        if let prepared = statements[rows.count] {
          statement = prepared
        } else {
          let placeholders = repeatElement("(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
          statement = try RawStatement("""
            INSERT INTO delivery (subscriber_id, release, campaign, list_name, outcome, reply, at, language, reason)
            SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9 FROM (VALUES \(placeholders))
            WHERE EXISTS (SELECT 1 FROM subscriber WHERE id = column1)
            """, in: db)
          statements[rows.count] = statement
        }
        values.removeAll(keepingCapacity: true)
        for record in rows {
          let delivery = record.delivery
          values += [
            .integer(record.subscriber.rawValue), .text(delivery.release), .text(delivery.campaign.rawValue), .text(delivery.list),
            .text(delivery.outcome.rawValue), .text(delivery.reply), .real(delivery.at.timeIntervalSince1970), .text(delivery.language),
            // Why it did not arrive (yet), classified once here for the reports' tallies.
            .text(delivery.outcome == .sent ? nil : BounceReason.classify(text: delivery.reply).rawValue),
          ]
        }
        try statement.execute(values) { _ in }
      }
    }
  }

  /// Rows of the delivery log written by one statement.
  static let deliveryRowsPerStatement = 64

  /// A subscriber's deliveries, newest first.
  package func deliveries(email: String, limit: Int = 50) throws -> [Delivery] {
    let address = try Self.normalizedAddress(email)
    return try read { db in
      try Row.fetchAll(db, sql: """
        SELECT campaign, list_name, outcome, reply, at FROM delivery
        WHERE subscriber_id = (SELECT id FROM subscriber WHERE email_key = ?) ORDER BY at DESC, id DESC LIMIT ?
        """, arguments: [EmailAddress.key(address), limit]).compactMap { row in
        guard let campaign = CampaignID(row[0] as String), let outcome = DeliveryOutcome(rawValue: row[2]) else { return nil }
        return Delivery(campaign: campaign, list: row[1], outcome: outcome, reply: row[3], at: Date(timeIntervalSince1970: row[4]))
      }
    }
  }

  /// The most recent campaign of `release` (any release when nil) the delivery log has for
  /// a subscriber.
  package func lastCampaign(subscriber: SubscriberID, release: String?) throws -> String? {
    try read { db in
      if let release {
        return try String.fetchOne(db, sql: "SELECT campaign FROM delivery WHERE subscriber_id = ? AND release = ? ORDER BY at DESC, id DESC LIMIT 1",
          arguments: [subscriber.rawValue, release])
      }
      return try String.fetchOne(db, sql: "SELECT campaign FROM delivery WHERE subscriber_id = ? ORDER BY at DESC, id DESC LIMIT 1",
        arguments: [subscriber.rawValue])
    }
  }

  /// The lists a campaign reached its recipients through, by name, as the delivery log
  /// has them (what a correction of it goes through).
  package func lists(ofCampaign campaign: String) throws -> [String] {
    try read { db in
      try String.fetchAll(
        db, sql: "SELECT DISTINCT list_name FROM delivery WHERE campaign = ? AND list_name IS NOT NULL ORDER BY list_name",
        arguments: [campaign])
    }
  }
}

extension SubscriberStore {
  /// The releases that reached someone, by slug: how many subscribers' last attempt the relay
  /// accepted, and the hour of the last attempt (the desk's releases page). Read from the
  /// report's tallies (`ReportTallies`), kept as deliveries are recorded: the page never
  /// scans the delivery log.
  package func sentReleases() throws -> [String: (count: Int, last: Date)] {
    try read { db in
      var last: [String: Date] = [:]
      for row in try Row.fetchAll(db, sql: """
        SELECT release, MAX(CAST(key AS INTEGER)) FROM report_tally WHERE figure = 'hour' AND campaign = '' GROUP BY release
        """) {
        last[row[0]] = Date(timeIntervalSince1970: TimeInterval(row[1] as Int64) * 3600)
      }
      var sent: [String: (count: Int, last: Date)] = [:]
      for row in try Row.fetchAll(db, sql: """
        SELECT release, count FROM report_tally WHERE figure = 'outcome' AND campaign = '' AND detail = 'sent' AND count > 0
        """) {
        let release: String = row[0]
        sent[release] = (count: row[1], last: last[release] ?? .distantPast)
      }
      return sent
    }
  }
}

extension SubscriberStore {
  /// The campaigns of a release (its slug; not its corrections) that reached someone,
  /// newest first: what a correction of it may correct.
  package func campaigns(ofRelease slug: String) throws -> [CampaignID] {
    try read { db in
      try String.fetchAll(
        db, sql: "SELECT DISTINCT campaign FROM delivery WHERE release = ? AND outcome = 'sent' ORDER BY at DESC", arguments: [slug]
      ).compactMap(CampaignID.init)
    }
  }
}
