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
    migrator.registerMigration("v4: inbox, inquiries") { db in
      try db.execute(sql: """
        -- Every message the inbox read, once: by Message-ID, or by a digest of its bytes.
        CREATE TABLE inbound (
          id INTEGER PRIMARY KEY,
          message_id TEXT,
          digest TEXT NOT NULL UNIQUE,
          received_at REAL NOT NULL,
          imported_at REAL NOT NULL,
          origin TEXT NOT NULL,
          from_address TEXT,
          from_name TEXT,
          subject TEXT,
          class TEXT NOT NULL CHECK (class IN ('bounce', 'complaint', 'auto-reply', 'unsubscribe', 'inquiry', 'unreadable')),
          reason TEXT NOT NULL,
          release TEXT,
          subscriber_id INTEGER REFERENCES subscriber(id) ON DELETE SET NULL,
          raw_file TEXT NOT NULL,
          details TEXT
        );
        CREATE UNIQUE INDEX inbound_message_id ON inbound(message_id) WHERE message_id IS NOT NULL;
        CREATE INDEX inbound_class ON inbound(class, received_at);
        -- What reading a message changed, so that a reclassification can undo it.
        CREATE TABLE inbound_action (
          id INTEGER PRIMARY KEY,
          inbound_id INTEGER NOT NULL REFERENCES inbound(id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          subscriber_id INTEGER REFERENCES subscriber(id) ON DELETE SET NULL,
          address TEXT,
          list_name TEXT,
          previous_status TEXT,
          detail TEXT NOT NULL DEFAULT '',
          at REAL NOT NULL,
          undone_at REAL
        );
        CREATE INDEX inbound_action_inbound ON inbound_action(inbound_id);
        -- A temporary failure per subscriber and campaign: enough of them in a row bounce.
        CREATE TABLE soft_bounce (
          subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
          campaign TEXT NOT NULL,
          inbound_id INTEGER REFERENCES inbound(id) ON DELETE SET NULL,
          at REAL NOT NULL,
          PRIMARY KEY (subscriber_id, campaign)
        ) WITHOUT ROWID;
        CREATE TABLE inquiry (
          id INTEGER PRIMARY KEY,
          subscriber_id INTEGER REFERENCES subscriber(id) ON DELETE SET NULL,
          from_address TEXT NOT NULL,
          from_name TEXT,
          organization TEXT,
          subject TEXT NOT NULL,
          release TEXT,
          status TEXT NOT NULL CHECK (status IN ('new', 'open', 'waiting', 'answered', 'closed')),
          assignee TEXT,
          due_at REAL,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          first_answer_at REAL
        );
        CREATE INDEX inquiry_status ON inquiry(status, created_at);
        CREATE INDEX inquiry_release ON inquiry(release);
        -- An inquiry's thread: messages in, replies out, notes, changes.
        CREATE TABLE inquiry_entry (
          id INTEGER PRIMARY KEY,
          inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('message', 'reply', 'note', 'status', 'assign')),
          inbound_id INTEGER REFERENCES inbound(id) ON DELETE SET NULL,
          message_id TEXT,
          author TEXT,
          text TEXT NOT NULL,
          attachments TEXT NOT NULL DEFAULT '[]',
          at REAL NOT NULL
        );
        CREATE INDEX inquiry_entry_inquiry ON inquiry_entry(inquiry_id, at);
        CREATE INDEX inquiry_entry_message_id ON inquiry_entry(message_id) WHERE message_id IS NOT NULL;
        -- Where fetching left off in each IMAP mailbox.
        CREATE TABLE mailbox_state (
          mailbox TEXT PRIMARY KEY,
          uid_validity INTEGER NOT NULL,
          last_uid INTEGER NOT NULL,
          updated_at REAL NOT NULL
        );
        """)
    }
    migrator.registerMigration("v5: web: public lists, publications, confirmations") { db in
      try db.execute(sql: """
        -- A public list has a subscription form on the web, which shows its consent text.
        ALTER TABLE list ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE list ADD COLUMN consent_text TEXT NOT NULL DEFAULT '';
        -- A release published to the archive: its content as the page shows it (nothing
        -- personal), visible from its publication time (its embargo, when later).
        CREATE TABLE publication (
          slug TEXT PRIMARY KEY,
          title TEXT NOT NULL,
          subject TEXT NOT NULL,
          summary TEXT,
          dateline TEXT,
          language TEXT,
          release_date TEXT NOT NULL,
          visible_from REAL NOT NULL,
          published_at REAL NOT NULL,
          changed_at REAL NOT NULL,
          campaign TEXT,
          html TEXT NOT NULL,
          text TEXT NOT NULL
        );
        -- When a confirmation was last sent for a membership: a second request soon after
        -- sends none.
        CREATE TABLE confirmation_sent (
          subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
          list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,
          sent_at REAL NOT NULL,
          PRIMARY KEY (subscriber_id, list_id)
        );
        """)
    }
    migrator.registerMigration("v6: ids never reused; subscription requests in the consent history") { db in
      // Subscriber ids are signed into every unsubscribe and confirmation link, and inquiry
      // ids are what the press office types to answer one: an id that came back after its
      // row was deleted (SQLite reuses the largest rowid when its row is gone) would send an
      // old link or answer to another person. AUTOINCREMENT never gives an id twice. A
      // column's AUTOINCREMENT cannot be added in place: each table is rebuilt (SQLite's
      // twelve steps, https://sqlite.org/lang_altertable.html#otheralter) keeping every id;
      // the migrator runs this with foreign keys off and checks them all before it commits
      // (PRAGMA foreign_key_check), so every reference to an id stays as it was.
      try db.execute(sql: """
        CREATE TABLE new_subscriber (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
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
        INSERT INTO new_subscriber (id, email, email_key, domain, name, organization, language, attributes, created_at)
          SELECT id, email, email_key, domain, name, organization, language, attributes, created_at FROM subscriber;
        DROP TABLE subscriber;
        ALTER TABLE new_subscriber RENAME TO subscriber;
        CREATE TABLE new_inquiry (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          subscriber_id INTEGER REFERENCES subscriber(id) ON DELETE SET NULL,
          from_address TEXT NOT NULL,
          from_name TEXT,
          organization TEXT,
          subject TEXT NOT NULL,
          release TEXT,
          status TEXT NOT NULL CHECK (status IN ('new', 'open', 'waiting', 'answered', 'closed')),
          assignee TEXT,
          due_at REAL,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          first_answer_at REAL
        );
        INSERT INTO new_inquiry SELECT id, subscriber_id, from_address, from_name, organization, subject, release, status, assignee, due_at,
          created_at, updated_at, first_answer_at FROM inquiry;
        DROP TABLE inquiry;
        ALTER TABLE new_inquiry RENAME TO inquiry;
        CREATE INDEX inquiry_status ON inquiry(status, created_at);
        CREATE INDEX inquiry_release ON inquiry(release);
        -- A request that changed no state (the form for an address that had left: only
        -- the confirmation it sends brings them back) is kept in the history too.
        ALTER TABLE consent_event ADD COLUMN kind TEXT NOT NULL DEFAULT 'state' CHECK (kind IN ('state', 'request'));
        """)
      // Inserting the rows with their ids set each table's sequence to its largest id; an
      // empty table starts at 1 either way.
    }
    migrator.registerMigration("v7: lists that take embargoed copies") { db in
      try db.execute(sql: """
        -- Members of such a list (vetted journalists) get a release under embargo before it
        -- lifts, marked; everyone else at the lift.
        ALTER TABLE list ADD COLUMN embargoed_copies INTEGER NOT NULL DEFAULT 0;
        """)
    }
    migrator.registerMigration("segments: the conditions a campaign's recipients met (send --where)") { db in
      // A send to part of a list (--where beat=energy) keeps its conditions, so that a
      // report, and a correction, can say whom the campaign was for.
      try db.execute(sql: """
        CREATE TABLE campaign_condition (
          campaign TEXT PRIMARY KEY,
          -- JSON: [{"field": "beat", "operator": "=", "value": "energy"}, …]
          conditions TEXT NOT NULL,
          at REAL NOT NULL
        );
        """)
    }
    migrator.registerMigration("press kit: the files published with a release") { db in
      try db.execute(sql: """
        -- JSON: [PressKitFile] (name, kind, media type, size, SHA-256 digest…); the bytes are
        -- in the workspace's Media/ folder by digest.
        ALTER TABLE publication ADD COLUMN files TEXT NOT NULL DEFAULT '[]';
        """)
    }
    migrator.registerMigration("languages: the language each recipient was sent; a publication per translation") { db in
      try db.execute(sql: """
        -- The language of the translation a recipient was sent (a primary subtag, "ru");
        -- NULL for rows written before translations.
        ALTER TABLE delivery ADD COLUMN language TEXT;
        -- A release is published once per language: the original (translation = '') at
        -- /releases/SLUG, each translation (translation = its language) at /LANG/releases/SLUG.
        -- SQLite cannot change a primary key: the table is made again, its rows kept as originals.
        CREATE TABLE publication_by_language (
          slug TEXT NOT NULL,
          translation TEXT NOT NULL DEFAULT '',
          title TEXT NOT NULL,
          subject TEXT NOT NULL,
          summary TEXT,
          dateline TEXT,
          language TEXT,
          release_date TEXT NOT NULL,
          visible_from REAL NOT NULL,
          published_at REAL NOT NULL,
          changed_at REAL NOT NULL,
          campaign TEXT,
          html TEXT NOT NULL,
          text TEXT NOT NULL,
          files TEXT NOT NULL DEFAULT '[]',
          PRIMARY KEY (slug, translation)
        );
        INSERT INTO publication_by_language (slug, translation, title, subject, summary, dateline, language, release_date,
          visible_from, published_at, changed_at, campaign, html, text, files)
        SELECT slug, '', title, subject, summary, dateline, language, release_date, visible_from, published_at, changed_at,
          campaign, html, text, files FROM publication;
        DROP TABLE publication;
        ALTER TABLE publication_by_language RENAME TO publication;
        """)
    }
    migrator.registerMigration("desk: users, sessions and sign-in attempts") { db in
      try db.execute(sql: """
        -- The people who sign in to the desk. AUTOINCREMENT: a removed user's number is never
        -- given to someone else (sessions, assignments and the audit name users by it).
        CREATE TABLE desk_user (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          email TEXT NOT NULL,
          -- The address lowercased: one account per address, compared without case.
          email_key TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'sender', 'admin')),
          -- bcrypt ("$2b$12$…"): the password itself is never stored.
          password_hash TEXT NOT NULL,
          -- A password Herald made up (users add, users passwd without one) is changed at first sign-in.
          must_change_password INTEGER NOT NULL DEFAULT 0,
          disabled INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL,
          password_changed_at REAL NOT NULL
        );
        -- A signed-in browser. The id is the SHA-256 of the cookie's token (hex): the store never
        -- holds a token that would sign anyone in.
        CREATE TABLE desk_session (
          id TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES desk_user(id) ON DELETE CASCADE,
          -- The token that a form of this session carries (CSRF), random, compared in constant time.
          form_token TEXT NOT NULL,
          created_at REAL NOT NULL,
          last_seen_at REAL NOT NULL,
          ip TEXT NOT NULL,
          user_agent TEXT NOT NULL,
          revoked INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX desk_session_user ON desk_session(user_id);
        -- Every sign-in, kept for the record and for throttling (per account and per address).
        CREATE TABLE desk_signin_attempt (
          id INTEGER PRIMARY KEY,
          email_key TEXT NOT NULL,
          ip TEXT NOT NULL,
          at REAL NOT NULL,
          ok INTEGER NOT NULL
        );
        CREATE INDEX desk_signin_attempt_email ON desk_signin_attempt(email_key, at);
        CREATE INDEX desk_signin_attempt_ip ON desk_signin_attempt(ip, at);
        """)
    }
    migrator.registerMigration("desk: two-step sign-in; the sign-in record pruned by time") { db in
      try db.execute(sql: """
        -- The shared secret of a user's authenticator app (RFC 6238), or NULL: no second step.
        -- It has to be readable to check codes; the store's files are owner-only.
        ALTER TABLE desk_user ADD COLUMN totp_secret TEXT;
        -- The last time step whose code was accepted: a code is never accepted twice.
        ALTER TABLE desk_user ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
        -- A session whose password was right but whose code is still to come.
        ALTER TABLE desk_session ADD COLUMN awaiting_code INTEGER NOT NULL DEFAULT 0;
        -- Sign-ins older than the record keeps (SubscriberStore.deskSignInRecordDays) are
        -- deleted as new ones come: by time, through this index.
        CREATE INDEX desk_signin_attempt_at ON desk_signin_attempt(at);
        """)
    }
    migrator.registerMigration("desk: sends") { db in
      try db.execute(sql: """
        -- A send started from the desk, recorded before anything is written to the Outbox, so
        -- that a desk (herald serve) stopped while enqueueing resumes it when it starts again.
        CREATE TABLE desk_send (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          -- The release's file name in Releases/.
          release_file TEXT NOT NULL,
          -- What was asked for (lists, schedule, correction, again) as JSON.
          request TEXT NOT NULL,
          user_id INTEGER REFERENCES desk_user(id) ON DELETE SET NULL,
          created_at REAL NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('queued', 'enqueueing', 'enqueued', 'failed')),
          -- The campaign it writes: known once planned (a resumed send keeps it).
          campaign TEXT UNIQUE,
          recipients INTEGER NOT NULL DEFAULT 0,
          enqueued INTEGER NOT NULL DEFAULT 0,
          -- When it goes (a scheduled send), as a time.
          send_at REAL,
          error TEXT,
          finished_at REAL
        );
        CREATE INDEX desk_send_state ON desk_send(state, release_file);
        """)
    }
    migrator.registerMigration("desk 2: inquiries: priority, reminders, search") { db in
      try db.execute(sql: """
        -- How pressing an inquiry is, beside its deadline.
        ALTER TABLE inquiry ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent'));
        -- The desk user it is assigned to (assignee keeps the name the thread shows).
        ALTER TABLE inquiry ADD COLUMN assignee_id INTEGER REFERENCES desk_user(id) ON DELETE SET NULL;
        -- The deadline a reminder went out for: once per deadline, a new one arms it again.
        ALTER TABLE inquiry ADD COLUMN reminded_for REAL;
        -- The inbox: "mine" and a colleague's by assignee; what is due by deadline.
        CREATE INDEX inquiry_assignee ON inquiry(assignee_id, status);
        CREATE INDEX inquiry_due ON inquiry(due_at);
        -- A sender's other inquiries, on the inquiry's page.
        CREATE INDEX inquiry_from ON inquiry(from_address COLLATE NOCASE, created_at);
        -- Deadline and priority changes join the thread as entries of their own.
        -- AUTOINCREMENT: an entry's id is never given twice (the desk's forms carry the last
        -- one a writer saw, to tell what was added meanwhile).
        CREATE TABLE new_inquiry_entry (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('message', 'reply', 'note', 'status', 'assign', 'deadline', 'priority')),
          inbound_id INTEGER REFERENCES inbound(id) ON DELETE SET NULL,
          message_id TEXT,
          author TEXT,
          text TEXT NOT NULL,
          attachments TEXT NOT NULL DEFAULT '[]',
          at REAL NOT NULL
        );
        INSERT INTO new_inquiry_entry (id, inquiry_id, kind, inbound_id, message_id, author, text, attachments, at)
          SELECT id, inquiry_id, kind, inbound_id, message_id, author, text, attachments, at FROM inquiry_entry;
        DROP TABLE inquiry_entry;
        ALTER TABLE new_inquiry_entry RENAME TO inquiry_entry;
        CREATE INDEX inquiry_entry_inquiry ON inquiry_entry(inquiry_id, at);
        CREATE INDEX inquiry_entry_message_id ON inquiry_entry(message_id) WHERE message_id IS NOT NULL;
        """)
    }
    migrator.registerMigration("desk 2: received mail") { db in
      try db.execute(sql: """
        -- The desk's received mail, one class at a time, newest read first: a range of this
        -- index per page (ids are the order Herald read the messages in).
        CREATE INDEX inbound_class_id ON inbound(class, id);
        """)
    }
    migrator.registerMigration("desk 2: subscribers: search") { db in
      // Finding a journalist by part of their address, name or organisation ("durand",
      // "le monde", "@example.com") among 100,000 subscribers: LIKE '%x%' reads every row
      // (25–45 ms for a word nobody has, measured), a trigram index answers in well under a
      // millisecond. External content: the text stays in `subscriber` only; the triggers keep
      // the index in step with every insert, change and deletion (forget included).
      try db.execute(sql: """
        CREATE VIRTUAL TABLE subscriber_search USING fts5(
          email, name, organization, content = 'subscriber', content_rowid = 'id', tokenize = 'trigram'
        );
        INSERT INTO subscriber_search (subscriber_search) VALUES ('rebuild');
        CREATE TRIGGER subscriber_search_insert AFTER INSERT ON subscriber BEGIN
          INSERT INTO subscriber_search (rowid, email, name, organization) VALUES (NEW.id, NEW.email, NEW.name, NEW.organization);
        END;
        CREATE TRIGGER subscriber_search_delete AFTER DELETE ON subscriber BEGIN
          INSERT INTO subscriber_search (subscriber_search, rowid, email, name, organization)
          VALUES ('delete', OLD.id, OLD.email, OLD.name, OLD.organization);
        END;
        CREATE TRIGGER subscriber_search_update AFTER UPDATE OF email, name, organization ON subscriber BEGIN
          INSERT INTO subscriber_search (subscriber_search, rowid, email, name, organization)
          VALUES ('delete', OLD.id, OLD.email, OLD.name, OLD.organization);
          INSERT INTO subscriber_search (rowid, email, name, organization) VALUES (NEW.id, NEW.email, NEW.name, NEW.organization);
        END;
        -- A subscriber's page lists what came back from them and what they asked: by subscriber,
        -- newest first, without reading the whole inbox. (IF NOT EXISTS: the inbox's and the
        -- inquiries' parts may index the same.)
        CREATE INDEX IF NOT EXISTS inbound_subscriber ON inbound(subscriber_id, received_at);
        CREATE INDEX IF NOT EXISTS inquiry_subscriber ON inquiry(subscriber_id, created_at);
        """)
    }
    migrator.registerMigration("desk 2: reports: figures kept as deliveries are recorded") { db in
      // Triggers keep the reports' figures as rows are written; see ReportTallies.
      try ReportTallies.create(in: db)
    }
    migrator.registerMigration("desk 2: the audit of who did what") { db in
      try db.execute(sql: """
        -- Every state-changing action, from the desk, the command line or Herald's own
        -- services: who, when, from where, what, on what, and how it ended. Append-only: the
        -- triggers below refuse every UPDATE and DELETE. Personal data is never written here:
        -- a subscriber is named by number, an address the store does not know by a hash.
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at REAL NOT NULL,
          actor_kind TEXT NOT NULL CHECK (actor_kind IN ('desk', 'cli', 'system')),
          -- A desk user's number (NULL for the command line and the system).
          actor_user INTEGER,
          -- Their name at the time, the CLI's $HERALD_USER or login name, or the service.
          actor TEXT NOT NULL,
          -- The client address for the desk, "command line on HOST (tty)" for the CLI.
          origin TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT NOT NULL DEFAULT '',
          outcome TEXT NOT NULL CHECK (outcome IN ('done', 'refused', 'failed')),
          detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_at ON audit(at);
        -- Actors are compared without case ("claire durand" finds "Claire Durand").
        CREATE INDEX audit_actor ON audit(actor COLLATE NOCASE, at);
        CREATE INDEX audit_action ON audit(action, at);
        CREATE INDEX audit_target ON audit(target, at);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit is append-only: its entries cannot be changed'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit is append-only: its entries cannot be deleted'); END;
        """)
    }
    return migrator
  }
}
