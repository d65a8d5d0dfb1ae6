import Foundation
import GRDB
import HeraldCore
import HeraldStore
import Testing

struct DeskStoreTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  @Test func anAddressHasOneAccountComparedWithoutCase() throws {
    let t = try TemporaryStore()
    try t.store.addDeskUser(name: "Claire Durand", email: "Claire@example.org", role: .editor, passwordHash: "x", mustChangePassword: false, at: now)
    #expect(throws: StoreError.self) {
      try t.store.addDeskUser(name: "Other", email: "claire@EXAMPLE.org", role: .viewer, passwordHash: "y", mustChangePassword: false, at: now)
    }
    #expect(try t.store.deskUser(email: "CLAIRE@example.org")?.name == "Claire Durand")
    #expect(try t.store.deskUsers().count == 1)
  }

  @Test func aRemovedUsersNumberIsNeverGivenAgain() throws {
    let t = try TemporaryStore()
    let first = try t.store.addDeskUser(name: "A", email: "a@example.org", role: .viewer, passwordHash: "x", mustChangePassword: false, at: now)
    try DatabaseQueue(path: t.path).write { try $0.execute(sql: "DELETE FROM desk_user WHERE id = ?", arguments: [first.id.rawValue]) }
    let second = try t.store.addDeskUser(name: "B", email: "b@example.org", role: .viewer, passwordHash: "x", mustChangePassword: false, at: now)
    #expect(second.id > first.id)
  }

  @Test func aPasswordChangeEndsEverySessionButTheOneKept() throws {
    let t = try TemporaryStore()
    let user = try t.store.addDeskUser(name: "A", email: "a@example.org", role: .admin, passwordHash: "x", mustChangePassword: true, at: now)
    for id in ["s1", "s2", "s3"] {
      try t.store.addDeskSession(DeskSession(id: id, userID: user.id, formToken: "f", createdAt: now, lastSeenAt: now, ip: "127.0.0.1", userAgent: "test", revoked: false))
    }
    try t.store.setDeskPassword(user.id, passwordHash: "new", mustChangePassword: false, at: now, keeping: "s2")
    #expect(try t.store.deskSessions(of: user.id).map(\.id) == ["s2"])
    #expect(try t.store.deskCredentials(email: "a@example.org")?.passwordHash == "new")
    #expect(try t.store.deskUser(user.id)?.mustChangePassword == false)
  }

  @Test func disablingAUserEndsTheirSessions() throws {
    let t = try TemporaryStore()
    let user = try t.store.addDeskUser(name: "A", email: "a@example.org", role: .sender, passwordHash: "x", mustChangePassword: false, at: now)
    try t.store.addDeskSession(DeskSession(id: "s1", userID: user.id, formToken: "f", createdAt: now, lastSeenAt: now, ip: "127.0.0.1", userAgent: "test", revoked: false))
    try t.store.setDeskUserDisabled(user.id, true)
    #expect(try t.store.deskSessions(of: user.id).isEmpty)
    #expect(try t.store.deskSession("s1")?.session.revoked == true)
    #expect(try t.store.deskUser(user.id)?.disabled == true)
  }

  @Test func failuresCountFromTheLastSuccessPerAccountAndPerAddress() throws {
    let t = try TemporaryStore()
    for second in 0..<3 { try t.store.recordDeskSignIn(email: "a@example.org", ip: "192.0.2.1", at: now + Double(second), ok: false) }
    try t.store.recordDeskSignIn(email: "a@example.org", ip: "192.0.2.9", at: now + 3, ok: true)
    try t.store.recordDeskSignIn(email: "A@example.org", ip: "192.0.2.1", at: now + 4, ok: false)
    try t.store.recordDeskSignIn(email: "b@example.org", ip: "192.0.2.1", at: now + 5, ok: false)
    let failures = try t.store.deskSignInFailures(email: "a@example.org", ip: "192.0.2.1", since: now - 60)
    #expect(failures.account == DeskSignInFailures(count: 1, last: now + 4))
    #expect(failures.client == DeskSignInFailures(count: 5, last: now + 5))
    #expect(try t.store.deskSignIns().count == 6)
    let forgotten = try t.store.deskSignInFailures(email: "b@example.org", ip: "192.0.2.1", since: now + 4.5)
    #expect(forgotten.client.count == 1)
  }

  @Test func theSignInRecordKeepsNinetyDays() throws {
    let t = try TemporaryStore()
    let day = 86_400.0
    try t.store.recordDeskSignIn(email: "old@example.org", ip: "192.0.2.1", at: now, ok: false)
    try t.store.recordDeskSignIn(email: "recent@example.org", ip: "192.0.2.1", at: now + 10 * day, ok: false)
    try t.store.recordDeskSignIn(email: "new@example.org", ip: "192.0.2.1", at: now + 89 * day, ok: true)
    #expect(try t.store.deskSignIns().map(\.email) == ["new@example.org", "recent@example.org", "old@example.org"])
    try t.store.recordDeskSignIn(email: "newer@example.org", ip: "192.0.2.1", at: now + 95 * day, ok: true)
    #expect(try t.store.deskSignIns().map(\.email) == ["newer@example.org", "new@example.org", "recent@example.org"])
  }

  @Test func rolesAreOrderedAndNamedInAnyCase() {
    #expect(DeskRole.admin.allows(.sender))
    #expect(DeskRole.sender.allows(.editor))
    #expect(!DeskRole.editor.allows(.sender))
    #expect(!DeskRole.viewer.allows(.editor))
    #expect(DeskRole(named: " Sender ") == .sender)
    #expect(DeskRole(named: "owner") == nil)
    #expect(DeskRole.names == "viewer, editor, sender or admin")
  }
}
