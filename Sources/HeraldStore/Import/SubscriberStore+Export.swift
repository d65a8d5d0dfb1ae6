import Foundation
import GRDB

extension SubscriberStore {
  /// Writes a list's members as CSV: email, name, organization, language, status,
  /// status_since, then one column per custom attribute. `importCSV` reads it back
  /// unchanged (status and dates describe the membership and are not imported).
  /// - Parameters:
  ///   - status: only members with this status; all when nil.
  ///   - neutralizingFormulas: write a ' before a cell that a spreadsheet would run as a
  ///     formula (=, +, -, @, tab, CR first: OWASP "CSV Injection"); `importCSV` takes it off.
  ///   - output: receives the CSV text in pieces (a file handle, a buffer).
  /// - Returns: how many members were written.
  @discardableResult
  package func exportCSV(
    list listName: String, status: MembershipStatus? = nil, neutralizingFormulas: Bool = true, to output: (String) throws -> Void
  ) throws -> Int {
    try read { db in
      let list = try Self.list(named: listName, in: db)
      var filter = "m.list_id = ?"
      var arguments: StatementArguments = [list.id]
      if let status {
        filter += " AND m.status = ?"
        arguments += [status.rawValue]
      }
      // The attribute columns: every key any member has, in order.
      var keys = Set<String>()
      let attributeRows = try String.fetchCursor(db, sql: "SELECT s.attributes FROM membership m JOIN subscriber s ON s.id = m.subscriber_id WHERE \(filter)", arguments: arguments)
      while let json = try attributeRows.next() { keys.formUnion(Self.decodeAttributes(json).keys) }
      let attributeKeys = keys.sorted()

      try output(Self.csvLine(["email", "name", "organization", "language", "status", "status_since"] + attributeKeys, neutralizing: neutralizingFormulas))
      let rows = try Row.fetchCursor(db, sql: """
        SELECT s.*, m.status AS status, m.changed_at AS changed_at FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
        WHERE \(filter) ORDER BY s.id
        """, arguments: arguments)
      let formatter = ISO8601DateFormatter()
      var count = 0
      while let row = try rows.next() {
        let subscriber = Self.subscriber(from: row)
        let fields = [
          subscriber.email, subscriber.name ?? "", subscriber.organization ?? "", subscriber.language ?? "", row["status"] as String,
          formatter.string(from: Date(timeIntervalSince1970: row["changed_at"])),
        ] + attributeKeys.map { subscriber.attributes[$0] ?? "" }
        try output(Self.csvLine(fields, neutralizing: neutralizingFormulas))
        count += 1
      }
      return count
    }
  }

  /// One CSV line (RFC 4180): fields with a comma, quote, line break or edge space quoted;
  /// with `neutralizing`, formula cells get a ' in front.
  static func csvLine(_ fields: [String], neutralizing: Bool = true) -> String {
    fields.map { cell in
      let field = neutralizing ? SubscriberText.neutralized(cell) : cell
      let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" || $0 == "\t" }
        || field.hasPrefix(" ") || field.hasSuffix(" ")
      return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }.joined(separator: ",") + "\r\n"
  }
}
