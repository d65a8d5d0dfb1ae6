import Foundation
import HeraldCore
import HeraldStore

/// What the code of a two-step sign-in came to.
package enum DeskCodeOutcome: Sendable {
  /// Signed in: a new session replaces the one that waited for the code.
  case signedIn(token: String, session: DeskSession, user: DeskUser)
  /// Not the current code (or one used already): try again.
  case refused
  /// Too many failures for the account or from the address: wait this many seconds.
  case throttled(retryAfter: Int)
}

// The second step of signing in: a code from an authenticator app (RFC 6238), which a user
// turns on from the account page, and which herald.yml's `desk.two_step` requires by role.
extension DeskAccounts {
  /// Checks the code of a session that waits for one. A right code ends that session and
  /// starts a full one (a new token, so nothing learnt before the code signs anyone in);
  /// a wrong one is recorded and throttled with the passwords' failures.
  package func confirmCode(_ waiting: DeskSignedIn, code: String, client: String, userAgent: String) throws -> DeskCodeOutcome {
    let now = clock.now
    let user = waiting.user
    guard waiting.session.awaitingCode else { return .refused }
    if let wait = try throttle(email: user.email, client: client, at: now) { return .throttled(retryAfter: wait) }
    guard let (secret, _) = try store.deskTwoStep(user.id),
      let step = AuthenticatorCode(secret: secret).matchingStep(code, at: now),
      try store.useDeskTwoStep(user.id, step: step)
    else {
      try store.recordDeskSignIn(email: user.email, ip: client, at: now, ok: false)
      logger.notice("desk sign-in code refused", metadata: ["user": "\(user.id)", "client": "\(client)"])
      return .refused
    }
    try store.recordDeskSignIn(email: user.email, ip: client, at: now, ok: true)
    try store.revokeDeskSession(waiting.session.id)
    let (token, session) = Self.newSession(for: user.id, client: client, userAgent: userAgent, at: now)
    try store.addDeskSession(session)
    logger.info("desk sign-in", metadata: ["user": "\(user.id)", "client": "\(client)", "two_step": "yes"])
    return .signedIn(token: token, session: session, user: user)
  }

  /// Turns two-step sign-in on for a signed-in user, once their app shows a code of the new
  /// secret (proof it was set up). Their other sessions end.
  /// - Throws: `.wrongCode`.
  package func enableTwoStep(_ signedIn: DeskSignedIn, secret: String, code: String) throws {
    let now = clock.now
    guard secret.count == 20, secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
      throw DeskAccountError(.invalidInput, "the set-up form is damaged; open the account page and start again")
    }
    guard let step = AuthenticatorCode(secret: secret).matchingStep(code, at: now) else {
      throw DeskAccountError(.wrongCode, "that is not the code the app shows for this key; check the key was typed in full, and that the phone's clock is right")
    }
    try store.setDeskTwoStep(signedIn.user.id, secret: secret, step: step, keeping: signedIn.session.id)
    logger.info("desk two-step sign-in turned on; other sessions ended", metadata: ["user": "\(signedIn.user.id)"])
  }

  /// Turns two-step sign-in off for a signed-in user, with a current code; refused when
  /// their role requires it.
  /// - Throws: `.twoStepRequired`, `.wrongCode`.
  package func disableTwoStep(_ signedIn: DeskSignedIn, code: String) throws {
    if policy.requiresTwoStep(signedIn.user.role) {
      throw DeskAccountError(.twoStepRequired, "two-step sign-in is required for your role (herald.yml desk.two_step); it cannot be turned off")
    }
    guard let (secret, _) = try store.deskTwoStep(signedIn.user.id),
      let step = AuthenticatorCode(secret: secret).matchingStep(code, at: clock.now),
      try store.useDeskTwoStep(signedIn.user.id, step: step)
    else {
      throw DeskAccountError(.wrongCode, "that is not the code your app shows now; type the six digits it shows")
    }
    try store.setDeskTwoStep(signedIn.user.id, secret: nil, keeping: signedIn.session.id)
    logger.info("desk two-step sign-in turned off", metadata: ["user": "\(signedIn.user.id)"])
  }

  /// Removes a user's authenticator (a lost phone): they sign in with the password alone
  /// (and set up a new one when their role requires it). Their sessions end.
  /// - Throws: `.unknownUser`.
  @discardableResult
  package func resetTwoStep(email: String) throws -> DeskUser {
    var user = try user(email: email)
    try store.setDeskTwoStep(user.id, secret: nil)
    user.twoStep = false
    logger.info("desk two-step sign-in reset; sessions ended", metadata: ["user": "\(user.id)"])
    return user
  }
}
