import Foundation

/// Campaign names: the release's slug and when it was sent, "2020-03-31-water-report-1795947733".
enum Campaign {
  static func name(release slug: String, at date: Date) -> String {
    "\(slug)-\(Int(date.timeIntervalSince1970))"
  }

  /// The release a campaign sent: its name without the time.
  static func release(of campaign: String) -> String {
    guard let dash = campaign.lastIndex(of: "-"), campaign[campaign.index(after: dash)...].allSatisfy(\.isNumber) else { return campaign }
    return String(campaign[..<dash])
  }
}
