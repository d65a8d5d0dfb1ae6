import Foundation
import GRDB
import HeraldCore
import HeraldMail

// What the web server asks of the store: lists' public settings, subscription requests
// and confirmations, unsubscribes by link, and the releases published to the archive.
extension SubscriberStore {
  // MARK: Lists

  /// Changes a list's settings; what `change` leaves alone stays as it is.
  /// - Throws: `.notFound` for an unknown list.
  @discardableResult
  public func updateList(_ name: String, _ change: (inout MailingList) -> Void) throws -> MailingList {
    try write { db in
      var list = try Self.list(named: name, in: db)
      change(&list)
      list.name = name
      try db.execute(
        sql: """
          UPDATE list SET title = ?, description = ?, language = ?, double_opt_in = ?, public = ?, consent_text = ? WHERE id = ?
          """,
        arguments: [list.title, list.description, list.language, list.doubleOptIn, list.isPublic, list.consentText, list.id])
      return list
    }
  }

  // MARK: Subscribing on the web

  /// What a subscription request came to. The web page says the same in every case, so
  /// that nobody can learn through it who is subscribed.
  public enum SubscriptionRequest: Sendable, Equatable {
    /// A confirmation must be sent to the address (double opt-in, or fresh consent after an
    /// unsubscribe or a bounce); the membership is pending until it is confirmed.
    case confirm(SubscriberID)
    /// Subscribed at once (a single opt-in list, an address new to it).
    case subscribed(SubscriberID)
    /// Nothing to do, and no mail to send: already subscribed, a confirmation was sent
    /// within the cooldown, or the address is suppressed.
    case nothing(String)
  }

  /// Asks for a subscription from the web form: the address's membership of `list` becomes
  /// pending (and a confirmation is due) or subscribed, with the evidence in `source`.
  /// An existing subscriber's name and organisation are not changed by the form: anybody
  /// can type anybody's address.
  /// - Parameters:
  ///   - cooldown: a confirmation sent less than this long ago is not sent again.
  /// - Throws: `.invalidInput` for an address that is not one; `.notFound` for an unknown list.
  public func requestSubscription(
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
      default:
        // Double opt-in, or back after leaving or bouncing: only their own confirmation
        // brings them back.
        _ = try Self.setMembership(subscriber: id, list: list, status: .pending, source: source, at: now, importRun: nil, in: db)
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
  public enum Confirmation: Sendable, Equatable {
    /// The membership was pending and is now subscribed.
    case confirmed
    /// It was subscribed already (the link was used twice): nothing changed.
    case alreadySubscribed
    /// It is no longer pending (unsubscribed, bounced, deleted since): nothing changed.
    case notPending
  }

  /// Confirms a pending subscription (double opt-in), with the evidence in `source`.
  public func confirmSubscription(_ subscriber: SubscriberID, list: String, source: ConsentSource, at now: Date = Date()) throws -> Confirmation {
    try write { db in
      guard let list = try? Self.list(named: list, in: db) else { return .notPending }
      switch try Self.membershipStatus(subscriber: subscriber.rawValue, list: list.id, in: db) {
      case .pending?:
        _ = try Self.setMembership(subscriber: subscriber.rawValue, list: list, status: .subscribed, source: source, at: now, importRun: nil, in: db)
        try db.execute(sql: "DELETE FROM confirmation_sent WHERE subscriber_id = ? AND list_id = ?", arguments: [subscriber.rawValue, list.id])
        return .confirmed
      case .subscribed?: return .alreadySubscribed
      default: return .notPending
      }
    }
  }

  /// Unsubscribes a subscriber from `list`, or from every list when nil, by their link:
  /// memberships that are subscribed or pending become unsubscribed with `source` as the
  /// evidence; the rest (already unsubscribed, bounced, complained) stay as they are, so a
  /// second request changes nothing.
  /// - Returns: the lists that changed (empty when the request was made before, or the
  ///   subscriber or list is gone).
  @discardableResult
  public func unsubscribe(_ subscriber: SubscriberID, list: String?, source: ConsentSource, at now: Date = Date()) throws -> [String] {
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
  public func subscriber(id: SubscriberID) throws -> (Subscriber, [Membership])? {
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

  // MARK: Publications

  /// Publishes a release to the archive, or updates what is published (a corrected
  /// release): the first publication time is kept.
  public func publish(_ publication: Publication) throws {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO publication (slug, title, subject, summary, dateline, language, release_date, visible_from, published_at,
            changed_at, campaign, html, text)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(slug) DO UPDATE SET title = excluded.title, subject = excluded.subject, summary = excluded.summary,
            dateline = excluded.dateline, language = excluded.language, release_date = excluded.release_date,
            visible_from = MAX(publication.visible_from, excluded.visible_from), changed_at = excluded.changed_at,
            campaign = COALESCE(excluded.campaign, publication.campaign), html = excluded.html, text = excluded.text
          """,
        arguments: [
          publication.slug, publication.title, publication.subject, publication.summary, publication.dateline, publication.language,
          publication.releaseDate, publication.visibleFrom.timeIntervalSince1970, publication.publishedAt.timeIntervalSince1970,
          Date().timeIntervalSince1970, publication.campaign, publication.html, publication.text,
        ])
    }
  }

  /// Takes a release out of the archive.
  /// - Returns: whether it was published.
  @discardableResult
  public func withdraw(_ slug: String) throws -> Bool {
    try write { db in
      try db.execute(sql: "DELETE FROM publication WHERE slug = ?", arguments: [slug])
      return db.changesCount > 0
    }
  }

  /// Every publication, newest first (embargoed ones too: the caller decides what is visible).
  public func publications() throws -> [Publication] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM publication ORDER BY visible_from DESC, slug").map(Self.publication(from:))
    }
  }

  /// The publication of a release, or nil.
  public func publication(_ slug: String) throws -> Publication? {
    try read { db in try Row.fetchOne(db, sql: "SELECT * FROM publication WHERE slug = ?", arguments: [slug]).map(Self.publication(from:)) }
  }

  /// Changes whenever a publication is added, changed or withdrawn: a cheap question to ask
  /// often.
  public func publicationsVersion() throws -> String {
    try read { db in
      let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(MAX(changed_at), 0), COALESCE(SUM(changed_at), 0) FROM publication")!
      return "\(row[0] as Int64)/\(row[1] as Double)/\(row[2] as Double)"
    }
  }

  static func publication(from row: Row) -> Publication {
    Publication(
      slug: row["slug"], title: row["title"], subject: row["subject"], summary: row["summary"], dateline: row["dateline"],
      language: row["language"], releaseDate: row["release_date"], visibleFrom: Date(timeIntervalSince1970: row["visible_from"]),
      publishedAt: Date(timeIntervalSince1970: row["published_at"]), campaign: row["campaign"], html: row["html"], text: row["text"])
  }
}

/// A release in the archive: what its page shows, and from when.
public struct Publication: Sendable, Hashable, Codable {
  /// The release's slug, its address in the archive (/releases/SLUG).
  public var slug: String
  public var title: String
  public var subject: String
  public var summary: String?
  public var dateline: String?
  public var language: String?
  /// The release's date, YYYY-MM-DD.
  public var releaseDate: String
  /// When it appears: its publication time, or the end of its embargo when that is later.
  public var visibleFrom: Date
  /// When it was published (by herald send or herald publish).
  public var publishedAt: Date
  /// The campaign that sent it, when it was mailed.
  public var campaign: String?
  /// The body as HTML (no inline styles, nothing personal).
  public var html: String
  /// The body as text.
  public var text: String

  /// Makes a publication.
  public init(
    slug: String, title: String, subject: String, summary: String? = nil, dateline: String? = nil, language: String? = nil,
    releaseDate: String, visibleFrom: Date, publishedAt: Date, campaign: String? = nil, html: String, text: String
  ) {
    self.slug = slug
    self.title = title
    self.subject = subject
    self.summary = summary
    self.dateline = dateline
    self.language = language
    self.releaseDate = releaseDate
    self.visibleFrom = visibleFrom
    self.publishedAt = publishedAt
    self.campaign = campaign
    self.html = html
    self.text = text
  }
}
