import Foundation
import GRDB
@testable import HeraldStore
import Testing

struct ImportTests {
  @Test func reportsAddedUpdatedUnchangedDuplicatesRejectedAndKeptOut() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press-en")
    try t.store.addSubscriber(email: "old@example.org", name: "Old", list: "press-en", source: .commandLine("t"))
    try t.store.addSubscriber(email: "same@example.org", name: "Same", list: "press-en", source: .commandLine("t"))
    try t.store.addSubscriber(email: "left@example.org", list: "press-en", source: .commandLine("t"))
    try t.store.unsubscribe(email: "left@example.org", list: "press-en", source: .commandLine("t"))
    try t.store.suppress("bounced@example.org", reason: "hard bounce")
    let csv = """
      email,name
      new@example.org,New Person
      old@example.org,Old Renamed
      same@example.org,Same
      NEW@example.org,Again
      not an address,Nobody
      ,Empty
      left@example.org,Left
      bounced@example.org,Bounced

      """
    let report = try t.store.importCSV(try t.csv(csv), into: "press-en")
    #expect(report.rows == 8)
    #expect((report.added, report.updated, report.unchanged, report.duplicates, report.rejected, report.keptOut) == (1, 1, 1, 1, 2, 2))
    #expect(report.problems.map(\.line) == [6, 7, 8, 9])
    #expect(report.problems[0].reason.contains("not a valid email address"))
    #expect(report.problems[2].reason.contains("unsubscribed before"))
    #expect(report.problems[3].reason.contains("hard bounce"))
    #expect(try t.store.profile(email: "old@example.org").subscriber.name == "Old Renamed")
    #expect(try t.store.profile(email: "new@example.org").memberships[0].source == .importFile("people.csv", line: 2))
  }

  @Test func duplicatesWithinABatchAndAcrossBatchesAreCountedOnceAndEveryoneGetsTheirOwnEvidence() throws {
    // New subscribers are written 64 rows to a statement: a repeat inside one batch, one in
    // a later batch, and an address already in the store, in a file of three batches.
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.addSubscriber(email: "known@example.org", name: "Known", list: "a", source: .commandLine("t"))
    var rows = (0..<150).map { "r\($0)@example.org,Reader \($0)" }
    rows[20] = "r19@example.org,Again in the same batch"
    rows[130] = "R5@example.org,Again two batches later"
    rows[70] = "known@example.org,Known Renamed"
    let report = try t.store.importCSV(try t.csv("email,name\n" + rows.joined(separator: "\n") + "\n"), into: "a")
    #expect(report.rows == 150)
    #expect((report.added, report.updated, report.duplicates) == (147, 1, 2), "\(report)")
    let lines = try t.store.read { db in
      try Row.fetchAll(db, sql: "SELECT s.email, m.source_detail FROM membership m JOIN subscriber s ON s.id = m.subscriber_id ORDER BY s.id")
        .map { (row: Row) -> (String, String) in (row[0], row[1]) }
    }
    #expect(lines.count == 148)
    // Each membership's evidence names its own row: the first one for an address.
    #expect(lines.first { $0.0 == "r5@example.org" }?.1 == "people.csv:7")
    #expect(lines.first { $0.0 == "r149@example.org" }?.1 == "people.csv:151")
    #expect(lines.first { $0.0 == "r19@example.org" }?.1 == "people.csv:21")
    #expect(try t.store.profile(email: "known@example.org").subscriber.name == "Known Renamed")
  }

  @Test func resubscribeLetsOptedOutAddressesBackIn() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.addSubscriber(email: "left@example.org", list: "a", source: .commandLine("t"))
    try t.store.unsubscribe(email: "left@example.org", list: "a", source: .commandLine("t"))
    let report = try t.store.importCSV(try t.csv("email\nleft@example.org\n"), into: "a", resubscribe: true)
    #expect(report.updated == 1 && report.keptOut == 0)
    #expect(try t.recipients(["a"]).count == 1)
  }

  @Test func mailchimpExportColumnsAreUnderstood() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let csv = """
      Email Address,First Name,Last Name,Company,MEMBER_RATING,OPTIN_TIME,TAGS,Beat
      anna@example.org,Anna,Schmidt,Example Daily,2,2020-01-01 10:00:00,"press,vip",water

      """
    _ = try t.store.importCSV(try t.csv(csv), into: "a")
    let subscriber = try t.store.profile(email: "anna@example.org").subscriber
    #expect(subscriber.name == "Anna Schmidt")
    #expect(subscriber.organization == "Example Daily")
    #expect(subscriber.attributes == ["Beat": "water"])
  }

  @Test func listmonkExportColumnsAreUnderstood() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let csv = """
      uuid,email,name,attributes,status,created_at,updated_at
      5e7c0a6b-0000-4000-8000-000000000001,jo@example.org,Jo Reporter,"{""city"": ""Oslo"", ""desk"": ""science""}",enabled,2021-01-01,2021-01-02

      """
    _ = try t.store.importCSV(try t.csv(csv), into: "a")
    let subscriber = try t.store.profile(email: "jo@example.org").subscriber
    #expect(subscriber.name == "Jo Reporter")
    #expect(subscriber.attributes == ["city": "Oslo", "desk": "science"])
  }

  @Test func semicolonFilesWithQuotedFieldsImport() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    _ = try t.store.importCSV(try t.csv("email;name;organization\n\"a@example.org\";\"Müller; Hans\";\"Zeitung \"\"Morgen\"\"\"\n"), into: "a")
    let subscriber = try t.store.profile(email: "a@example.org").subscriber
    #expect(subscriber.name == "Müller; Hans")
    #expect(subscriber.organization == "Zeitung \"Morgen\"")
  }

  @Test func aMissingEmailColumnChangesNothing() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let error = try #require(throws: StoreError.self) { try t.store.importCSV(try t.csv("name,mail_addr\nAnna,a@example.org\n"), into: "a") }
    #expect(error.message.contains("people.csv:1: there is no email column"))
    #expect(error.message.contains("Nothing was imported"))
  }

  @Test func aRepeatedHeaderIsAnError() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let error = try #require(throws: StoreError.self) { try t.store.importCSV(try t.csv("email,Name,name\na@example.org,A,B\n"), into: "a") }
    #expect(error.message.contains("appears twice (columns 2 and 3)"))
  }

  @Test func aFileThatBreaksHalfwayImportsNothing() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    var csv = "email,name\n"
    for index in 0..<500 { csv += "person\(index)@example.org,Person \(index)\n" }
    csv += "broken@example.org,\"never closed\n"
    let error = try #require(throws: StoreError.self) { try t.store.importCSV(try t.csv(csv), into: "a") }
    #expect(error.message.contains("502"), "\(error)")
    #expect(error.message.contains("Nothing was imported"))
    #expect(try t.store.counts()["a"]?.total == 0)
  }

  @Test func aDryRunChangesNothing() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let report = try t.store.importCSV(try t.csv("email\na@example.org\nb@example.org\n"), into: "a", dryRun: true)
    #expect(report.added == 2 && report.dryRun)
    #expect(try t.store.counts()["a"]?.total == 0)
  }

  @Test func aPendingImportDoesNotDemoteSubscribers() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.addSubscriber(email: "a@example.org", list: "a", source: .commandLine("t"))
    let report = try t.store.importCSV(try t.csv("email\na@example.org\nb@example.org\n"), into: "a", status: .pending)
    #expect(report.unchanged == 1 && report.added == 1)
    #expect(try t.store.counts()["a"] == { var c = ListCounts(); c.subscribed = 1; c.pending = 1; return c }())
  }

  @Test func anExportImportsBackUnchanged() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    let csv = """
      email,name,organization,language,beat
      a@example.org,"Doe, Jane","The ""Daily"" Paper",en,water
      b@example.org,Иванов Иван,Вечерняя газета,ru,"energy, climate"
      c@xn--mnchen-3ya.example,Zoë O’Brien,,de,

      """
    _ = try t.store.importCSV(try t.csv(csv), into: "a")
    let exported = try t.export("a")
    try t.store.createList(name: "copy")
    let report = try t.store.importCSV(try t.csv(exported, name: "export.csv"), into: "copy")
    #expect(report.added == 3 && report.rejected == 0)
    let again = try t.store.importCSV(try t.csv(exported, name: "export.csv"), into: "a")
    #expect(again.unchanged == 3 && again.updated == 0 && again.added == 0)
    // The copy's export has the same rows (the dates of joining differ).
    func rows(_ text: String) -> [String] {
      text.split(separator: "\r\n").map { $0.replacingOccurrences(of: #",\d{4}-\d\d-\d\dT[\d:]+Z"#, with: "", options: .regularExpression) }
    }
    #expect(rows(try t.export("copy")) == rows(exported))
    let jane = try t.store.profile(email: "a@example.org").subscriber
    #expect(jane.name == "Doe, Jane" && jane.organization == "The \"Daily\" Paper" && jane.attributes == ["beat": "water"])
  }

  @Test func twoWritersAtOnceTakeTurnsAndLoseNothing() async throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "a")
    try t.store.createList(name: "b")
    var first = "email\n"
    var second = "email\n"
    for index in 0..<3000 {
      first += "first\(index)@example.org\n"
      second += "second\(index)@example.org\n"
    }
    let one = try t.csv(first, name: "one.csv")
    let two = try t.csv(second, name: "two.csv")
    let path = t.path
    // Two stores on the same file stand for two herald processes.
    async let a = Task.detached { try SubscriberStore(path: path).importCSV(one, into: "a").added }.value
    async let b = Task.detached { try SubscriberStore(path: path).importCSV(two, into: "b").added }.value
    let (added1, added2) = try await (a, b)
    #expect(added1 == 3000 && added2 == 3000)
    #expect(try t.store.counts()["a"]?.subscribed == 3000 && t.store.counts()["b"]?.subscribed == 3000)
    let check = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    #expect(check == "ok")
  }
}
