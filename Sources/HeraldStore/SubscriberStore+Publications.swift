import Foundation
import GRDB
import HeraldCore
import HeraldMail

// The releases published to the web archive.
extension SubscriberStore {
  /// Publishes a release to the archive, or updates what is published (a corrected
  /// release): the first publication time is kept.
  package func publish(_ publication: Publication) throws {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO publication (slug, translation, title, subject, summary, dateline, language, release_date, visible_from,
            published_at, changed_at, campaign, html, text, files)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(slug, translation) DO UPDATE SET title = excluded.title, subject = excluded.subject, summary = excluded.summary,
            dateline = excluded.dateline, language = excluded.language, release_date = excluded.release_date,
            visible_from = MAX(publication.visible_from, excluded.visible_from), changed_at = excluded.changed_at,
            campaign = COALESCE(excluded.campaign, publication.campaign), html = excluded.html, text = excluded.text,
            files = excluded.files
          """,
        arguments: [
          publication.slug, publication.translationKey, publication.title, publication.subject, publication.summary, publication.dateline, publication.language,
          publication.releaseDate, publication.visibleFrom.timeIntervalSince1970, publication.publishedAt.timeIntervalSince1970,
          Date().timeIntervalSince1970, publication.campaign, publication.html, publication.text,
          String(decoding: try JSONEncoder().encode(publication.files), as: UTF8.self),
        ])
    }
  }

  /// Takes a release out of the archive, with every translation.
  /// - Returns: whether it was published.
  @discardableResult
  package func withdraw(_ slug: String) throws -> Bool {
    try write { db in
      try db.execute(sql: "DELETE FROM publication WHERE slug = ?", arguments: [slug])
      return db.changesCount > 0
    }
  }

  /// Every publication, newest first, each original before its translations (embargoed
  /// ones too: the caller decides what is visible).
  package func publications() throws -> [Publication] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM publication ORDER BY visible_from DESC, slug, translation").map(Self.publication(from:))
    }
  }

  /// The publication of a release in its first language (the original), or nil.
  package func publication(_ slug: String) throws -> Publication? {
    try publication(slug, translation: nil)
  }

  /// The publication of a release's translation into `translation` (a primary subtag), or
  /// of the original when nil.
  package func publication(_ slug: String, translation: String?) throws -> Publication? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM publication WHERE slug = ? AND translation = ?", arguments: [slug, translation ?? ""])
        .map(Self.publication(from:))
    }
  }

  /// Changes whenever a publication is added, changed or withdrawn: a cheap question to ask
  /// often.
  package func publicationsVersion() throws -> String {
    try read { db in
      let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(MAX(changed_at), 0), COALESCE(SUM(changed_at), 0) FROM publication")!
      return "\(row[0] as Int64)/\(row[1] as Double)/\(row[2] as Double)"
    }
  }

  static func publication(from row: Row) -> Publication {
    Publication(
      slug: row["slug"], title: row["title"], subject: row["subject"], summary: row["summary"], dateline: row["dateline"],
      language: row["language"], releaseDate: row["release_date"], visibleFrom: Date(timeIntervalSince1970: row["visible_from"]),
      publishedAt: Date(timeIntervalSince1970: row["published_at"]), campaign: row["campaign"], html: row["html"], text: row["text"],
      // Written by publish(_:) from [PressKitFile]; a row it cannot read shows no files.
      files: (try? JSONDecoder().decode([PressKitFile].self, from: Data((row["files"] as String? ?? "[]").utf8))) ?? [],
      translation: (row["translation"] as String? ?? "") != "")
  }
}

/// A release in the archive: what its page shows, and from when.
package struct Publication: Sendable, Hashable, Codable {
  /// The release's slug, its address in the archive (/releases/SLUG).
  package var slug: String
  package var title: String
  package var subject: String
  package var summary: String?
  package var dateline: String?
  package var language: String?
  /// The release's date, YYYY-MM-DD.
  package var releaseDate: String
  /// When it appears: its publication time, or the end of its embargo when that is later.
  package var visibleFrom: Date
  /// When it was published (by herald send or herald publish).
  package var publishedAt: Date
  /// The campaign that sent it, when it was mailed.
  package var campaign: String?
  /// The body as HTML (no inline styles, nothing personal).
  package var html: String
  /// The body as text.
  package var text: String
  /// The files published with it (photos, their renditions, documents), kept in Media/.
  package var files: [PressKitFile]
  /// Whether it is a translation (at /LANG/releases/SLUG), not the original in the
  /// release's first language (at /releases/SLUG).
  package var translation: Bool = false

  /// The store's key beside the slug: "" for the original, the language for a translation.
  var translationKey: String { translation ? (language ?? "") : "" }

  /// Makes a publication.
  package init(
    slug: String, title: String, subject: String, summary: String? = nil, dateline: String? = nil, language: String? = nil,
    releaseDate: String, visibleFrom: Date, publishedAt: Date, campaign: String? = nil, html: String, text: String,
    files: [PressKitFile] = [], translation: Bool = false
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
    self.files = files
    self.translation = translation
  }
}
