/// A desk user's number in the store; never reused, so that a session, an audit entry or an
/// assignment never passes to someone else when a user is removed.
public struct DeskUserID: RawRepresentable, Hashable, Sendable, Comparable, Codable, LosslessStringConvertible {
  /// The store's row id.
  public var rawValue: Int64

  public init(rawValue: Int64) {
    self.rawValue = rawValue
  }

  public init(_ rawValue: Int64) {
    self.rawValue = rawValue
  }

  /// Reads the decimal number; nil for anything else.
  public init?(_ description: String) {
    guard let value = Int64(description) else { return nil }
    rawValue = value
  }

  public var description: String { String(rawValue) }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public init(from decoder: any Decoder) throws {
    rawValue = try decoder.singleValueContainer().decode(Int64.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}
