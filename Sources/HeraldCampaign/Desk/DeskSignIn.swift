import Foundation
import HeraldCore
import HeraldStore

/// What a sign-in came to.
package enum DeskSignIn: Sendable {
  /// Signed in: the token for the browser's cookie (shown once, never stored) and the session.
  case signedIn(token: String, session: DeskSession, user: DeskUser)
  /// The password was right and the user signs in in two steps: the token is of a session
  /// that opens only the code page, for `DeskAccountPolicy.codeTimeout`.
  case codeNeeded(token: String, session: DeskSession, user: DeskUser)
  /// The address or the password is wrong, or the account is disabled: one answer for all,
  /// so that the answer does not tell which addresses have accounts.
  case refused
  /// Too many failed sign-ins for the account or from the client's address: try again after
  /// this many seconds (nothing was checked).
  case throttled(retryAfter: Int)
}

/// A session found from its token and still valid, with its user.
package struct DeskSignedIn: Sendable {
  /// The session (its id is the token's SHA-256).
  package var session: DeskSession
  /// Whose it is, as the store has them now (role and name current).
  package var user: DeskUser
}
