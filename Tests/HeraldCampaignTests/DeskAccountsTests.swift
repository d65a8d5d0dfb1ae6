import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import Testing

/// Desk accounts on a store in a new folder, with a clock the test moves. bcrypt runs at
/// cost 4 here (16 rounds instead of 4,096) so that the tests stay fast; the code is the same.
final class TemporaryDesk {
  let directory: URL
  let store: SubscriberStore
  let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
  let accounts: DeskAccounts

  init(policy: DeskAccountPolicy = DeskAccountPolicy()) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-desk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    store = try SubscriberStore(path: directory.appendingPathComponent("herald.sqlite").path)
    var policy = policy
    policy.passwordCost = 4
    accounts = DeskAccounts(store: store, clock: clock.wallClock, policy: policy)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  static let password = "correct horse battery staple"

  /// Signs in and returns the token, or fails the test.
  func signIn(_ email: String, _ password: String = TemporaryDesk.password, from client: String = "192.0.2.1") throws -> String {
    guard case .signedIn(let token, _, _) = try accounts.signIn(email: email, password: password, client: client, userAgent: "test") else {
      throw SignInFailed()
    }
    return token
  }

  struct SignInFailed: Error {}
}

struct DeskAccountsTests {
  @Test func aGivenPasswordSignsInAndTheStoreKeepsOnlyItsHash() throws {
    let desk = try TemporaryDesk()
    let (user, generated) = try desk.accounts.add(name: "Claire Durand", email: "claire@example.org", role: .editor, password: TemporaryDesk.password)
    #expect(generated == nil)
    #expect(user.mustChangePassword == false)
    let hash = try #require(try desk.store.deskCredentials(email: "claire@example.org")?.passwordHash)
    #expect(hash.hasPrefix("$2b$04$"))
    #expect(!hash.contains(TemporaryDesk.password))
    let token = try desk.signIn("Claire@Example.org")
    let signedIn = try #require(try desk.accounts.session(token: token))
    #expect(signedIn.user.id == user.id)
    // The store names the session by the token's SHA-256, never by the token.
    #expect(signedIn.session.id == DeskAccounts.sessionID(token: token))
    #expect(signedIn.session.id != token)
    #expect(signedIn.session.id.count == 64)
  }

  @Test func withoutAPasswordAOneTimeOneIsMadeThatMustBeChanged() throws {
    let desk = try TemporaryDesk()
    let (user, generated) = try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: nil)
    let password = try #require(generated)
    #expect(password.count == 23)
    #expect(user.mustChangePassword)
    _ = try desk.signIn("a@example.org", password)
    #expect(DeskAccounts.generatedPassword() != DeskAccounts.generatedPassword())
  }

  @Test(arguments: [
    ("short pass", "too short"),
    ("claire@example.org", "address or name"),
    ("Claire Durand!!", "address or name"),
    ("aaaaaaaaaaaaaaaa", "too few different"),
    ("tab\tin the password", "control character"),
  ])
  func weakPasswordsAreRefusedSayingWhy(password: String, reason: String) throws {
    let desk = try TemporaryDesk()
    let error = try #require(throws: DeskAccountError.self) {
      try desk.accounts.add(name: "Claire Durand", email: "claire@example.org", role: .viewer, password: password)
    }
    #expect(error.code == .weakPassword)
    #expect(error.message.contains(reason))
    #expect(try desk.accounts.users().isEmpty)
  }

  @Test func aDuplicateAddressAndAnUnknownRoleAreRefusedClearly() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let duplicate = try #require(throws: DeskAccountError.self) {
      try desk.accounts.add(name: "B", email: "A@example.org", role: .admin, password: TemporaryDesk.password)
    }
    #expect(duplicate.code == .duplicateEmail)
    let role = try #require(throws: DeskAccountError.self) { try DeskAccounts.role(named: "owner") }
    #expect(role.message.contains("viewer, editor, sender or admin"))
  }

  @Test func hostileNamesLoseTheirControlAndBidiCharacters() throws {
    let desk = try TemporaryDesk()
    let (user, _) = try desk.accounts.add(
      name: "Eve\u{202E}nimda\u{0007}\n", email: "eve@example.org", role: .viewer, password: TemporaryDesk.password)
    #expect(user.name == "Evenimda")
    #expect(throws: DeskAccountError.self) {
      try desk.accounts.add(name: "\u{202E}\u{2066}", email: "x@example.org", role: .viewer, password: TemporaryDesk.password)
    }
    #expect(throws: DeskAccountError.self) {
      try desk.accounts.add(name: "X", email: "not an address", role: .viewer, password: TemporaryDesk.password)
    }
  }

  @Test func anUnknownUserAWrongPasswordAndADisabledAccountGetTheSameAnswer() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    try desk.accounts.add(name: "D", email: "d@example.org", role: .viewer, password: TemporaryDesk.password)
    try desk.accounts.disable(email: "d@example.org")
    for (email, password) in [("a@example.org", "wrong password here"), ("nobody@example.org", TemporaryDesk.password), ("d@example.org", TemporaryDesk.password)] {
      guard case .refused = try desk.accounts.signIn(email: email, password: password, client: "192.0.2.\(email.count)", userAgent: "t") else {
        Issue.record("\(email) was not refused")
        continue
      }
    }
    // Every attempt is recorded, failed ones as failed.
    #expect(try desk.store.deskSignIns().map(\.ok) == [false, false, false])
  }

  @Test func failedSignInsForOneAccountWaitLongerAndLongerThenForgiveASuccess() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    // Five failures are free, each from another address (the account's own count).
    for attempt in 0..<5 {
      guard case .refused = try desk.accounts.signIn(email: "a@example.org", password: "wrong wrong wrong", client: "192.0.2.\(attempt)", userAgent: "t")
      else { Issue.record("attempt \(attempt) not refused"); return }
    }
    // The sixth waits 1 s: throttled, even with the right password, from a new address.
    guard case .throttled(let first) = try desk.accounts.signIn(email: "a@example.org", password: TemporaryDesk.password, client: "192.0.2.50", userAgent: "t")
    else { Issue.record("not throttled"); return }
    #expect(first == 1)
    desk.clock.advance(by: 1.5)
    guard case .refused = try desk.accounts.signIn(email: "a@example.org", password: "wrong again wrong", client: "192.0.2.51", userAgent: "t")
    else { Issue.record("not refused after the wait"); return }
    guard case .throttled(let second) = try desk.accounts.signIn(email: "a@example.org", password: TemporaryDesk.password, client: "192.0.2.52", userAgent: "t")
    else { Issue.record("not throttled after the 6th failure"); return }
    #expect(second == 2)
    desk.clock.advance(by: 2)
    _ = try desk.signIn("a@example.org", from: "192.0.2.53")
    // A success starts the count again.
    guard case .refused = try desk.accounts.signIn(email: "a@example.org", password: "wrong wrong wrong", client: "192.0.2.54", userAgent: "t")
    else { Issue.record("throttled after a success"); return }
  }

  @Test func oneAddressTryingManyAccountsIsThrottledAndTheDelayIsCapped() throws {
    let desk = try TemporaryDesk()
    for attempt in 0..<20 {
      desk.clock.advance(by: 1000)
      _ = try desk.accounts.signIn(email: "user\(attempt)@example.org", password: "guess guess guess", client: "198.51.100.7", userAgent: "t")
    }
    guard case .throttled(let wait) = try desk.accounts.signIn(email: "new@example.org", password: "guess guess guess", client: "198.51.100.7", userAgent: "t")
    else { Issue.record("the address was not throttled"); return }
    #expect(wait == 900)
    // Another address is not held back by it.
    guard case .refused = try desk.accounts.signIn(email: "new@example.org", password: "guess guess guess", client: "198.51.100.8", userAgent: "t")
    else { Issue.record("another address was throttled"); return }
    #expect(DeskAccountPolicy().delay(afterFailures: 4) == 0)
    #expect(DeskAccountPolicy().delay(afterFailures: 7) == 4)
  }

  @Test func aSessionEndsWhenIdleTooLong() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let token = try desk.signIn("a@example.org")
    desk.clock.advance(by: 29 * 60)
    #expect(try desk.accounts.session(token: token) != nil)
    // Used just now: the idle time starts again.
    desk.clock.advance(by: 29 * 60)
    #expect(try desk.accounts.session(token: token) != nil)
    desk.clock.advance(by: 31 * 60)
    #expect(try desk.accounts.session(token: token) == nil)
    desk.clock.advance(by: -31 * 60)
    // Once ended, it stays ended.
    #expect(try desk.accounts.session(token: token) == nil)
  }

  @Test func aSessionEndsTwelveHoursAfterSignInEvenWhenUsed() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let token = try desk.signIn("a@example.org")
    for _ in 0..<40 {
      desk.clock.advance(by: 20 * 60)
      if try desk.accounts.session(token: token) == nil { break }
    }
    #expect(desk.clock.now.timeIntervalSince1970 - 1_800_000_000 > 12 * 3600)
    #expect(desk.clock.now.timeIntervalSince1970 - 1_800_000_000 <= 12 * 3600 + 20 * 60)
    #expect(try desk.accounts.session(token: token) == nil)
  }

  @Test func signingOutEndsOnlyThatSession() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let laptop = try desk.signIn("a@example.org")
    let phone = try desk.signIn("a@example.org")
    try desk.accounts.signOut(token: laptop)
    #expect(try desk.accounts.session(token: laptop) == nil)
    #expect(try desk.accounts.session(token: phone) != nil)
    #expect(try desk.accounts.session(token: "not a token") == nil)
    #expect(try desk.accounts.session(token: DeskAccounts.generatedPassword()) == nil)
  }

  @Test func changingOnesPasswordEndsTheOtherSessions() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let laptop = try desk.signIn("a@example.org")
    let phone = try desk.signIn("a@example.org")
    let signedIn = try #require(try desk.accounts.session(token: laptop))
    #expect(throws: DeskAccountError.self) { try desk.accounts.changePassword(signedIn, current: "not the password", new: "a brand new passphrase") }
    #expect(try desk.accounts.session(token: phone) != nil)
    try desk.accounts.changePassword(signedIn, current: TemporaryDesk.password, new: "a brand new passphrase")
    #expect(try desk.accounts.session(token: laptop) != nil)
    #expect(try desk.accounts.session(token: phone) == nil)
    _ = try desk.signIn("a@example.org", "a brand new passphrase")
  }

  @Test func anAdministratorsResetAndDisablingEndEverySession() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let token = try desk.signIn("a@example.org")
    let generated = try desk.accounts.resetPassword(email: "a@example.org", password: nil)
    #expect(try desk.accounts.session(token: token) == nil)
    #expect(try desk.accounts.user(email: "a@example.org").mustChangePassword)
    let again = try desk.signIn("a@example.org", try #require(generated))
    try desk.accounts.disable(email: "a@example.org")
    #expect(try desk.accounts.session(token: again) == nil)
    guard case .refused = try desk.accounts.signIn(email: "a@example.org", password: try #require(generated), client: "192.0.2.1", userAgent: "t")
    else { Issue.record("a disabled user signed in"); return }
  }

  @Test func aRoleChangeAppliesToTheNextRequest() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let token = try desk.signIn("a@example.org")
    try desk.accounts.setRole(email: "a@example.org", .sender)
    #expect(try desk.accounts.session(token: token)?.user.role == .sender)
  }

  @Test func formTokensAreComparedWholly() throws {
    let desk = try TemporaryDesk()
    try desk.accounts.add(name: "A", email: "a@example.org", role: .viewer, password: TemporaryDesk.password)
    let session = try #require(try desk.accounts.session(token: try desk.signIn("a@example.org"))).session
    let other = try #require(try desk.accounts.session(token: try desk.signIn("a@example.org"))).session
    #expect(DeskAccounts.formTokenMatches(session.formToken, session))
    #expect(!DeskAccounts.formTokenMatches(other.formToken, session))
    #expect(!DeskAccounts.formTokenMatches(nil, session))
    #expect(!DeskAccounts.formTokenMatches(String(session.formToken.dropLast()), session))
  }
}
