import Foundation

/// Names one send of a release: the release's slug, whether it is a correction, and when
/// it started, written `2020-03-31-water-report-1795947733` (a correction:
/// `2020-03-31-water-report-correction-1795947733`). One-off mail that is not a release (a
/// confirmation, a reply to an inquiry) is named after its kind behind an underscore,
/// which no release's slug has: `_confirmation-1795947733`.
///
/// It travels between the Outbox (every message carries it), the store's delivery log and
/// the reports. Names written by other means (older spools, tests) are kept as they are;
/// the parts are read from the text.
public struct CampaignID: Hashable, Sendable, Comparable, LosslessStringConvertible, Codable {
  /// The name as written.
  public let rawValue: String

  /// The name of a campaign of `release` started at `started`.
  /// - Parameters:
  ///   - release: The release's slug.
  ///   - correction: Whether it sends a correction of an earlier campaign of the release.
  public init(release: String, started: Date, correction: Bool = false) {
    rawValue = "\(release)\(correction ? Self.correctionSuffix : "")-\(Int64(started.timeIntervalSince1970.rounded(.down)))"
  }

  /// The name of one-off mail of `kind` (not a release) sent at `started`.
  public init(kind: MailKind, started: Date) {
    precondition(kind != .release, "a release's campaign is named after the release: use init(release:started:)")
    rawValue = "\(Self.oneOffPrefix)\(kind.rawValue)-\(Int64(started.timeIntervalSince1970.rounded(.down)))"
  }

  /// A name as written; nil when it is empty, longer than 200 bytes, starts with a dot, or
  /// holds a control character or a slash (it names report files).
  public init?(_ description: String) {
    guard !description.isEmpty, description.utf8.count <= 200, !description.hasPrefix("."),
      description.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "/") })
    else { return nil }
    rawValue = description
  }

  public var description: String { rawValue }

  private static let correctionSuffix = "-correction"
  private static let oneOffPrefix = "_"

  /// What it sends: a release, or one-off mail of another kind.
  public var kind: MailKind {
    guard rawValue.hasPrefix(Self.oneOffPrefix) else { return .release }
    return MailKind(rawValue: String(releaseKey.dropFirst(Self.oneOffPrefix.count))) ?? .release
  }

  /// What the delivery log counts as received: the release's slug, or for a correction
  /// `SLUG-correction` (so a second correction skips those who have the first). The name
  /// without its time.
  public var releaseKey: String {
    guard let dash = rawValue.lastIndex(of: "-"), rawValue.index(after: dash) < rawValue.endIndex,
      rawValue[rawValue.index(after: dash)...].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return rawValue }
    return String(rawValue[..<dash])
  }

  /// Whether it sends a correction.
  public var isCorrection: Bool { releaseKey.hasSuffix(Self.correctionSuffix) }

  /// The release's slug; nil for one-off mail.
  public var release: String? {
    guard kind == .release else { return nil }
    let key = releaseKey
    return isCorrection ? String(key.dropLast(Self.correctionSuffix.count)) : key
  }

  /// When it started, when the name says.
  public var started: Date? {
    guard releaseKey != rawValue, let seconds = Int64(rawValue[rawValue.index(rawValue.startIndex, offsetBy: releaseKey.count + 1)...]) else { return nil }
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let id = CampaignID(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "“\(text)” is not a campaign name"))
    }
    self = id
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

extension CampaignID: ExpressibleByStringLiteral {
  /// A name written in code; it must be a valid name.
  public init(stringLiteral value: String) {
    guard let id = CampaignID(value) else { preconditionFailure("“\(value)” is not a valid campaign name") }
    self = id
  }
}
