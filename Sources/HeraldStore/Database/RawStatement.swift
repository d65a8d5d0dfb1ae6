import GRDB
import GRDBSQLite

/// A prepared SQLite statement used through SQLite's C API, for the few statements an
/// import runs once per row: GRDB's general statement machinery (argument arrays of
/// existentials, cursors, observation) costs more than SQLite's own work for them.
///
/// It is used only inside one GRDB write transaction, on that transaction's connection.
final class RawStatement {
  private let handle: OpaquePointer
  private let connection: OpaquePointer

  /// SQLite copies bound text at once (the Swift string's buffer is temporary).
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  init(_ sql: String, in db: Database) throws {
    guard let connection = db.sqliteConnection else { throw StoreError(.database, "the database connection is closed") }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw StoreError(.database, "cannot prepare “\(sql)”: \(String(cString: sqlite3_errmsg(connection)))")
    }
    self.handle = statement
    self.connection = connection
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds the values (1-based, in order; every parameter) after resetting the statement.
  func bind(_ values: [Value]) {
    sqlite3_reset(handle)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      switch value {
      case .text(let text):
        guard var text else {
          sqlite3_bind_null(handle, index)
          continue
        }
        // The string's own UTF-8, copied by SQLite: no C string made for each value.
        text.withUTF8 { bytes in
          _ = bytes.withMemoryRebound(to: CChar.self) { chars in
            sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), Self.transient)
          }
        }
      case .integer(let integer):
        if let integer { sqlite3_bind_int64(handle, index, integer) } else { sqlite3_bind_null(handle, index) }
      case .real(let real):
        sqlite3_bind_double(handle, index, real)
      }
    }
  }

  typealias Value = SQLValue

  /// Runs a statement that returns no rows (an insert, an update) with `values`, binding
  /// their text in place: SQLite reads it during the step and is reset before the strings
  /// go, so nothing is copied (a copy per value cost a tenth of an import).
  func execute(_ values: [Value]) throws {
    sqlite3_reset(handle)
    try bindInPlace(values, from: 0)
  }

  /// Runs a statement with `values` (a multi-row insert: many of them), binding all their
  /// text from one buffer made for the purpose, and hands each row it returns (RETURNING)
  /// to `row` before the next.
  func execute(_ values: [Value], row: (RawStatement) throws -> Void) throws {
    sqlite3_reset(handle)
    var arena: [UInt8] = []
    var spans: [(start: Int, count: Int)?] = []
    spans.reserveCapacity(values.count)
    for value in values {
      if case .text(let text?) = value {
        spans.append((arena.count, text.utf8.count))
        arena.append(contentsOf: text.utf8)
      } else {
        spans.append(nil)
      }
    }
    try arena.withUnsafeBufferPointer { buffer in
      defer { sqlite3_reset(handle) }  // done with the buffer before it is released
      let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
      for (offset, value) in values.enumerated() {
        let index = Int32(offset + 1)
        switch value {
        case .text(let text):
          if text != nil, let span = spans[offset] {
            sqlite3_bind_text(handle, index, base + span.start, Int32(span.count), nil)  // SQLITE_STATIC
          } else {
            sqlite3_bind_null(handle, index)
          }
        case .integer(let integer):
          if let integer { sqlite3_bind_int64(handle, index, integer) } else { sqlite3_bind_null(handle, index) }
        case .real(let real):
          sqlite3_bind_double(handle, index, real)
        }
      }
      while try step() { try self.row(row) }
    }
  }

  private func row(_ body: (RawStatement) throws -> Void) throws { try body(self) }

  private func bindInPlace(_ values: [Value], from offset: Int) throws {
    guard offset < values.count else {
      defer { sqlite3_reset(handle) }  // done with the bound text before it is released
      _ = try step()
      return
    }
    let index = Int32(offset + 1)
    switch values[offset] {
    case .text(let text):
      guard var text else {
        sqlite3_bind_null(handle, index)
        return try bindInPlace(values, from: offset + 1)
      }
      try text.withUTF8 { bytes in
        try bytes.withMemoryRebound(to: CChar.self) { chars in
          sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), nil)  // SQLITE_STATIC
          try bindInPlace(values, from: offset + 1)
        }
      }
    case .integer(let integer):
      if let integer { sqlite3_bind_int64(handle, index, integer) } else { sqlite3_bind_null(handle, index) }
      try bindInPlace(values, from: offset + 1)
    case .real(let real):
      sqlite3_bind_double(handle, index, real)
      try bindInPlace(values, from: offset + 1)
    }
  }

  /// Runs one step: true when a row is there to read.
  @discardableResult
  func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw StoreError(.database, "the subscriber database failed: \(String(cString: sqlite3_errmsg(connection)))")
    }
  }

  func int64(_ column: Int32) -> Int64? {
    sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
  }

  func text(_ column: Int32) -> String? {
    guard let pointer = sqlite3_column_text(handle, column) else { return nil }
    return String(cString: pointer)
  }
}

/// A value bound to a statement, through GRDB or the C API.
enum SQLValue {
  case text(String?)
  case integer(Int64?)
  case real(Double)
}

extension StatementArguments {
  init(_ values: [SQLValue]) {
    self.init(values.map { value -> (any DatabaseValueConvertible)? in
      switch value {
      case .text(let text): return text
      case .integer(let integer): return integer
      case .real(let real): return real
      }
    })
  }
}
