/// A desk user's number in the store; never reused, so that a session, an audit entry or an
/// assignment never passes to someone else when a user is removed.
public struct DeskUserID: RowID {
  /// The store's row id.
  public var rawValue: Int64

  public init(rawValue: Int64) {
    self.rawValue = rawValue
  }
}
