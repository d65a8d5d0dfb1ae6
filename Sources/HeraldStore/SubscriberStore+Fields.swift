import GRDB

extension SubscriberStore {
  /// The names of the custom attributes any subscriber has (the columns imports brought
  /// beside the standard ones: "beat", "country"), for `{{subscriber.KEY}}` checks.
  /// - Throws: `StoreError` when the store cannot be read.
  package func attributeKeys() throws -> Set<String> {
    try read { db in try Self.attributeKeys(in: db) }
  }

  /// The attribute keys of every subscriber, as imports wrote them (the fields `--where`
  /// and `{{subscriber.KEY}}` may name besides the columns).
  static func attributeKeys(in db: Database) throws -> Set<String> {
    do {
      // SQLite's JSON functions read the objects in C: a store of 100,000 in a few ms.
      return Set(try String.fetchAll(db, sql: "SELECT DISTINCT j.key FROM subscriber AS s, json_each(s.attributes) AS j WHERE s.attributes != '{}'"))
    } catch {
      // An SQLite built without them: the objects read one by one.
      var keys: Set<String> = []
      let rows = try String.fetchCursor(db, sql: "SELECT DISTINCT attributes FROM subscriber WHERE attributes != '{}'")
      while let json = try rows.next() { keys.formUnion(decodeAttributes(json).keys) }
      return keys
    }
  }
}
