import Foundation

/// How pressing an inquiry is, beside its deadline: the inbox puts the more pressing first
/// among inquiries due at the same time.
package enum InquiryPriority: String, Sendable, Hashable, Codable, CaseIterable {
  /// The usual.
  case normal
  /// Before the usual ones.
  case high
  /// Before everything without an earlier deadline.
  case urgent

  /// Its place in the inbox's order: 0 first.
  package var rank: Int {
    switch self {
    case .urgent: return 0
    case .high: return 1
    case .normal: return 2
    }
  }

  /// The SQL expression of `rank` for the `priority` column.
  static let rankSQL = "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END"

  /// "normal, high or urgent", for messages.
  package static var names: String { "normal, high or urgent" }
}
