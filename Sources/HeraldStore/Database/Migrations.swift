import GRDB

/// The store's schema, as versioned migrations: opening an older database migrates it;
/// a database from a newer Herald is refused rather than misread. (Before the first
/// release the schema is one migration; from then on, changes are new migrations.)
enum Migrations {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: lists, subscribers, memberships, consent, suppression") { db in
      try db.execute(sql: """
        CREATE TABLE list (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          language TEXT,
          double_opt_in INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL
        );
        CREATE TABLE subscriber (
          id INTEGER PRIMARY KEY,
          email TEXT NOT NULL,
          -- The address lowercased: addresses are unique compared without case.
          email_key TEXT NOT NULL UNIQUE,
          -- For domain suppressions (checked against the small suppression table: no index).
          domain TEXT NOT NULL,
          name TEXT,
          organization TEXT,
          language TEXT,
          attributes TEXT NOT NULL DEFAULT '{}',
          created_at REAL NOT NULL
        );
        CREATE TABLE membership (
          subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
          list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,
          status TEXT NOT NULL CHECK (status IN ('pending', 'subscribed', 'unsubscribed', 'bounced', 'complained')),
          -- The evidence for the current status: where it came from and when.
          source TEXT NOT NULL,
          source_detail TEXT NOT NULL,
          changed_at REAL NOT NULL,
          -- The import that last touched the row: a second row for the same address in
          -- one file is a duplicate, found without holding the file's addresses in memory.
          import_run INTEGER,
          PRIMARY KEY (subscriber_id, list_id)
        ) WITHOUT ROWID;
        CREATE INDEX membership_list ON membership(list_id, status, subscriber_id);
        -- The consent history: every earlier state of a membership with its evidence.
        -- The current state is the membership row itself.
        CREATE TABLE consent_event (
          id INTEGER PRIMARY KEY,
          subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
          list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,
          list_name TEXT,
          status TEXT NOT NULL,
          source TEXT NOT NULL,
          source_detail TEXT NOT NULL,
          at REAL NOT NULL
        );
        CREATE INDEX consent_event_subscriber ON consent_event(subscriber_id);
        -- Whatever code changes a status, the state it replaces is kept: the history cannot
        -- be lost by a forgotten code path. (New memberships need no event: their evidence
        -- is the row, which keeps imports at one insert per member.)
        CREATE TRIGGER membership_history AFTER UPDATE OF status ON membership
        WHEN OLD.status IS NOT NEW.status BEGIN
          INSERT INTO consent_event (subscriber_id, list_id, list_name, status, source, source_detail, at)
          VALUES (OLD.subscriber_id, OLD.list_id, (SELECT name FROM list WHERE id = OLD.list_id), OLD.status, OLD.source,
            OLD.source_detail, OLD.changed_at);
        END;
        CREATE TABLE suppression (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('address', 'domain', 'hashed')),
          value TEXT NOT NULL,
          reason TEXT NOT NULL,
          created_at REAL NOT NULL,
          UNIQUE (kind, value)
        );
        CREATE TABLE import_run (
          id INTEGER PRIMARY KEY,
          list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,
          file TEXT NOT NULL,
          at REAL NOT NULL
        );
        """)
    }
    migrator.registerMigration("v2: delivery log") { db in
      try db.execute(sql: """
        -- Every attempt to deliver a release to a subscriber, with the relay's reply.
        CREATE TABLE delivery (
          id INTEGER PRIMARY KEY,
          subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
          release TEXT NOT NULL,
          campaign TEXT NOT NULL,
          list_name TEXT,
          outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'deferred', 'failed')),
          reply TEXT NOT NULL,
          at REAL NOT NULL
        );
        CREATE INDEX delivery_subscriber ON delivery(subscriber_id, at);
        CREATE INDEX delivery_release ON delivery(release, outcome, subscriber_id);
        """)
    }
    migrator.registerMigration("v3: campaign recipients") { db in
      // A correction goes to the recipients of one campaign.
      try db.execute(sql: "CREATE INDEX delivery_campaign ON delivery(campaign, outcome, subscriber_id)")
    }
    return migrator
  }
}
