import Foundation
import GRDB
import HeraldMail

extension SubscriberStore {
  /// How an import went.
  package struct ImportReport: Sendable, Codable {
    /// A row that was not imported, and why.
    package struct Problem: Sendable, Codable, CustomStringConvertible {
      package var line: Int
      package var email: String
      package var reason: String
      package var description: String { "line \(line): \(email.isEmpty ? "(no address)" : email): \(reason)" }
    }

    package var file: String
    package var list: String
    package var dryRun: Bool
    /// The file's encoding as read, and what to know about it.
    package var encoding: String
    package var warnings: [String] = []
    package var rows = 0
    /// New to the list (a new subscriber, or a known one joining this list).
    package var added = 0
    /// Already on the list; their details or status changed.
    package var updated = 0
    /// Already on the list as they are.
    package var unchanged = 0
    /// The same address again later in the file: counted once.
    package var duplicates = 0
    /// Rows with no valid address.
    package var rejected = 0
    /// Valid addresses kept out: suppressed, or unsubscribed/bounced/complained before
    /// (those only without `resubscribe`).
    package var keptOut = 0
    /// Rows imported with a name or organisation cleaned of line breaks and other control
    /// characters (each is among the problems, with its line).
    package var cleaned = 0
    /// The first problems (rejected, kept out, cleaned), with their lines; at most `problemLimit`.
    package var problems: [Problem] = []
    /// The first duplicates, with the row that counts and what they would have changed;
    /// at most `problemLimit`.
    package var duplicateRows: [Duplicate] = []

    /// A row whose address is on an earlier row of the file: the earlier row counts (it
    /// was imported, or kept out), this one is left out.
    package struct Duplicate: Sendable, Codable, Equatable {
      package var line: Int
      package var email: String
      /// The row that counts: the address's first row with a valid address.
      package var firstLine: Int
      /// What this row would have changed, had it counted: each field whose value it has
      /// and that differs from what the subscriber has now. Empty: nothing.
      package var changes: [Change]
    }

    /// A field a duplicate row would have changed.
    package struct Change: Sendable, Codable, Equatable, CustomStringConvertible {
      /// `name`, `organization`, `language`, or an attribute's name.
      package var field: String
      /// What the subscriber has (nil: nothing).
      package var kept: String?
      /// What the duplicate row has.
      package var ignored: String
      package var description: String { "\(field) from “\(kept ?? "")” to “\(ignored)”" }
    }
    package static let problemLimit = 1000

    mutating func problem(_ line: Int, _ email: String, _ reason: String) {
      if problems.count < Self.problemLimit { problems.append(Problem(line: line, email: email, reason: reason)) }
    }
  }

  /// Imports subscribers from a CSV file into a list, all or nothing.
  ///
  /// The header row maps the columns (see `ColumnMap`). Rows without a valid address are
  /// rejected with their line and reason; the rest of the file is still imported. An
  /// address that is suppressed, or that unsubscribed, bounced or complained, is kept out
  /// unless `resubscribe` (a suppressed one always). A file that cannot be read to the end (a broken quote, bad
  /// encoding) changes nothing.
  /// - Parameters:
  ///   - status: `subscribed`, or `pending` for addresses that must still confirm.
  ///   - dryRun: do everything, report, and change nothing.
  ///   - displayName: the file as the user named it, for line references and consent evidence.
  ///   - progress: called every 10,000 rows with the number of rows read so far.
  package func importCSV(
    _ url: URL, displayName: String? = nil, into listName: String, status: MembershipStatus = .subscribed,
    dryRun: Bool = false, resubscribe: Bool = false, progress: ((Int) -> Void)? = nil
  ) throws -> ImportReport {
    let file = displayName ?? url.lastPathComponent
    let reader: CSVReader
    do {
      reader = try CSVReader(url: url)
    } catch let error as CSVError {
      throw StoreError(.importFailed, "\(error.description). Nothing was imported")
    }
    var report = ImportReport(file: file, list: listName, dryRun: dryRun, encoding: reader.encoding.rawValue)

    do {
      try pool.writeWithoutTransaction { db in
        // A big import's index pages stay in memory for its one transaction (64 MB instead
        // of 16): SQLite would otherwise write pages out and read them back mid-import.
        try db.execute(sql: "PRAGMA cache_size = -65536")
        try db.execute(sql: "PRAGMA temp_store = MEMORY")
        defer { try? db.execute(sql: "PRAGMA cache_size = -16384") }
        try db.inTransaction(.immediate) {
          try Self.runImport(
            reader: reader, url: url, file: file, listName: listName, status: status, resubscribe: resubscribe, progress: progress,
            report: &report, in: db)
          return dryRun ? .rollback : .commit
        }
      }
      checkpointer.wrote()
    } catch let error as StoreError {
      throw error
    } catch let error as CSVError {
      throw StoreError(.importFailed, "\(error.description). Nothing was imported")
    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
      throw StoreError(.busy, "the subscriber database is busy: another herald process has been writing for over \(busyTimeout.formatted()) s; nothing was imported, try again when it is done")
    } catch {
      throw StoreError(.importFailed, "the import stopped: \(error). Nothing was imported")
    }
    report.warnings = reader.warnings
    // Rows are written in batches, and those already in the store after the new ones:
    // problems are listed in the file's order all the same.
    report.problems.sort { $0.line < $1.line }
    report.duplicateRows.sort { $0.line < $1.line }
    return report
  }

  private static func runImport(
    reader: CSVReader, url: URL, file: String, listName: String, status: MembershipStatus, resubscribe: Bool,
    progress: ((Int) -> Void)?, report: inout ImportReport, in db: Database
  ) throws {
    let list = try Self.list(named: listName, in: db)
    guard let header = try reader.nextRecord() else {
      throw StoreError(.importFailed, "\(file) is empty: it needs a header row with an “email” column, then one row per subscriber")
    }
    let columns = try ColumnMap(header: header.fields, file: file, line: header.line)

    // The import's id marks the memberships it touches, so a second row for the same
    // address is recognised in the database, not in a set that grows with the file.
    try db.execute(sql: "INSERT INTO import_run (list_id, file, at) VALUES (?, ?, ?)", arguments: [list.id, file, Date().timeIntervalSince1970])
    let run = db.lastInsertedRowID
    let suppressed = try SuppressionSet(db)
    let now = Date()
    // The per-row statements, through SQLite's C API (see RawStatement).
    let findSubscriber = try RawStatement("SELECT id FROM subscriber WHERE email_key = ?", in: db)
    let findMembership = try RawStatement("SELECT status, import_run FROM membership WHERE subscriber_id = ? AND list_id = ?", in: db)
    let markRun = try RawStatement("UPDATE membership SET import_run = ? WHERE subscriber_id = ? AND list_id = ?", in: db)
    // The highest subscriber id given before a batch (ids are never reused: the sequence
    // can be past the largest id still there), and the subscribers made since: those of a
    // batch some of whose addresses were in the store already.
    let highestID = try RawStatement("""
      SELECT MAX(COALESCE((SELECT MAX(id) FROM subscriber), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'subscriber'), 0))
      """, in: db)
    let findNew = try RawStatement("SELECT id, email_key FROM subscriber WHERE id > ?", in: db)
    let membershipColumns = "(subscriber_id, list_id, status, source, source_detail, changed_at, import_run)"
    // New subscribers (most rows of an import) are written many to a statement: SQLite's
    // cost per statement (cursors opened and closed, the statement's end) was half an
    // import's. Statements by their number of rows, made on first use.
    var insertSubscribers: [Int: RawStatement] = [:]
    var insertMemberships: [Int: RawStatement] = [:]
    func statement(_ cache: inout [Int: RawStatement], rows: Int, _ sql: (String) -> String, columns: Int) throws -> RawStatement {
      if let made = cache[rows] { return made }
      let values = Array(repeating: "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")", count: rows).joined(separator: ", ")
      let made = try RawStatement(sql(values), in: db)
      cache[rows] = made
      return made
    }

    /// A row that passed the checks, waiting in the batch.
    struct Pending {
      var line: Int
      var key: String
      var fields: SubscriberFields
    }
    var batch: [Pending] = []
    batch.reserveCapacity(Self.importBatchSize)
    /// The first duplicates, explained once the file is read (`explain`).
    var duplicates: [Pending] = []

    /// Writes the batch: its new subscribers and their memberships in two statements, then
    /// the rest (addresses already in the store, or twice in the batch) one by one, in order.
    func flush() throws {
      guard !batch.isEmpty else { return }
      defer { batch.removeAll(keepingCapacity: true) }
      let subscribers = try statement(&insertSubscribers, rows: batch.count, {
        "INSERT INTO subscriber (email, email_key, domain, name, organization, language, attributes, created_at) VALUES \($0) ON CONFLICT (email_key) DO NOTHING"
      }, columns: 8)
      highestID.bind([])
      let before = try highestID.step() ? highestID.int64(0) ?? 0 : 0
      try subscribers.execute(batch.flatMap { Self.subscriberRow($0.fields, key: $0.key, at: now) }) { _ in }
      // Which rows made a new subscriber, and with which id. When every row did (the common
      // case), their ids are consecutive in the order of the rows: SQLite gives a new row
      // the largest id it ever gave plus one (AUTOINCREMENT). Otherwise each address is
      // looked up.
      var ids: [Int64?]
      if db.changesCount == batch.count {
        ids = (0..<batch.count).map { before + 1 + Int64($0) }
      } else {
        var made: [String: Int64] = [:]
        findNew.bind([.integer(before)])
        while try findNew.step() {
          if let id = findNew.int64(0), let key = findNew.text(1) { made[key] = id }
        }
        ids = batch.map { made.removeValue(forKey: $0.key) }
      }
      var memberships: [SQLValue] = []
      var rest: [Pending] = []
      for (pending, madeID) in zip(batch, ids) {
        // The first row of a key in the batch made the subscriber; a later one is a duplicate.
        if let id = madeID {
          memberships += [
            .integer(id), .integer(list.id), .text(status.rawValue), .text(ConsentSource.Kind.importFile.rawValue),
            .text("\(file):\(pending.line)"), .real(now.timeIntervalSince1970), .integer(run),
          ]
          report.added += 1
        } else {
          rest.append(pending)
        }
      }
      if !memberships.isEmpty {
        let insert = try statement(&insertMemberships, rows: memberships.count / 7, { "INSERT INTO membership \(membershipColumns) VALUES \($0)" }, columns: 7)
        try insert.execute(memberships) { _ in }
      }
      for pending in rest { try importExisting(pending) }
    }

    /// A row whose address the store has: a duplicate of an earlier row, an address kept
    /// out, or a subscriber joining the list or changing.
    func importExisting(_ pending: Pending) throws {
      findSubscriber.bind([.text(pending.key)])
      guard try findSubscriber.step(), let existingID = findSubscriber.int64(0) else {
        throw StoreError(.importFailed, "\(file):\(pending.line): \(pending.fields.email) was neither added nor found; nothing was imported")
      }
      let address = pending.fields.email
      var current: MembershipStatus?
      findMembership.bind([.integer(existingID), .integer(list.id)])
      if try findMembership.step() {
        current = findMembership.text(0).flatMap(MembershipStatus.init(rawValue:))
        if findMembership.int64(1) == run {
          report.duplicates += 1
          if duplicates.count < ImportReport.problemLimit { duplicates.append(pending) }
          return
        }
      }
      // Whatever state a subscription form left (a request proves nothing until it is
      // confirmed), someone who left is kept out.
      if !resubscribe, let left = try optOut(subscriber: existingID, list: list.id, current: current, in: db) {
        report.keptOut += 1
        report.problem(pending.line, address, "\(left.rawValue) before; kept out (use --resubscribe with fresh consent)")
        // Mark it so a repeat of the address counts as a duplicate, not kept out twice.
        try markRun.execute([.integer(run), .integer(existingID), .integer(list.id)])
        return
      }
      let (id, subscriberChange) = try upsertSubscriber(pending.fields, knownID: .some(existingID), at: now, in: db)
      // A pending import does not demote someone already subscribed.
      let newStatus = current == .subscribed && status == .pending ? .subscribed : status
      let membershipChanged = try setMembership(
        subscriber: id, list: list, status: newStatus, source: .importFile(file, line: pending.line), at: now, importRun: run,
        current: .some(current), in: db)
      if !membershipChanged {
        try markRun.execute([.integer(run), .integer(id), .integer(list.id)])
      }
      if current == nil {
        report.added += 1
      } else if membershipChanged || subscriberChange == .updated {
        report.updated += 1
      } else {
        report.unchanged += 1
      }
    }

    while let record = try reader.nextRecord() {
      report.rows += 1
      if report.rows % 10_000 == 0 { progress?(report.rows) }
      let raw = ColumnMap.value(record.fields, columns.email) ?? ""
      guard !raw.isEmpty else {
        report.rejected += 1
        report.problem(record.line, "", "no email address")
        continue
      }
      let address: String
      do {
        address = try EmailAddress.normalize(raw)
      } catch let error as MailError {
        report.rejected += 1
        report.problem(record.line, raw, error.message)
        continue
      }
      // A suppression outranks any list: --resubscribe does not lift it.
      if let reason = suppressed.reason(for: address) {
        report.keptOut += 1
        report.problem(record.line, address, "suppressed (\(reason)); never sent to")
        continue
      }
      var fields = SubscriberFields(
        email: address, name: columns.name(in: record.fields), organization: ColumnMap.value(record.fields, columns.organization),
        language: ColumnMap.value(record.fields, columns.language), attributes: columns.attributes(in: record.fields))
      if let found = fields.clean() {
        report.cleaned += 1
        report.problem(record.line, address, found)
      }
      batch.append(Pending(line: record.line, key: EmailAddress.key(address), fields: fields))
      if batch.count >= Self.importBatchSize { try flush() }
    }
    try flush()
    if !duplicates.isEmpty {
      report.duplicateRows = try explain(duplicates.map { (line: $0.line, key: $0.key, fields: $0.fields) }, url: url, columns: columns, in: db)
    }
  }

  /// Says of each duplicate row which row counts and what it would have changed. The row
  /// that counts is found by reading the file again up to it (only when there are
  /// duplicates: remembering every row's line would make memory grow with the file); what
  /// it would have changed, against the subscriber as the import left them (in its
  /// transaction, so a dry run says the same).
  private static func explain(
    _ duplicates: [(line: Int, key: String, fields: SubscriberFields)], url: URL, columns: ColumnMap, in db: Database
  ) throws -> [ImportReport.Duplicate] {
    var firstLines: [String: Int] = [:]
    var wanted = Set(duplicates.map(\.key))
    let reader = try CSVReader(url: url)
    _ = try reader.nextRecord()  // the header
    while !wanted.isEmpty, let record = try reader.nextRecord() {
      guard let raw = ColumnMap.value(record.fields, columns.email), let address = try? EmailAddress.normalize(raw) else { continue }
      let key = EmailAddress.key(address)
      if wanted.remove(key) != nil { firstLines[key] = record.line }
    }
    let stored = try db.makeStatement(sql: "SELECT name, organization, language, attributes FROM subscriber WHERE email_key = ?")
    return try duplicates.map { duplicate in
      var changes: [ImportReport.Change] = []
      if let row = try Row.fetchOne(stored, arguments: [duplicate.key]) {
        // As an import updates a subscriber: a value the row has replaces a different one.
        func compare(_ field: String, _ kept: String?, _ value: String?) {
          if let value, !value.isEmpty, value != kept { changes.append(.init(field: field, kept: kept, ignored: value)) }
        }
        compare("name", row[0], duplicate.fields.name)
        compare("organization", row[1], duplicate.fields.organization)
        compare("language", row[2], duplicate.fields.language)
        let attributes = decodeAttributes(row[3])
        for key in duplicate.fields.attributes.keys.sorted() { compare(key, attributes[key], duplicate.fields.attributes[key]) }
      }
      return ImportReport.Duplicate(
        line: duplicate.line, email: duplicate.fields.email, firstLine: firstLines[duplicate.key] ?? duplicate.line, changes: changes)
    }
  }

  /// Rows written per statement by an import.
  static let importBatchSize = 64

  /// The suppression list in memory for an import: checked once per row, it would
  /// otherwise be three lookups per row. (It is small next to the lists it filters.)
  struct SuppressionSet {
    var addresses: [String: String] = [:]
    var domains: [String: String] = [:]
    var hashes: [String: String] = [:]

    init(_ db: Database) throws {
      for row in try Row.fetchAll(db, sql: "SELECT kind, value, reason FROM suppression") {
        switch Suppression.Kind(rawValue: row["kind"]) {
        case .address: addresses[row["value"]] = row["reason"]
        case .domain: domains[row["value"]] = row["reason"]
        case .hashed: hashes[row["value"]] = row["reason"]
        case nil: break
        }
      }
    }

    func reason(for address: String) -> String? {
      if addresses.isEmpty && domains.isEmpty && hashes.isEmpty { return nil }
      let key = EmailAddress.key(address)
      if let reason = addresses[key] { return reason }
      if let at = key.lastIndex(of: "@"), let reason = domains[String(key[key.index(after: at)...])] { return reason }
      if !hashes.isEmpty, let reason = hashes[SubscriberStore.hash(key)] { return reason }
      return nil
    }
  }
}
