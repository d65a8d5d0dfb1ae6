import HeraldCore
import Foundation

/// A mailing list: press releases in English, a newsletter, embargoed briefings.
package struct MailingList: Sendable, Hashable, Codable {
  /// The database id.
  package var id: Int64
  /// The slug, lowercase letters, digits and hyphens: "press-en".
  package var name: String
  /// What people see: "Press releases (English)".
  package var title: String
  /// A sentence about what the list sends.
  package var description: String
  /// The language of what it sends, e.g. "en"; optional.
  package var language: String?
  /// Whether a new subscriber must confirm by email before receiving anything.
  package var doubleOptIn: Bool
  /// When it was made.
  package var createdAt: Date
  /// Whether it has a subscription form on the web (`herald serve`).
  package var isPublic = false
  /// What the subscription form says a subscriber agrees to, recorded with their consent.
  package var consentText = ""
  /// Whether its members (vetted journalists) receive a release under embargo before it
  /// lifts, marked as embargoed; off by default: the others get it when the embargo lifts.
  package var embargoedCopies = false
}

extension MailingList {
  /// Whether anyone can put any address on it without its owner's word: a web form
  /// (public) that does not ask for a confirmation (not double opt-in).
  package var isPublicSingleOptIn: Bool { isPublic && !doubleOptIn }

  /// Why a public list should be double opt-in, for people deciding otherwise.
  package static let whyDoubleOptIn =
    "with double opt-in, an address typed into the subscription form gets a confirmation link and receives nothing until its "
    + "owner clicks it; without it, anyone can put any address on the list. Double opt-in is the norm: the GDPR asks you to "
    + "demonstrate each subscriber's consent (Art. 7(1)), which a typed address does not, and Gmail's and Yahoo's bulk sender "
    + "rules (2024) expect recipients who asked for the mail, while mail to people who never did brings spam complaints"
}

/// How many members a list has in each state.
package struct ListCounts: Sendable, Hashable, Codable {
  package var subscribed = 0
  package var pending = 0
  package var unsubscribed = 0
  package var bounced = 0
  package var complained = 0

  /// No members.
  package init() {}

  /// Members in any state.
  package var total: Int { subscribed + pending + unsubscribed + bounced + complained }
}

/// A person who may receive mail.
package struct Subscriber: Sendable, Hashable, Codable {
  /// The store's number for them; also their key in signed links.
  package var id: SubscriberID
  /// The address, normalised (an IDN domain in its ASCII form).
  package var email: String
  /// The display name.
  package var name: String?
  /// The organisation (a newsroom, a ministry).
  package var organization: String?
  /// A language code, e.g. "de".
  package var language: String?
  /// Custom attributes from imports, available to templates.
  package var attributes: [String: String]
  /// When the subscriber was first added.
  package var createdAt: Date
}

/// The state of a subscriber on one list.
package enum MembershipStatus: String, Sendable, Hashable, Codable, CaseIterable {
  /// Waiting for the subscriber to confirm (double opt-in).
  case pending
  /// Receives the list's mail.
  case subscribed
  /// Asked to stop; never re-added without --resubscribe.
  case unsubscribed
  /// Mail to the address failed permanently.
  case bounced
  /// The recipient reported the mail as spam.
  case complained
}

/// Where a subscriber's consent (or its withdrawal) came from: the evidence a sender keeps.
package struct ConsentSource: Sendable, Hashable, Codable, CustomStringConvertible {
  /// What kind of evidence it is.
  package enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A row of an imported file.
    case importFile = "import"
    /// The subscription form on the web, with the visitor's address and browser.
    case webForm = "web"
    /// A confirmation link followed (double opt-in).
    case confirmation = "confirm"
    /// The unsubscribe link: a one-click POST (RFC 8058) or the page's button.
    case unsubscribeLink = "link"
    /// A command typed by a person.
    case commandLine = "cli"
    /// A permanent delivery failure: the relay's reply, or a bounce from the inbox.
    case bounce
    /// A spam complaint (a feedback report, RFC 5965).
    case complaint
    /// A request by email ("please remove me", mail to the unsubscribe address).
    case email
    /// A change made in the desk by a signed-in user, who is named in the detail.
    case desk
    /// Recorded by another version of Herald, of a kind this one does not know.
    case unknown
  }

  /// What kind of evidence it is.
  package var kind: Kind
  /// The particulars: "people.csv:12", "203.0.113.7, Mozilla/5.0 …", "herald subscribers add".
  package var detail: String

  /// Makes a source.
  package init(_ kind: Kind, detail: String) {
    self.kind = kind
    self.detail = detail
  }

  /// Reads a source as the store keeps it (kind and detail as text).
  init(stored kind: String, detail: String) {
    if let known = Kind(rawValue: kind) {
      self.init(known, detail: detail)
    } else {
      self.init(.unknown, detail: "\(kind): \(detail)")
    }
  }

  /// A row of an imported file.
  package static func importFile(_ file: String, line: Int) -> Self { Self(.importFile, detail: "\(file):\(line)") }
  /// The web form, with the visitor's address and browser.
  package static func webForm(ip: String, userAgent: String) -> Self { Self(.webForm, detail: "\(ip), \(userAgent)") }
  /// A command typed by a person.
  package static func commandLine(_ command: String) -> Self { Self(.commandLine, detail: command) }
  /// A change made in the desk: who made it (their address) and their note, if any.
  package static func desk(user: String, note: String = "") -> Self {
    Self(.desk, detail: note.isEmpty ? "by \(user)" : "by \(user): \(note)")
  }
  /// A permanent failure, with the reply or report that says so.
  package static func bounce(_ evidence: String) -> Self { Self(.bounce, detail: evidence) }

  package var description: String { "\(kind.rawValue) (\(detail))" }
}

/// A subscriber's membership of a list, with the evidence for its current state.
package struct Membership: Sendable, Hashable, Codable {
  package var list: String
  package var status: MembershipStatus
  package var source: ConsentSource
  package var changedAt: Date
}

/// One entry of a membership's consent history: a state it was in, or a request that
/// changed no state.
package struct ConsentEvent: Sendable, Hashable, Codable {
  /// What the entry records.
  package enum Kind: String, Sendable, Hashable, Codable {
    /// The membership was in `status` from `at`, with `source` as its evidence.
    case state
    /// At `at`, `source` asked for a subscription while the membership was `status`
    /// (unsubscribed, bounced, complained), which it stayed: only the confirmation sent to
    /// the address brings it back.
    case request
  }

  package var list: String?
  package var status: MembershipStatus
  package var source: ConsentSource
  package var at: Date
  package var kind: Kind = .state
}

/// An address, a whole domain or an erased address (kept only as a hash) that is never sent to.
package struct Suppression: Sendable, Hashable, Codable {
  /// What is suppressed.
  package enum Kind: String, Sendable, Hashable, Codable {
    case address, domain, hashed
  }
  package var kind: Kind
  /// The lowercased address, the domain, or the hash.
  package var value: String
  /// Why: "hard bounce: 550 5.1.1 …", "complaint", "manual: …", "forgotten".
  package var reason: String
  package var createdAt: Date
}
