import Foundation
import GRDB
import HeraldMail

/// The figures of the reports, kept as the rows they count are written rather than counted
/// from the delivery log on every request (a 20,000-recipient campaign is 20,000+ rows).
///
/// SQLite triggers keep them, so they change in the same transaction as the rows, whoever
/// writes them (a campaign's log, the inbox, forgetting a subscriber):
/// - `report_last` holds each subscriber's last attempt per release (`campaign` '') and per
///   campaign: a new attempt replaces it, and its figures move from the old outcome to the
///   new one ("each subscriber's last attempt decides": deferred then sent counts once, as sent).
/// - `report_tally` holds the counts, per release (`campaign` '') or campaign, by `figure`:
///   `outcome` (detail = outcome), `language` (key = language), `domain` (key = receiving
///   domain), `reason` (key = `BounceReason`, detail = failed/deferred), `domain-reason`
///   (deferrals per domain, detail = reason), `hour` (attempts per hour since 1970, every
///   attempt counted at its hour), `inbound` (received mail about the release by class) and
///   `inbound-bounce` (bounces received, by reason).
/// - `report_last_figures` is the one definition of which tallies a last attempt counts in:
///   the trigger, forgetting and the backfill all read it.
enum ReportTallies {
  /// Creates the tallies and fills them from the rows already there.
  static func create(in db: Database) throws {
    try db.execute(sql: schema)
    try fill(in: db)
  }

  /// Fills the tallies from the rows there: classifies the reasons of the attempts and
  /// bounces recorded before there was a column for them, then counts every subscriber's
  /// last attempt, the attempts per hour and the received mail.
  static func fill(in db: Database) throws {
    // The reasons of attempts and bounces already recorded, classified once as new ones are.
    let replies = try Row.fetchAll(db, sql: "SELECT id, reply FROM delivery WHERE outcome <> 'sent'")
    let setReason = try db.makeStatement(sql: "UPDATE delivery SET reason = ? WHERE id = ?")
    for row in replies {
      try setReason.execute(arguments: [BounceReason.classify(text: row[1]).rawValue, row[0] as Int64])
    }
    let bounces = try Row.fetchAll(db, sql: "SELECT id, details FROM inbound WHERE class = 'bounce'")
    let setBounceReason = try db.makeStatement(sql: "UPDATE inbound SET bounce_reason = ? WHERE id = ?")
    for row in bounces {
      try setBounceReason.execute(arguments: [SubscriberStore.bounceReason(details: row[1]).rawValue, row[0] as Int64])
    }
    try db.execute(sql: backfill)
  }

  static let schema = """
    ALTER TABLE delivery ADD COLUMN reason TEXT;
    ALTER TABLE inbound ADD COLUMN bounce_reason TEXT;
    CREATE TABLE report_last (
      release TEXT NOT NULL,
      campaign TEXT NOT NULL,
      subscriber_id INTEGER NOT NULL,
      outcome TEXT NOT NULL,
      language TEXT,
      domain TEXT NOT NULL,
      reason TEXT,
      PRIMARY KEY (release, campaign, subscriber_id)
    ) WITHOUT ROWID;
    CREATE INDEX report_last_subscriber ON report_last(subscriber_id);
    CREATE TABLE report_tally (
      release TEXT NOT NULL,
      campaign TEXT NOT NULL,
      figure TEXT NOT NULL,
      key TEXT NOT NULL,
      detail TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (release, campaign, figure, key, detail)
    ) WITHOUT ROWID;
    CREATE INDEX report_tally_figure ON report_tally(figure, campaign);
    CREATE VIEW report_last_figures AS
      SELECT release, campaign, subscriber_id, 'outcome' AS figure, '' AS key, outcome AS detail FROM report_last
      UNION ALL SELECT release, campaign, subscriber_id, 'language', language, outcome FROM report_last WHERE language IS NOT NULL
      UNION ALL SELECT release, campaign, subscriber_id, 'domain', domain, outcome FROM report_last
      UNION ALL SELECT release, campaign, subscriber_id, 'reason', reason, outcome FROM report_last WHERE outcome <> 'sent' AND reason IS NOT NULL
      UNION ALL SELECT release, campaign, subscriber_id, 'domain-reason', domain, reason FROM report_last WHERE outcome = 'deferred' AND reason IS NOT NULL;
    -- The increments below count what report_last_figures counts for the new last attempt,
    -- written out from NEW: an INSERT from the view in the trigger was 20 times slower.
    CREATE TRIGGER report_delivery AFTER INSERT ON delivery BEGIN
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        VALUES (NEW.release, '', 'hour', CAST(CAST(NEW.at / 3600 AS INTEGER) AS TEXT), NEW.outcome, 1),
          (NEW.release, NEW.campaign, 'hour', CAST(CAST(NEW.at / 3600 AS INTEGER) AS TEXT), NEW.outcome, 1)
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
      UPDATE report_tally SET count = count - 1 WHERE (release, campaign, figure, key, detail) IN (
        SELECT release, campaign, figure, key, detail FROM report_last_figures
        WHERE release = NEW.release AND campaign IN ('', NEW.campaign) AND subscriber_id = NEW.subscriber_id);
      INSERT INTO report_last (release, campaign, subscriber_id, outcome, language, domain, reason)
        SELECT NEW.release, '', NEW.subscriber_id, NEW.outcome, NEW.language, s.domain, NEW.reason FROM subscriber s WHERE s.id = NEW.subscriber_id
        UNION ALL SELECT NEW.release, NEW.campaign, NEW.subscriber_id, NEW.outcome, NEW.language, s.domain, NEW.reason FROM subscriber s WHERE s.id = NEW.subscriber_id
        ON CONFLICT (release, campaign, subscriber_id) DO UPDATE
          SET outcome = excluded.outcome, language = excluded.language, domain = excluded.domain, reason = excluded.reason;
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        VALUES (NEW.release, '', 'outcome', '', NEW.outcome, 1), (NEW.release, NEW.campaign, 'outcome', '', NEW.outcome, 1)
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        SELECT NEW.release, '', 'domain', s.domain, NEW.outcome, 1 FROM subscriber s WHERE s.id = NEW.subscriber_id
        UNION ALL SELECT NEW.release, NEW.campaign, 'domain', s.domain, NEW.outcome, 1 FROM subscriber s WHERE s.id = NEW.subscriber_id
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        SELECT NEW.release, '', 'language', NEW.language, NEW.outcome, 1 WHERE NEW.language IS NOT NULL
        UNION ALL SELECT NEW.release, NEW.campaign, 'language', NEW.language, NEW.outcome, 1 WHERE NEW.language IS NOT NULL
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        SELECT NEW.release, '', 'reason', NEW.reason, NEW.outcome, 1 WHERE NEW.outcome <> 'sent' AND NEW.reason IS NOT NULL
        UNION ALL SELECT NEW.release, NEW.campaign, 'reason', NEW.reason, NEW.outcome, 1 WHERE NEW.outcome <> 'sent' AND NEW.reason IS NOT NULL
        UNION ALL SELECT NEW.release, '', 'domain-reason', s.domain, NEW.reason, 1 FROM subscriber s
          WHERE s.id = NEW.subscriber_id AND NEW.outcome = 'deferred' AND NEW.reason IS NOT NULL
        UNION ALL SELECT NEW.release, NEW.campaign, 'domain-reason', s.domain, NEW.reason, 1 FROM subscriber s
          WHERE s.id = NEW.subscriber_id AND NEW.outcome = 'deferred' AND NEW.reason IS NOT NULL
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
    END;
    CREATE TRIGGER report_forget BEFORE DELETE ON subscriber BEGIN
      UPDATE report_tally SET count = count - 1 WHERE (release, campaign, figure, key, detail) IN (
        SELECT release, campaign, figure, key, detail FROM report_last_figures WHERE subscriber_id = OLD.id);
      DELETE FROM report_last WHERE subscriber_id = OLD.id;
    END;
    CREATE TRIGGER report_inbound_insert AFTER INSERT ON inbound WHEN NEW.release IS NOT NULL BEGIN
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        SELECT NEW.release, '', 'inbound', NEW.class, '', 1 WHERE true
        UNION ALL SELECT NEW.release, '', 'inbound-bounce', coalesce(NEW.bounce_reason, 'other'), '', 1 WHERE NEW.class = 'bounce'
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
    END;
    CREATE TRIGGER report_inbound_delete AFTER DELETE ON inbound WHEN OLD.release IS NOT NULL BEGIN
      UPDATE report_tally SET count = count - 1 WHERE release = OLD.release AND campaign = '' AND detail = ''
        AND ((figure = 'inbound' AND key = OLD.class) OR (OLD.class = 'bounce' AND figure = 'inbound-bounce' AND key = coalesce(OLD.bounce_reason, 'other')));
    END;
    CREATE TRIGGER report_inbound_update AFTER UPDATE OF class, release, bounce_reason ON inbound BEGIN
      UPDATE report_tally SET count = count - 1 WHERE OLD.release IS NOT NULL AND release = OLD.release AND campaign = '' AND detail = ''
        AND ((figure = 'inbound' AND key = OLD.class) OR (OLD.class = 'bounce' AND figure = 'inbound-bounce' AND key = coalesce(OLD.bounce_reason, 'other')));
      INSERT INTO report_tally (release, campaign, figure, key, detail, count)
        SELECT NEW.release, '', 'inbound', NEW.class, '', 1 WHERE NEW.release IS NOT NULL
        UNION ALL SELECT NEW.release, '', 'inbound-bounce', coalesce(NEW.bounce_reason, 'other'), '', 1 WHERE NEW.release IS NOT NULL AND NEW.class = 'bounce'
        ON CONFLICT (release, campaign, figure, key, detail) DO UPDATE SET count = count + 1;
    END;
    """

  /// The same figures from the rows already recorded (triggers only see rows written after).
  static let backfill = """
    DELETE FROM report_last;
    DELETE FROM report_tally;
    INSERT INTO report_last (release, campaign, subscriber_id, outcome, language, domain, reason)
      SELECT d.release, scope.campaign, d.subscriber_id, d.outcome, d.language, s.domain, d.reason
      FROM (SELECT '' AS campaign, MAX(id) AS last FROM delivery GROUP BY release, subscriber_id
            UNION ALL SELECT campaign, MAX(id) FROM delivery GROUP BY campaign, subscriber_id) scope
      JOIN delivery d ON d.id = scope.last JOIN subscriber s ON s.id = d.subscriber_id;
    INSERT INTO report_tally (release, campaign, figure, key, detail, count)
      SELECT release, campaign, figure, key, detail, COUNT(*) FROM report_last_figures GROUP BY release, campaign, figure, key, detail;
    INSERT INTO report_tally (release, campaign, figure, key, detail, count)
      SELECT release, scope, 'hour', CAST(CAST(at / 3600 AS INTEGER) AS TEXT) AS hour, outcome, COUNT(*)
      FROM (SELECT release, '' AS scope, at, outcome FROM delivery UNION ALL SELECT release, campaign, at, outcome FROM delivery)
      GROUP BY release, scope, hour, outcome;
    INSERT INTO report_tally (release, campaign, figure, key, detail, count)
      SELECT release, '', 'inbound', class, '', COUNT(*) FROM inbound WHERE release IS NOT NULL GROUP BY release, class;
    INSERT INTO report_tally (release, campaign, figure, key, detail, count)
      SELECT release, '', 'inbound-bounce', coalesce(bounce_reason, 'other') AS reason, '', COUNT(*) FROM inbound
      WHERE release IS NOT NULL AND class = 'bounce' GROUP BY release, reason;
    """
}
