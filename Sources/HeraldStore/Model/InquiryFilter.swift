import Foundation
import HeraldCore

/// Which inquiries the inbox shows, one page at a time.
package struct InquiryFilter: Sendable, Hashable {
  /// Whose inquiries.
  package enum Assignee: Sendable, Hashable {
    /// Anyone's, and nobody's.
    case anyone
    /// Those nobody has.
    case nobody
    /// Those of one desk user.
    case user(DeskUserID)
  }

  /// Only these statuses; empty: those still to answer (new, open, waiting) first, then the rest.
  package var statuses: [InquiryStatus] = []
  /// Only those about this release (its slug).
  package var release: String?
  package var assignee: Assignee = .anyone
  /// Text to find in the sender's address and name, the organisation, the subject and the
  /// journalist's messages; matched as written (no wildcards), case-insensitively for ASCII.
  package var search: String?
  /// The page, from 0.
  package var page = 0
  /// Inquiries on a page.
  package var pageSize = 50

  /// The longest search accepted, in characters.
  package static let searchLimit = 200

  package init(statuses: [InquiryStatus] = [], release: String? = nil, assignee: Assignee = .anyone, search: String? = nil, page: Int = 0, pageSize: Int = 50) {
    self.statuses = statuses
    self.release = release
    self.assignee = assignee
    self.search = search
    self.page = page
    self.pageSize = pageSize
  }

  /// `search` as a LIKE pattern: its `%`, `_` and `\` matched as themselves (ESCAPE '\').
  static func likePattern(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
      escaped.append(character)
    }
    return "%" + escaped + "%"
  }
}

/// A page of the inquiry inbox: its inquiries and the counts of the whole selection.
package struct InquiryPage: Sendable {
  /// One inquiry of the list, with what the list shows of it.
  package struct Item: Sendable {
    package var inquiry: Inquiry
    /// Messages from the journalist in its thread.
    package var messages: Int
  }

  package var items: [Item]
  /// Inquiries per status matching the filter's release, assignee and search (every status).
  package var counts: [InquiryStatus: Int]
  /// Inquiries matching the whole filter.
  package var total: Int
}
