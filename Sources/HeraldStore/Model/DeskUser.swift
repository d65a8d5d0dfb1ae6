import Foundation
import HeraldCore

/// A person who signs in to the desk, as the store keeps them (without the password hash,
/// which only sign-in reads).
package struct DeskUser: Sendable, Hashable {
  /// The store's number for them, never reused.
  package var id: DeskUserID
  /// Their name as colleagues know it: "Claire Durand".
  package var name: String
  /// The address they sign in with, as it was given.
  package var email: String
  /// What they may do.
  package var role: DeskRole
  /// Whether their password was made up by Herald and must be changed at the next sign-in.
  package var mustChangePassword: Bool
  /// Whether they may no longer sign in.
  package var disabled: Bool
  /// When the account was made.
  package var createdAt: Date
  /// When the password was last set.
  package var passwordChangedAt: Date
  /// Whether they sign in in two steps: the password, then a code from their authenticator app.
  package var twoStep = false

  /// An address as accounts are compared: lowercased, without surrounding spaces.
  package static func key(_ email: String) -> String {
    email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }
}

/// A signed-in browser, as the store keeps it (the token's SHA-256, never the token).
package struct DeskSession: Sendable, Hashable {
  /// The SHA-256 of the session's token, hex.
  package var id: String
  /// Whose session it is.
  package var userID: DeskUserID
  /// The token every form of this session carries (CSRF).
  package var formToken: String
  /// When the user signed in.
  package var createdAt: Date
  /// When the session was last used.
  package var lastSeenAt: Date
  /// The client's address at sign-in.
  package var ip: String
  /// The browser's User-Agent at sign-in (shortened).
  package var userAgent: String
  /// Whether it was ended (sign-out, a password change, the account disabled).
  package var revoked: Bool
  /// Whether the password was right but the second step (the code) is still to come: such a
  /// session opens nothing but the code page, and is replaced by a new one when the code is.
  package var awaitingCode: Bool

  package init(
    id: String, userID: DeskUserID, formToken: String, createdAt: Date, lastSeenAt: Date, ip: String, userAgent: String, revoked: Bool,
    awaitingCode: Bool = false
  ) {
    self.awaitingCode = awaitingCode
    self.id = id
    self.userID = userID
    self.formToken = formToken
    self.createdAt = createdAt
    self.lastSeenAt = lastSeenAt
    self.ip = ip
    self.userAgent = userAgent
    self.revoked = revoked
  }
}

/// Failed sign-ins since the last one that succeeded: what throttling is decided from.
package struct DeskSignInFailures: Sendable, Hashable {
  /// How many in a row.
  package var count: Int
  /// When the last one was; nil when there were none.
  package var last: Date?

  package init(count: Int, last: Date?) {
    self.count = count
    self.last = last
  }
}
