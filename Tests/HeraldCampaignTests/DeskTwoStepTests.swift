import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import Testing

/// Two-step sign-in in the accounts library: the password, then a code of the user's
/// authenticator, each code once, wrong codes throttled with wrong passwords.
struct DeskTwoStepTests {
  /// A signed-in editor with two-step sign-in turned on, and their secret.
  func enrolled(_ desk: TemporaryDesk, role: DeskRole = .editor) throws -> (user: DeskUser, secret: String) {
    let (user, _) = try desk.accounts.add(name: "Claire Durand", email: "claire@example.org", role: role, password: TemporaryDesk.password)
    let token = try desk.signIn("claire@example.org")
    let signedIn = try #require(try desk.accounts.session(token: token))
    let secret = AuthenticatorCode.newSecret()
    try desk.accounts.enableTwoStep(signedIn, secret: secret, code: code(secret, desk))
    // The code that turned it on is used up: move to the next step.
    desk.clock.advance(by: 30)
    return (user, secret)
  }

  func code(_ secret: String, _ desk: TemporaryDesk, offset: Int64 = 0) -> String {
    AuthenticatorCode(secret: secret).code(step: AuthenticatorCode.step(at: desk.clock.now) + offset)
  }

  func waiting(_ desk: TemporaryDesk, from client: String = "192.0.2.1") throws -> DeskSignedIn {
    guard case .codeNeeded(let token, _, _) = try desk.accounts.signIn(
      email: "claire@example.org", password: TemporaryDesk.password, client: client, userAgent: "test")
    else { throw TemporaryDesk.SignInFailed() }
    return try #require(try desk.accounts.session(token: token))
  }

  @Test func theRightPasswordAloneGivesOnlyASessionThatWaitsForTheCode() throws {
    let desk = try TemporaryDesk()
    let (user, secret) = try enrolled(desk)
    #expect(try desk.store.deskUser(user.id)?.twoStep == true)
    let waiting = try waiting(desk)
    #expect(waiting.session.awaitingCode)
    guard case .signedIn(let token, let session, _) = try desk.accounts.confirmCode(
      waiting, code: code(secret, desk), client: "192.0.2.1", userAgent: "test")
    else {
      Issue.record("the right code did not sign in")
      return
    }
    // A new session replaces the waiting one.
    #expect(!session.awaitingCode)
    #expect(session.id != waiting.session.id)
    #expect(try desk.accounts.session(token: token)?.session.awaitingCode == false)
    #expect(try desk.store.deskSession(waiting.session.id)?.session.revoked == true)
  }

  @Test func aCodeIsAcceptedOnceAndAWrongOneNever() throws {
    let desk = try TemporaryDesk()
    let (_, secret) = try enrolled(desk)
    let current = code(secret, desk)
    guard case .signedIn = try desk.accounts.confirmCode(try waiting(desk), code: current, client: "192.0.2.1", userAgent: "test") else {
      Issue.record("the right code did not sign in")
      return
    }
    // Seen over a shoulder and typed again within the same 30 seconds: refused.
    guard case .refused = try desk.accounts.confirmCode(try waiting(desk), code: current, client: "192.0.2.9", userAgent: "test") else {
      Issue.record("a used code was accepted again")
      return
    }
    let wrong = current == "000000" ? "111111" : "000000"
    guard case .refused = try desk.accounts.confirmCode(try waiting(desk), code: wrong, client: "192.0.2.1", userAgent: "test") else {
      Issue.record("a wrong code was accepted")
      return
    }
  }

  @Test func wrongCodesAreThrottledWithWrongPasswordsAndTheRightPasswordDoesNotResetThem() throws {
    let desk = try TemporaryDesk()
    let (_, secret) = try enrolled(desk)
    let wrong = code(secret, desk) == "000000" ? "111111" : "000000"
    for attempt in 1...5 {
      // Each time the password is right again: that must not buy fresh guesses at the code.
      let outcome = try desk.accounts.confirmCode(try waiting(desk, from: "198.51.100.\(attempt)"), code: wrong, client: "198.51.100.\(attempt)", userAgent: "t")
      guard case .refused = outcome else {
        Issue.record("attempt \(attempt) was not refused: \(outcome)")
        return
      }
    }
    guard case .throttled(let seconds) = try desk.accounts.signIn(
      email: "claire@example.org", password: TemporaryDesk.password, client: "198.51.100.77", userAgent: "t")
    else {
      Issue.record("five wrong codes did not throttle the account")
      return
    }
    #expect(seconds >= 1)
  }

  @Test func aSessionWaitingForItsCodeEndsAfterFiveMinutes() throws {
    let desk = try TemporaryDesk()
    let (_, secret) = try enrolled(desk)
    guard case .codeNeeded(let token, _, _) = try desk.accounts.signIn(
      email: "claire@example.org", password: TemporaryDesk.password, client: "192.0.2.1", userAgent: "t")
    else { throw TemporaryDesk.SignInFailed() }
    desk.clock.advance(by: 4 * 60)
    #expect(try desk.accounts.session(token: token) != nil)
    desk.clock.advance(by: 2 * 60)
    #expect(try desk.accounts.session(token: token) == nil)
    _ = secret
  }

  @Test func turningItOffTakesACurrentCodeAndIsRefusedWhereTheRoleRequiresIt() throws {
    let desk = try TemporaryDesk()
    let (user, secret) = try enrolled(desk)
    let signedIn = try #require(try desk.accounts.session(token: try signedInToken(desk, secret)))
    desk.clock.advance(by: 30)
    #expect(throws: DeskAccountError.self) { try desk.accounts.disableTwoStep(signedIn, code: "12345") }
    try desk.accounts.disableTwoStep(signedIn, code: code(secret, desk))
    #expect(try desk.store.deskUser(user.id)?.twoStep == false)

    var policy = DeskAccountPolicy()
    policy.twoStepFrom = .admin
    let strict = try TemporaryDesk(policy: policy)
    let (_, adminSecret) = try enrolled(strict, role: .admin)
    let admin = try #require(try strict.accounts.session(token: try signedInToken(strict, adminSecret)))
    strict.clock.advance(by: 30)
    let error = #expect(throws: DeskAccountError.self) { try strict.accounts.disableTwoStep(admin, code: code(adminSecret, strict)) }
    #expect(error?.code == .twoStepRequired)
  }

  @Test func enablingTakesTheNewSecretsCodeAndEndsOtherSessions() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "Claire Durand", email: "claire@example.org", role: .editor, password: TemporaryDesk.password)
    let first = try #require(try desk.accounts.session(token: try desk.signIn("claire@example.org")))
    let other = try desk.signIn("claire@example.org", from: "192.0.2.50")
    let secret = AuthenticatorCode.newSecret()
    let error = #expect(throws: DeskAccountError.self) {
      try desk.accounts.enableTwoStep(first, secret: secret, code: AuthenticatorCode(secret: AuthenticatorCode.newSecret()).code(step: 1))
    }
    #expect(error?.code == .wrongCode)
    #expect(try desk.accounts.session(token: other) != nil)
    try desk.accounts.enableTwoStep(first, secret: secret, code: code(secret, desk))
    #expect(try desk.accounts.session(token: other) == nil)
    #expect(try desk.store.deskSession(first.session.id)?.session.revoked == false)
    // A damaged form (the secret changed on the way) is refused as such.
    #expect(throws: DeskAccountError.self) { try desk.accounts.enableTwoStep(first, secret: "short", code: "123456") }
  }

  @Test func resettingRemovesTheAuthenticatorAndEndsSessions() throws {
    let desk = try TemporaryDesk()
    let (_, secret) = try enrolled(desk)
    let token = try signedInToken(desk, secret)
    let user = try desk.accounts.resetTwoStep(email: "Claire@example.org")
    #expect(!user.twoStep)
    #expect(try desk.accounts.session(token: token) == nil)
    // The password alone signs in again.
    _ = try desk.signIn("claire@example.org")
  }

  /// Signs in with the password and the current code.
  func signedInToken(_ desk: TemporaryDesk, _ secret: String) throws -> String {
    guard case .signedIn(let token, _, _) = try desk.accounts.confirmCode(
      try waiting(desk), code: code(secret, desk), client: "192.0.2.1", userAgent: "t")
    else { throw TemporaryDesk.SignInFailed() }
    return token
  }
}
