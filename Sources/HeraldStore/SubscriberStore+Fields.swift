import GRDB

extension SubscriberStore {
  /// The names of the custom attributes any subscriber has (the columns imports brought
  /// beside the standard ones: "beat", "country"), for `{{subscriber.KEY}}` checks.
  /// - Throws: `StoreError` when the store cannot be read.
  package func attributeKeys() throws -> Set<String> {
    try read { db in
      var keys: Set<String> = []
      let rows = try String.fetchCursor(db, sql: "SELECT DISTINCT attributes FROM subscriber WHERE attributes != '{}'")
      while let json = try rows.next() { keys.formUnion(Self.decodeAttributes(json).keys) }
      return keys
    }
  }
}
