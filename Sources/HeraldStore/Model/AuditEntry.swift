import Crypto
import Foundation
import HeraldCore
import HeraldMail

/// One line of the audit: who did what, on what, from where, when, and how it ended.
///
/// Nothing personal is kept: a subscriber is named by number (`AuditTarget.subscriber`), an
/// address the store does not know by a hash, and form fields are never copied wholesale.
package struct AuditEntry: Sendable, Hashable {
  /// The store's number for the entry, in the order entries were written.
  package var id: Int64 = 0
  /// When it happened.
  package var at: Date
  /// Who did it.
  package var actor: AuditActor
  /// From where: the client address for the desk, "command line on HOST (tty)" for the CLI.
  package var origin: String
  /// What was done.
  package var action: AuditAction
  /// What it was done to ("release 2026-12-06-report.md", "subscriber 42"), or "".
  package var target: String
  /// How it ended.
  package var outcome: AuditOutcome
  /// A short detail ("assigned to Claire Durand", "status answered"), or "".
  package var detail: String

  package init(
    id: Int64 = 0, at: Date, actor: AuditActor, origin: String, action: AuditAction, target: String = "", outcome: AuditOutcome,
    detail: String = ""
  ) {
    self.id = id
    self.at = at
    self.actor = actor
    self.origin = origin
    self.action = action
    self.target = target
    self.outcome = outcome
    self.detail = detail
  }
}

/// Who did an audited action.
package struct AuditActor: Sendable, Hashable {
  /// Where actions come from.
  package enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A signed-in desk user (or a visitor of the desk who was not signed in).
    case desk
    /// Someone at a terminal, running `herald`.
    case cli
    /// Herald itself: `herald serve`'s services.
    case system
  }

  /// Where the action came from.
  package var kind: Kind
  /// The desk user's number, when a desk user did it.
  package var user: DeskUserID?
  /// Their name at the time; the CLI's `$HERALD_USER` or login name; the service's name.
  package var name: String

  package init(kind: Kind, user: DeskUserID? = nil, name: String) {
    self.kind = kind
    self.user = user
    self.name = name
  }
}

/// How an audited action ended.
package enum AuditOutcome: String, Sendable, Hashable, CaseIterable, Codable {
  /// It was done (for the desk: a 2xx or 3xx answer).
  case done
  /// It was not allowed (a 403: a role too low, a form from elsewhere or without its token;
  /// or not signed in).
  case refused
  /// It was tried and did not succeed (bad input, an error; for the CLI: a non-zero exit).
  case failed
}

/// What an audited action was done to, written the same way by the desk and the CLI.
package enum AuditTarget {
  /// A release, by its file name in Releases/.
  package static func release(_ file: String) -> String { "release \(file)" }
  /// A subscriber, by number: never by address (forgetting them leaves nothing in the audit).
  package static func subscriber(_ id: Int64) -> String { "subscriber \(id)" }
  /// An address the store does not know (or no longer knows): its SHA-256, never the address.
  package static func address(_ email: String) -> String {
    "address sha256:" + Hex.encode(SHA256.hash(data: Array(EmailAddress.key(email).utf8))).prefix(16)
  }
}
