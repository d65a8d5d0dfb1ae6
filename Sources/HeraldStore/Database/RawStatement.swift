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
        if let text {
          sqlite3_bind_text(handle, index, text, Int32(text.utf8.count), Self.transient)
        } else {
          sqlite3_bind_null(handle, index)
        }
      case .integer(let integer):
        if let integer { sqlite3_bind_int64(handle, index, integer) } else { sqlite3_bind_null(handle, index) }
      case .real(let real):
        sqlite3_bind_double(handle, index, real)
      }
    }
  }

  typealias Value = SQLValue

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
