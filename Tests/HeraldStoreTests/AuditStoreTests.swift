import Foundation
import GRDB
import HeraldCore
import HeraldStore
import Testing

struct AuditStoreTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func entry(_ seconds: Double, _ name: String, _ action: AuditAction, _ target: String = "", outcome: AuditOutcome = .done) -> AuditEntry {
    AuditEntry(at: now + seconds, actor: AuditActor(kind: .desk, user: DeskUserID(rawValue: 1), name: name), origin: "192.0.2.1", action: action,
      target: target, outcome: outcome)
  }

  @Test func anEntryCannotBeChangedOrDeleted() throws {
    let t = try TemporaryStore()
    try t.store.recordAudit(entry(0, "Claire Durand", .outboxHold, "campaign x"))
    let database = try DatabaseQueue(path: t.path)
    #expect(throws: DatabaseError.self) { try database.write { try $0.execute(sql: "UPDATE audit SET actor = 'someone else'") } }
    #expect(throws: DatabaseError.self) { try database.write { try $0.execute(sql: "DELETE FROM audit") } }
    let kept = try t.store.auditEntries()
    #expect(kept.count == 1)
    #expect(kept.first?.actor.name == "Claire Durand")
  }

  @Test func pruningDropsOnlyOlderEntriesAndKeepsTheAuditAppendOnly() throws {
    let t = try TemporaryStore()
    for second in 0..<5 { try t.store.recordAudit(entry(Double(second) * 86_400, "A", .listCreate)) }
    #expect(try t.store.pruneAudit(before: now + 2 * 86_400) == 2)
    #expect(try t.store.auditEntries().count == 3)
    #expect(throws: DatabaseError.self) { try DatabaseQueue(path: t.path).write { try $0.execute(sql: "DELETE FROM audit") } }
  }

  @Test func entriesAreFilteredAndPagedNewestFirst() throws {
    let t = try TemporaryStore()
    for second in 0..<7 {
      try t.store.recordAudit(entry(Double(second), second % 2 == 0 ? "Claire" : "Bruno", second < 3 ? .outboxHold : .inquiryNote, "inquiry \(second)"))
    }
    let first = try t.store.auditEntries(limit: 3)
    #expect(first.map(\.target) == ["inquiry 6", "inquiry 5", "inquiry 4"])
    let second = try t.store.auditEntries(before: first.last!.id, limit: 3)
    #expect(second.map(\.target) == ["inquiry 3", "inquiry 2", "inquiry 1"])
    #expect(try t.store.auditEntries(AuditFilter(actor: "claire")).count == 4)
    #expect(try t.store.auditEntries(AuditFilter(action: .outboxHold)).map(\.target) == ["inquiry 2", "inquiry 1", "inquiry 0"])
    #expect(try t.store.auditEntries(AuditFilter(target: "inquiry 4")).count == 1)
    #expect(try t.store.auditEntries(AuditFilter(since: now + 2, until: now + 4)).map(\.target) == ["inquiry 3", "inquiry 2"])
    #expect(try t.store.auditActors() == ["Bruno", "Claire"])
  }

  @Test func controlAndBidiCharactersNeverReachTheRecord() throws {
    let t = try TemporaryStore()
    var hostile = entry(0, "Eve\u{1B}[31m\u{202E}", .signIn)
    hostile.detail = "line one\nline two"
    try t.store.recordAudit(hostile)
    let kept = try #require(try t.store.auditEntries().first)
    #expect(!kept.actor.name.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    #expect(!kept.detail.contains("\n"))
  }

  @Test func everyFilterAndPageUsesAnIndex() throws {
    let t = try TemporaryStore()
    let database = try DatabaseQueue(path: t.path)
    let queries = [
      "SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT 101",
      "SELECT * FROM audit WHERE actor = 'x' COLLATE NOCASE ORDER BY at DESC, id DESC LIMIT 101",
      "SELECT * FROM audit WHERE action = 'outbox.hold' ORDER BY at DESC, id DESC LIMIT 101",
      "SELECT * FROM audit WHERE target = 'subscriber 4' ORDER BY at DESC, id DESC LIMIT 101",
      "SELECT * FROM audit WHERE at >= 1 AND at < 2 ORDER BY at DESC, id DESC LIMIT 101",
    ]
    for query in queries {
      let rows = try database.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query).map { $0["detail"] as String } }
      // Each is a walk of an index, never a scan of the table, nor a sort of what it finds.
      #expect(rows.allSatisfy { !$0.hasPrefix("SCAN audit") || $0.contains("INDEX") }, "\(query): \(rows)")
      #expect(!rows.contains { $0.contains("TEMP B-TREE") }, "\(query): \(rows)")
    }
  }
}
