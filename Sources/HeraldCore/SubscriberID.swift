/// A subscriber's number in the store. Messages in the Outbox, rows of the delivery log and
/// the signed links in every message name subscribers by it.
public struct SubscriberID: RowID {
  /// The store's row id.
  public var rawValue: Int64

  public init(rawValue: Int64) {
    self.rawValue = rawValue
  }
}
