import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

struct DeskAuditTests {
  /// Every POST route the desk registers has an audit action: when routes are added (the
  /// other parts of the desk), this names each one the audit does not know yet.
  @Test func everyPostRouteTheDeskRegistersHasAnAuditAction() throws {
    let fixture = try DeskFixture()
    let posts = fixture.desk.router().routes.filter { $0.method == .post }.map { DeskAuditRoutes.pattern(routerPath: $0.path.description) }
    #expect(posts.count >= 17)
    let unmapped = posts.filter { DeskAuditRoutes.action(pattern: $0) == nil }
    #expect(unmapped.isEmpty, "POST routes without an audit action (add them to DeskAuditRoutes.actions): \(unmapped)")
  }

  /// The issue's routes are mapped before they are served, as DeskRoute names them.
  @Test func everyStateChangingRouteOfIssue18IsMapped() {
    let routes: [DeskRoute] = [
      .inquiryAssign, .inquiryNote, .inquiryStatus, .inquiryDeadline, .inquiryReply, .inquiryReplySend, .reclassify, .newSubscriber,
      .editSubscriber, .unsubscribeSubscriber, .suppressSubscriber, .forgetSubscriber, .suppressions, .newList, .list, .listImport,
      .listImportRun, .outboxHold, .outboxRelease, .outboxRetry, .outboxPurge,
    ]
    for route in routes { #expect(DeskAuditRoutes.action(pattern: route.pattern) != nil, "\(route)") }
  }

  @Test func aTargetIsTheRoutesFirstParameterNamedByWhatItIs() {
    #expect(DeskAuditRoutes.target(pattern: DeskRoute.edit.pattern, path: "/releases/2026-12-06-report%20x.md/edit") == "release 2026-12-06-report x.md")
    #expect(DeskAuditRoutes.target(pattern: DeskRoute.forgetSubscriber.pattern, path: "/subscribers/42/forget") == "subscriber 42")
    #expect(DeskAuditRoutes.target(pattern: DeskRoute.outboxHold.pattern, path: "/outbox/hold") == "")
    #expect(DeskAuditRoutes.pattern(routerPath: "/releases/{file}/send/confirm") == DeskRoute.sendConfirm.pattern)
  }

  @Test func aFormDoneRefusedOrFailedIsRecordedWithWhoFromWhereAndTheRoute() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let sender = try await client.signIn("sender@example.org")
      let viewer = try await client.signIn("viewer@example.org")
      #expect(try await client.post("/outbox/retry", sender, [("all", "1")]).status == .seeOther)
      #expect(try await client.post("/outbox/retry", viewer, [("all", "1")]).status == .forbidden)
      #expect(try await client.post("/outbox/purge", sender, [("state", "sent"), ("days", "0")]).status == .unprocessableContent)
      // A form without its token is refused too, and recorded as such.
      #expect(try await client.post("/outbox/retry", sender, [("all", "1")], csrf: "forged").status == .forbidden)
    }
    let entries = try fixture.mailroom.store.auditEntries(AuditFilter(action: .outboxRetry)).reversed().map { $0 }
    #expect(entries.map(\.outcome) == [.done, .refused, .refused])
    #expect(entries.map(\.actor.name) == ["The sender", "The viewer", "The sender"])
    #expect(entries.allSatisfy { $0.actor.kind == .desk && $0.origin == "127.0.0.1" })
    #expect(entries.first?.target == "every deferred message")
    #expect(entries.first?.detail == "0 due now")
    let purge = try #require(try fixture.mailroom.store.auditEntries(AuditFilter(action: .outboxPurge)).first)
    #expect(purge.outcome == .failed)
    #expect(purge.detail.contains("422"))
  }

  @Test func signInsSucceededAndFailedAndSignOutsAreRecordedWithoutWhatWasTyped() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let wrong = try await client.execute(
        uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: formBody([("email", "my-secret-password"), ("password", "x")]))
      #expect(wrong.status == .unauthorized)
      #expect(try await client.post("/sign-out", editor, []).status == .seeOther)
    }
    let signIns = try fixture.mailroom.store.auditEntries(AuditFilter(action: .signIn)).reversed().map { $0 }
    #expect(signIns.map(\.outcome) == [.done, .failed])
    #expect(signIns.first?.actor.name == "The editor")
    #expect(signIns.last?.actor.user == nil)
    let all = try fixture.mailroom.store.auditEntries()
    #expect(!all.contains { $0.detail.contains("my-secret-password") || $0.target.contains("my-secret-password") })
    #expect(try fixture.mailroom.store.auditEntries(AuditFilter(action: .signOut)).first?.actor.name == "The editor")
  }

  @Test func onlyAdministratorsReadTheAuditAndNoRouteChangesIt() async throws {
    let fixture = try DeskFixture()
    try fixture.mailroom.store.recordAudit(
      AuditEntry(at: fixture.clock.wallClock.now, actor: AuditActor(kind: .cli, name: "claire"), origin: "command line on newsroom", action: .listCreate,
        target: "list press-en", outcome: .done))
    try await fixture.test { client in
      for role in [DeskRole.viewer, .editor, .sender] {
        let browser = try await client.signIn("\(role)@example.org")
        #expect(try await client.execute(uri: "/audit", method: .get, headers: browser.headers()).status == .forbidden)
        #expect(try await client.execute(uri: "/audit.csv", method: .get, headers: browser.headers()).status == .forbidden)
      }
      let admin = try await client.signIn("admin@example.org")
      let page = try await client.execute(uri: "/audit?actor=claire", method: .get, headers: admin.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("list press-en"))
      #expect(page.headers[.cacheControl] == "no-store")
      let filtered = try await client.execute(uri: "/audit?action=outbox.hold", method: .get, headers: admin.headers())
      #expect(!filtered.text.contains("list press-en"))
      let bad = try await client.execute(uri: "/audit?from=yesterday", method: .get, headers: admin.headers())
      #expect(bad.status == .unprocessableContent)
      #expect(bad.text.contains("aria-describedby=\"audit-from-error\""))
      for method in [HTTPRequest.Method.post, .put, .delete] {
        let response = try await client.execute(uri: "/audit", method: method, headers: admin.headers(form: true), body: formBody([("csrf", admin.csrf)]))
        #expect(response.status == .methodNotAllowed || response.status == .notFound, "\(method)")
      }
    }
    #expect(try fixture.mailroom.store.auditEntries(AuditFilter(action: .listCreate)).count == 1)
  }

  @Test func theCSVExportIsAnAttachmentWhoseCellsAreNeverFormulas() async throws {
    let fixture = try DeskFixture()
    for (index, name) in ["=HYPERLINK(\"http://example.com\")", "+1", "-2", "@SUM(A1)", "plain, with \"quotes\""].enumerated() {
      try fixture.mailroom.store.recordAudit(
        AuditEntry(at: fixture.clock.wallClock.now + Double(index), actor: AuditActor(kind: .cli, name: name), origin: "command line on newsroom",
          action: .listCreate, target: "list x", outcome: .done))
    }
    try await fixture.test { client in
      let admin = try await client.signIn("admin@example.org")
      let csv = try await client.execute(uri: "/audit.csv?action=list.create", method: .get, headers: admin.headers())
      #expect(csv.status == .ok)
      #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment") == true)
      #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
      let lines = csv.text.split(separator: "\r\n").map(String.init)
      #expect(lines.count == 6)
      #expect(lines.contains { $0.contains(",\"'=HYPERLINK(\"\"http://example.com\"\")\",") })
      #expect(lines.contains { $0.contains(",'+1,") })
      #expect(lines.contains { $0.contains(",'-2,") })
      #expect(lines.contains { $0.contains(",'@SUM(A1),") })
      #expect(lines.contains { $0.contains(",\"plain, with \"\"quotes\"\"\",") })
      // No cell of a data line begins with a formula character.
      for line in lines.dropFirst() {
        for cell in line.split(separator: ",") { #expect(!"=+-@".contains(cell.first ?? " "), "\(line)") }
      }
    }
  }
}
