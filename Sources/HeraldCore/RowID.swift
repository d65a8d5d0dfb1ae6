/// A number the store gives a row and never gives again (`AUTOINCREMENT`), as a type of its
/// own per table so that a subscriber's number cannot be passed where a desk user's is
/// meant. It is written as the decimal number, in text and in JSON.
public protocol RowID: RawRepresentable<Int64>, Hashable, Sendable, Comparable, Codable, LosslessStringConvertible {
  init(rawValue: Int64)
}

extension RowID {
  public init(_ rawValue: Int64) {
    self.init(rawValue: rawValue)
  }

  /// Reads the decimal number; nil for anything else.
  public init?(_ description: String) {
    guard let value = Int64(description) else { return nil }
    self.init(rawValue: value)
  }

  public var description: String { String(rawValue) }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public init(from decoder: any Decoder) throws {
    self.init(rawValue: try decoder.singleValueContainer().decode(Int64.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}
