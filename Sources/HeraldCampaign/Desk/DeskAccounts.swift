import Crypto
import Foundation
import HeraldCore
import HeraldMail
import HeraldStore
import HummingbirdBcrypt
import Logging

/// The desk's accounts and sessions: adding people, their roles and passwords, signing in
/// and out, and the sessions that prove who a request is from. `herald users` and the desk
/// both go through it.
///
/// Its calls block (bcrypt takes about 250 ms at cost 12, SQLite): a server calls them on
/// `BlockingWork.run`, never on an event loop. Passwords are only ever taken as values,
/// hashed and compared; they are never logged.
package final class DeskAccounts: Sendable {
  /// The store the accounts are kept in.
  package let store: SubscriberStore
  /// The time of day (session expiry, throttling).
  package let clock: WallClock
  /// Costs, lifetimes and delays.
  package let policy: DeskAccountPolicy
  let logger: Logger
  /// A hash of a password nobody has, at the policy's cost: an unknown address is checked
  /// against it, so that it takes as long as a wrong password (made on first use).
  private let dummyHash = Shared<String?>(nil)

  /// Makes the accounts of a store.
  package init(store: SubscriberStore, clock: WallClock = .system, policy: DeskAccountPolicy = DeskAccountPolicy(), logger: Logger = Logger(label: "herald.desk")) {
    self.store = store
    self.clock = clock
    self.policy = policy
    self.logger = logger
  }

  // MARK: Accounts

  /// Adds a desk user. Without a password, Herald makes up a strong one that must be
  /// changed at the first sign-in.
  /// - Returns: the user and the password made up (nil when one was given).
  /// - Throws: `DeskAccountError` `.invalidInput` (name, address), `.duplicateEmail`, `.weakPassword`.
  @discardableResult
  package func add(name: String, email: String, role: DeskRole, password: String?) throws -> (user: DeskUser, oneTimePassword: String?) {
    let name = try Self.checkedName(name)
    let email = try Self.checkedEmail(email)
    if try store.deskUser(email: email) != nil {
      throw DeskAccountError(.duplicateEmail, "a desk user with the address \(email) exists already; see herald users list, or choose another address")
    }
    let generated = password == nil ? Self.generatedPassword() : nil
    let chosen = password ?? generated!
    if password != nil { try checkStrength(chosen, email: email, name: name) }
    let hash = Bcrypt.hash(chosen, cost: policy.passwordCost)
    do {
      let user = try store.addDeskUser(name: name, email: email, role: role, passwordHash: hash, mustChangePassword: generated != nil, at: clock.now)
      logger.info("desk user added", metadata: ["user": "\(user.id)", "role": "\(role)"])
      return (user, generated)
    } catch let error as StoreError where error.code == .alreadyExists {
      throw DeskAccountError(.duplicateEmail, "a desk user with the address \(email) exists already; see herald users list, or choose another address", underlying: error)
    }
  }

  /// Every desk user, by name.
  package func users() throws -> [DeskUser] {
    try store.deskUsers()
  }

  /// The user with this address.
  /// - Throws: `.unknownUser`, naming the address.
  package func user(email: String) throws -> DeskUser {
    guard let user = try store.deskUser(email: email) else {
      throw DeskAccountError(.unknownUser, "there is no desk user with the address \(email); herald users list shows them")
    }
    return user
  }

  /// Sets a user's password (an administrator's reset), or makes up one that must be changed
  /// at the next sign-in; every session of theirs ends.
  /// - Returns: the password made up, or nil when one was given.
  /// - Throws: `.unknownUser`, `.weakPassword`.
  @discardableResult
  package func resetPassword(email: String, password: String?) throws -> String? {
    let user = try user(email: email)
    let generated = password == nil ? Self.generatedPassword() : nil
    if let password { try checkStrength(password, email: user.email, name: user.name) }
    let hash = Bcrypt.hash(password ?? generated!, cost: policy.passwordCost)
    try store.setDeskPassword(user.id, passwordHash: hash, mustChangePassword: generated != nil, at: clock.now)
    logger.info("desk password set; sessions ended", metadata: ["user": "\(user.id)"])
    return generated
  }

  /// Gives a user another role (it applies to their next request).
  /// - Throws: `.unknownUser`.
  @discardableResult
  package func setRole(email: String, _ role: DeskRole) throws -> DeskUser {
    var user = try user(email: email)
    try store.setDeskRole(user.id, role)
    user.role = role
    logger.info("desk role changed", metadata: ["user": "\(user.id)", "role": "\(role)"])
    return user
  }

  /// Disables a user: they can no longer sign in, and their sessions end at once.
  /// - Throws: `.unknownUser`.
  @discardableResult
  package func disable(email: String) throws -> DeskUser {
    var user = try user(email: email)
    try store.setDeskUserDisabled(user.id, true)
    user.disabled = true
    logger.info("desk user disabled; sessions ended", metadata: ["user": "\(user.id)"])
    return user
  }

  /// Reads a role's name.
  /// - Throws: `.unknownRole`, listing the roles.
  package static func role(named name: String) throws -> DeskRole {
    guard let role = DeskRole(named: name) else {
      throw DeskAccountError(.unknownRole, "“\(name)” is not a role; use \(DeskRole.names) (each can do what the ones before it can)")
    }
    return role
  }

  // MARK: Passwords

  /// Refuses a password that is easy to guess: shorter than the policy's minimum, or the
  /// user's address or name (or part of them, or only one character repeated).
  /// - Throws: `.weakPassword`, saying what to do.
  package func checkStrength(_ password: String, email: String, name: String) throws {
    if password.count < policy.minimumPasswordLength {
      throw DeskAccountError(.weakPassword, "the password is too short: it has \(password.count) characters; use at least \(policy.minimumPasswordLength), for example a few unrelated words")
    }
    if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw DeskAccountError(.weakPassword, "the password holds a control character (a tab, a line break, NUL); use only characters you can type")
    }
    let folded = password.lowercased().filter { !$0.isWhitespace }
    let local = String(DeskUser.key(email).prefix { $0 != "@" })
    let nameFolded = name.lowercased().filter { !$0.isWhitespace }
    if folded == DeskUser.key(email) || (!local.isEmpty && folded.contains(local) && local.count >= folded.count / 2)
      || (!nameFolded.isEmpty && folded.contains(nameFolded) && nameFolded.count >= folded.count / 2)
    {
      throw DeskAccountError(.weakPassword, "the password is made of the user's address or name; choose one that has nothing to do with them")
    }
    if Set(folded).count < 4 {
      throw DeskAccountError(.weakPassword, "the password repeats too few different characters; use at least \(policy.minimumPasswordLength) characters of several kinds, for example a few unrelated words")
    }
  }

  /// A password made up for a person to type once: 20 characters from an alphabet without
  /// look-alikes (about 110 bits), in groups of five.
  package static func generatedPassword() -> String {
    let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    let characters = (0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
    return stride(from: 0, to: 20, by: 5).map { String(characters[$0..<$0 + 5]) }.joined(separator: "-")
  }

  // MARK: Signing in

  /// Signs a person in: checks throttling first (per account and per client address), then
  /// the password; records the attempt. An unknown address, a wrong password and a disabled
  /// account take the same time and give the same answer.
  /// - Parameters:
  ///   - client: the client's address (for throttling and the record).
  ///   - userAgent: the browser's User-Agent (kept with the session, shortened).
  package func signIn(email: String, password: String, client: String, userAgent: String) throws -> DeskSignIn {
    let now = clock.now
    if let wait = try throttle(email: email, client: client, at: now) { return .throttled(retryAfter: wait) }
    let credentials = try store.deskCredentials(email: email)
    // The same work whether the address is known or not: a dummy hash at the same cost.
    let matches = Bcrypt.verify(password, hash: credentials?.passwordHash ?? dummy())
    guard let credentials, matches, !credentials.user.disabled else {
      try store.recordDeskSignIn(email: email, ip: client, at: now, ok: false)
      logger.notice("desk sign-in refused", metadata: ["client": "\(client)"])
      return .refused
    }
    if credentials.user.twoStep {
      // Not recorded as a success: failures keep counting until the code is right, so that
      // knowing the password does not buy fresh guesses at the code.
      var (token, session) = Self.newSession(for: credentials.user.id, client: client, userAgent: userAgent, at: now)
      session.awaitingCode = true
      try store.addDeskSession(session)
      logger.info("desk password accepted; code awaited", metadata: ["user": "\(credentials.user.id)", "client": "\(client)"])
      return .codeNeeded(token: token, session: session, user: credentials.user)
    }
    try store.recordDeskSignIn(email: email, ip: client, at: now, ok: true)
    let (token, session) = Self.newSession(for: credentials.user.id, client: client, userAgent: userAgent, at: now)
    try store.addDeskSession(session)
    logger.info("desk sign-in", metadata: ["user": "\(credentials.user.id)", "client": "\(client)"])
    return .signedIn(token: token, session: session, user: credentials.user)
  }

  /// The seconds to wait before another try for this account or from this address, after
  /// the failures recorded for either; nil when a try may be made now.
  func throttle(email: String, client: String, at now: Date) throws -> Int? {
    let failures = try store.deskSignInFailures(email: email, ip: client, since: now.addingTimeInterval(-policy.failureMemory))
    var wait: TimeInterval = 0
    for failure in [failures.account, failures.client] {
      guard let last = failure.last else { continue }
      wait = max(wait, last.addingTimeInterval(policy.delay(afterFailures: failure.count)).timeIntervalSince(now))
    }
    guard wait > 0 else { return nil }
    logger.notice("desk sign-in throttled", metadata: ["client": "\(client)", "retry_after": "\(Int(wait.rounded(.up)))"])
    return max(1, Int(wait.rounded(.up)))
  }

  /// The valid session a cookie's token names, with its user; nil when the token is unknown,
  /// the session was ended, has been idle too long or is too old, or the user is disabled.
  /// A valid session's idle time starts again.
  package func session(token: String) throws -> DeskSignedIn? {
    guard let id = Self.sessionID(token: token), let found = try store.deskSession(id) else { return nil }
    let (session, user) = found
    let now = clock.now
    guard !session.revoked, !user.disabled else { return nil }
    let lifetime = session.awaitingCode ? policy.codeTimeout : policy.absoluteTimeout
    if now.timeIntervalSince(session.lastSeenAt) > policy.idleTimeout || now.timeIntervalSince(session.createdAt) > lifetime {
      try store.revokeDeskSession(id)
      return nil
    }
    var touched = session
    // One write a minute at most: a page's requests do not each write the database.
    if now.timeIntervalSince(session.lastSeenAt) >= 60 {
      try store.touchDeskSession(id, at: now)
      touched.lastSeenAt = now
    }
    return DeskSignedIn(session: touched, user: user)
  }

  /// Ends the session a token names (signing out); nothing for an unknown token.
  package func signOut(token: String) throws {
    guard let id = Self.sessionID(token: token) else { return }
    try store.revokeDeskSession(id)
  }

  /// Changes a signed-in user's own password: checks the current one, ends their other
  /// sessions (the one that changed it stays).
  /// - Throws: `.wrongPassword`, `.weakPassword`.
  package func changePassword(_ signedIn: DeskSignedIn, current: String, new: String) throws {
    guard let credentials = try store.deskCredentials(email: signedIn.user.email), Bcrypt.verify(current, hash: credentials.passwordHash) else {
      throw DeskAccountError(.wrongPassword, "the current password is wrong; type the password you signed in with")
    }
    try checkStrength(new, email: signedIn.user.email, name: signedIn.user.name)
    if Bcrypt.verify(new, hash: credentials.passwordHash) {
      throw DeskAccountError(.weakPassword, "the new password is the current one; choose another")
    }
    try store.setDeskPassword(
      signedIn.user.id, passwordHash: Bcrypt.hash(new, cost: policy.passwordCost), mustChangePassword: false, at: clock.now,
      keeping: signedIn.session.id)
    logger.info("desk password changed; other sessions ended", metadata: ["user": "\(signedIn.user.id)"])
  }

  /// Whether a form's token is the session's, compared in constant time.
  package static func formTokenMatches(_ given: String?, _ session: DeskSession) -> Bool {
    guard let given else { return false }
    let a = Array(given.utf8), b = Array(session.formToken.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
  }

  // MARK: Tokens

  /// A new session for a user: a random 256-bit token (base64url) for the cookie and the
  /// record the store keeps, named by the token's SHA-256.
  static func newSession(for user: DeskUserID, client: String, userAgent: String, at now: Date) -> (token: String, session: DeskSession) {
    let token = randomToken()
    let session = DeskSession(
      id: sessionID(token: token)!, userID: user, formToken: randomToken(), createdAt: now, lastSeenAt: now, ip: client,
      userAgent: String(userAgent.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(300).map(Character.init)),
      revoked: false)
    return (token, session)
  }

  /// 32 random bytes from the system's generator, base64url.
  static func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: 32)
    for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
    return Base64.encodeURLSafe(bytes)
  }

  /// The store's name for the session of a token: its SHA-256, hex; nil for text that is
  /// not a token (anything but 43 base64url characters).
  package static func sessionID(token: String) -> String? {
    guard token.utf8.count == 43, let bytes = Base64.decodeURLSafe(token), bytes.count == 32 else { return nil }
    return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  private func dummy() -> String {
    if let hash = dummyHash.value { return hash }
    let hash = Bcrypt.hash(Self.randomToken(), cost: policy.passwordCost)
    dummyHash.withLock { $0 = hash }
    return hash
  }

  // MARK: Input

  static func checkedName(_ name: String) throws -> String {
    let cleaned = String(String.UnicodeScalarView(name.unicodeScalars.filter { !Self.isInvisibleControl($0) }))
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard !cleaned.isEmpty else { throw DeskAccountError(.invalidInput, "the name is empty; give the person's name as colleagues know it, e.g. \"Claire Durand\"") }
    guard cleaned.count <= 200 else { throw DeskAccountError(.invalidInput, "the name is \(cleaned.count) characters long; use at most 200") }
    return cleaned
  }

  static func checkedEmail(_ email: String) throws -> String {
    do {
      return try EmailAddress.normalize(email)
    } catch let error as MailError {
      throw DeskAccountError(.invalidInput, "the address \(email) cannot be used to sign in: \(error.message)", underlying: error)
    }
  }

  /// Control characters, line breaks and bidirectional formatting characters: nothing a
  /// name needs, and bidi controls can make one name look like another.
  static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
      || scalar.properties.generalCategory == .paragraphSeparator
      || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) || scalar.value == 0x200E || scalar.value == 0x200F
      || scalar.value == 0x061C
  }
}
