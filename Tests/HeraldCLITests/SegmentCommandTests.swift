import Foundation
import HeraldTesting
import Testing

/// End-to-end: `herald send --where` sends to the members of the lists who match, counts
/// them in a dry run, records its conditions, and its correction reaches the same people.
/// The sample list's beats: water (anna, de; eva, cs; hiro, ja), energy (bob), climate,
/// infrastructure, cities, health.
struct SegmentCommandTests {
  let root: URL
  let release = "Releases/2020-03-31-water-report.md"

  init() throws {
    root = try HeraldProcess.workspace()
    #expect(try HeraldProcess.run(["lists", "create", "press-en"], in: root).status == 0)
    #expect(try HeraldProcess.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root).status == 0)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func aDryRunCountsTheMembersWhoMatchEveryCondition() throws {
    let water = try herald("send", release, "--where", "beat=WATER", "--dry-run")
    #expect(water.status == 0, "\(water.stderr)")
    #expect(water.stdout.contains("Recipients 3"), "\(water.stdout)")
    #expect(water.stdout.contains("Where      beat = WATER"), "\(water.stdout)")
    let both = try herald("send", release, "--where", "beat=water", "--where", "language!=de", "--dry-run", "--json")
    #expect(both.status == 0, "\(both.stderr)")
    let plan = try #require(try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [String: Any])
    #expect(plan["recipients"] as? Int == 2)
    #expect(plan["where"] as? [[String: String]] == [
      ["field": "beat", "operator": "=", "value": "water"], ["field": "language", "operator": "!=", "value": "de"],
    ])
    // Cyrillic is compared without case too.
    let cyrillic = try herald("send", release, "--where", "organization~ПРИМЕР", "--dry-run")
    #expect(cyrillic.stdout.contains("Recipients 1"), "\(cyrillic.stdout)")
    // No one matches: said, and the status says it failed.
    let none = try herald("send", release, "--where", "beat=sports", "--smtp", "smtp://127.0.0.1:9", "--yes")
    #expect(none.status == 1 && none.stderr.contains("no subscribed member of the lists meets beat=sports"), "\(none.stderr)")
  }

  @Test func anUnknownFieldIsNamedWithTheOneMeantAndABadConditionIsAUsageError() throws {
    let unknown = try herald("send", release, "--where", "beet=water", "--dry-run")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("“beet”") && unknown.stderr.contains("did you mean “beat”?"), "\(unknown.stderr)")
    let bad = try herald("send", release, "--where", "beat", "--dry-run")
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("write FIELD=VALUE"), "\(bad.stderr)")
    let correction = try herald("send", release, "--correction-of", "x-1", "--where", "beat=water", "--dry-run")
    #expect(correction.status == 64 && correction.stderr.contains("--where"), "\(correction.stderr)")
  }

  @Test func aSendReachesOnlyTheMatchingMembersAndItsCorrectionTheSamePeople() throws {
    let maildir = root.appendingPathComponent("captured")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path, "--quiet"], in: root)
    defer { sink.stop() }
    let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "herald sink did not start: \(sink.output)")
    let relay = "smtp://127.0.0.1:\(port)"

    let sent = try herald("send", release, "--where", "beat=water", "--where", "language!=DE", "--smtp", relay, "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stdout.contains("Sent 2, deferred 0"), "\(sent.stdout)")
    #expect(try recipients(in: maildir) == ["eva.novak@example.org", "hiro.tanaka@example.com"])
    let campaign = try #require(sent.stdout.split(whereSeparator: \.isWhitespace).last { $0.hasPrefix("2020-03-31-water-report-") }.map { String($0.dropLast()) })
    // The report keeps the conditions.
    let report = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: root.appendingPathComponent("Outbox/reports/\(campaign).json"))) as? [String: Any])
    #expect((report["where"] as? [[String: String]])?.map { $0["field"] } == ["beat", "language"])
    #expect(try String(contentsOf: root.appendingPathComponent("Outbox/reports/\(campaign).txt"), encoding: .utf8)
      .contains("Where     beat = water and language != DE"))

    // Since then a new member with the same beat joined; the correction goes to the same two.
    try Data("email,name,beat\nlate@example.org,Late Reader,water\n".utf8).write(to: root.appendingPathComponent("late.csv"))
    #expect(try herald("lists", "import", "press-en", "late.csv").status == 0)
    let again = try herald("send", release, "--where", "beat=water", "--dry-run")
    #expect(again.stdout.contains("Recipients 2 (2 already received it"), "\(again.stdout)")
    let dryRun = try herald("send", release, "--correction-of", campaign, "--dry-run")
    #expect(dryRun.stdout.contains("Where      beat = water and language != DE"), "\(dryRun.stdout)")
    let correction = try herald("send", release, "--correction-of", campaign, "--smtp", relay, "--yes")
    #expect(correction.status == 0, "\(correction.stderr)")
    #expect(correction.stdout.contains("Recipients 2"), "\(correction.stdout)")
    #expect(try recipients(in: maildir) == ["eva.novak@example.org", "eva.novak@example.org", "hiro.tanaka@example.com", "hiro.tanaka@example.com"])
  }

  /// Every envelope recipient the sink has stored, sorted.
  private func recipients(in maildir: URL) throws -> [String] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []).filter { $0.hasSuffix(".envelope") }
    return try names.flatMap { name in
      try String(contentsOf: maildir.appendingPathComponent(name), encoding: .utf8)
        .split(separator: "\n").filter { $0.hasPrefix("RCPT TO:<") }.map { String($0.dropFirst(9).dropLast()) }
    }.sorted()
  }
}
