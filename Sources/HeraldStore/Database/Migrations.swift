import GRDB

/// The store's schema, as versioned migrations: opening an older database migrates it;
/// a database from a newer Herald is refused rather than misread.
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
          domain TEXT NOT NULL,
          name TEXT,
          organization TEXT,
          language TEXT,
          attributes TEXT NOT NULL DEFAULT '{}',
          created_at REAL NOT NULL
        );
        CREATE INDEX subscriber_domain ON subscriber(domain);
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
        CREATE INDEX consent_event_subscriber ON consent_event(subscriber_id, at);
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
    migrator.registerMigration("v2: consent history kept by triggers") { db in
      // Every change of a membership's status is recorded with its evidence, whoever
      // makes it: the history cannot be forgotten by a code path, and an import row costs
      // one statement less.
      try db.execute(sql: """
        CREATE TRIGGER membership_history_insert AFTER INSERT ON membership BEGIN
          INSERT INTO consent_event (subscriber_id, list_id, list_name, status, source, source_detail, at)
          VALUES (NEW.subscriber_id, NEW.list_id, (SELECT name FROM list WHERE id = NEW.list_id), NEW.status, NEW.source,
            NEW.source_detail, NEW.changed_at);
        END;
        CREATE TRIGGER membership_history_update AFTER UPDATE OF status ON membership WHEN OLD.status IS NOT NEW.status BEGIN
          INSERT INTO consent_event (subscriber_id, list_id, list_name, status, source, source_detail, at)
          VALUES (NEW.subscriber_id, NEW.list_id, (SELECT name FROM list WHERE id = NEW.list_id), NEW.status, NEW.source,
            NEW.source_detail, NEW.changed_at);
        END;
        """)
    }
    migrator.registerMigration("v3: no index on subscriber domains") { db in
      // Domain suppressions are checked against the (small) suppression table; the index
      // only slowed every insert.
      try db.execute(sql: "DROP INDEX subscriber_domain")
    }
    return migrator
  }
}
