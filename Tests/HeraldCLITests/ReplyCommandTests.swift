import Foundation
import HeraldTesting
import Testing

/// `herald inquiries reply` is as careful as a send (issue 15): it shows what will go, asks
/// on a terminal, needs a relay unless it only queues, keeps the reply's line breaks and
/// quotes the question below it.
struct ReplyCommandTests {
  let root: URL
  let inquiry: Int

  /// A journalist's question, with a Date: header from long ago (a wrong clock).
  static let question = """
    From: Dana Reporter <dana@example.com>\r
    To: press@example.org\r
    Subject: Figures for Leipzig?\r
    Date: Tue, 1 Jan 2019 09:00:00 +0000\r
    Message-ID: <question-1@example.com>\r
    \r
    Hello,\r
    \r
    do you have the figures for Leipzig? *Urgent*, deadline 14:00.\r
    \r
    Dana\r

    """

  init() throws {
    root = try HeraldProcess.workspace()
    let file = root.appendingPathComponent("question.eml")
    try Data(Self.question.utf8).write(to: file)
    _ = try HeraldProcess.run(["inbox", "import", file.path], in: root)
    let list = try JSONSerialization.jsonObject(with: Data(try HeraldProcess.run(["inquiries", "--json"], in: root).stdout.utf8)) as? [[String: Any]]
    inquiry = try #require(list?.first?["id"] as? Int)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func writeReply(_ text: String) throws -> String {
    let file = root.appendingPathComponent("reply.md")
    try Data(text.utf8).write(to: file)
    return file.path
  }

  func queued() -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/queue").path)) ?? []
  }

  static let signed = "Dear Dana,\n\nthe figures are attached.\n\nClaire Durand\nHead of Communications\n+49 30 1234 5678\n"

  @Test func aDryRunShowsTheReplyWithItsLinesAndTheQuestionQuotedAndSendsNothing() throws {
    let result = try herald("inquiries", "reply", "\(inquiry)", "--file", try writeReply(Self.signed), "--dry-run")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("To        Dana Reporter <dana@example.com>"), "\(result.stdout)")
    #expect(result.stdout.contains("Subject   Re: Figures for Leipzig?"))
    // The signature stays on its lines, as written.
    #expect(result.stdout.contains("Claire Durand\nHead of Communications\n+49 30 1234 5678"), "\(result.stdout)")
    // The question below, quoted line by line, its words as words.
    #expect(result.stdout.contains("wrote:"), "\(result.stdout)")
    #expect(result.stdout.contains("> do you have the figures for Leipzig? *Urgent*, deadline 14:00."), "\(result.stdout)")
    #expect(result.stdout.contains("Nothing was sent"))
    #expect(queued().isEmpty)
  }

  @Test func theQuestionIsLeftOutWhenAskedOrConfigured() throws {
    let file = try writeReply(Self.signed)
    #expect(!(try herald("inquiries", "reply", "\(inquiry)", "--file", file, "--dry-run", "--no-quote").stdout.contains("> do you have")))
    let yml = root.appendingPathComponent("herald.yml")
    try (String(contentsOf: yml, encoding: .utf8) + "\nreplies:\n  quote_question: false\n").write(to: yml, atomically: true, encoding: .utf8)
    let configured = try herald("inquiries", "reply", "\(inquiry)", "--file", file, "--dry-run")
    #expect(configured.status == 0, "\(configured.stderr)")
    #expect(!configured.stdout.contains("> do you have"), "\(configured.stdout)")
    #expect(try herald("inquiries", "reply", "\(inquiry)", "--file", file, "--dry-run", "--quote").stdout.contains("> do you have"))
  }

  @Test func withoutARelayItFailsLikeSendUnlessQueueOnly() throws {
    let file = try writeReply(Self.signed)
    let refused = try herald("inquiries", "reply", "\(inquiry)", "--file", file, "--yes")
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("error: no relay to send through"), "\(refused.stderr)")
    #expect(queued().isEmpty)
    let queuedOnly = try herald("inquiries", "reply", "\(inquiry)", "--file", file, "--queue-only", "--yes")
    #expect(queuedOnly.status == 0, "\(queuedOnly.stderr)")
    #expect(queued().count == 1)
  }

  @Test func withoutATerminalItAsksForYesAndAMissingFileSaysSo() throws {
    let noYes = try herald("inquiries", "reply", "\(inquiry)", "--file", try writeReply(Self.signed), "--queue-only")
    #expect(noYes.status == 64, "\(noYes.stderr)")
    #expect(noYes.stderr.contains("add --yes"), "\(noYes.stderr)")
    #expect(queued().isEmpty)
    let missing = try herald("inquiries", "reply", "\(inquiry)", "--file", "nope.md", "--queue-only", "--yes")
    #expect(missing.status == 1)
    #expect(missing.stderr.hasPrefix("error: nope.md: no such file"), "\(missing.stderr)")
  }

  @Test func theMessageSentKeepsTheLinesAndTheTimeToAnswerCountsFromArrival() throws {
    let maildir = root.appendingPathComponent("captured")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path, "--quiet"], in: root)
    let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")
    let sent = try herald("inquiries", "reply", "\(inquiry)", "--file", try writeReply(Self.signed), "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    let eml = try String(contentsOf: maildir.appendingPathComponent("000001.eml"), encoding: .utf8)
    #expect(eml.contains("Claire Durand\r\nHead of Communications\r\n+49 30 1234 5678"), "the text part keeps the lines")
    #expect(eml.contains("<br"), "the HTML part breaks the lines too")
    // The question arrived today (whatever its Date: says), so the answer took minutes, not years.
    let show = try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "show", "\(inquiry)", "--json").stdout.utf8)) as? [String: Any]
    let created = try #require(show?["created"] as? String)
    #expect(!created.hasPrefix("2019"), "\(created)")
    let text = try herald("inquiries", "show", "\(inquiry)")
    #expect(text.stdout.contains("Answered  ") && text.stdout.contains(" min after it came in"), "\(text.stdout)")
    sink.stop()
  }

  @Test func theInquiriesTableFitsEightyColumnsWithTheOrganisationInItsOwnColumn() throws {
    let result = try HeraldProcess.run(["inquiries"], in: root, environment: ["COLUMNS": "80"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first?.contains("ORGANISATION") == true, "\(result.stdout)")
    #expect(lines.last?.hasPrefix("Received in ") == true, "the zone is named: \(result.stdout)")
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(result.stdout)")
  }

  @Test func aDeadlineAndAPriorityAreSetShownAndGivenInJSON() throws {
    let due = try herald("inquiries", "due", "\(inquiry)", "2031-05-06 14:00")
    #expect(due.status == 0, "\(due.stderr)")
    #expect(due.stdout.contains("is due at 2031-05-06 14:00 CEST"), "\(due.stdout)")
    #expect(try herald("inquiries", "priority", "\(inquiry)", "urgent").status == 0)
    let show = try JSONSerialization.jsonObject(with: Data(try herald("inquiries", "show", "\(inquiry)", "--json").stdout.utf8)) as? [String: Any]
    #expect(show?["priority"] as? String == "urgent")
    #expect(show?["due"] as? String == "2031-05-06T12:00:00Z")
    let thread = show?["thread"] as? [[String: Any]] ?? []
    #expect(thread.map { $0["kind"] as? String } == ["message", "deadline", "priority"])
    let list = try herald("inquiries")
    #expect(list.stdout.contains("05-06 14:00"), "the deadline in the list: \(list.stdout)")
    // What is not a time is a usage error naming what to write; nothing changes.
    let wrong = try herald("inquiries", "due", "\(inquiry)", "25:00")
    #expect(wrong.status == 64)
    #expect(wrong.stderr.contains("write 14:00 (today)"), "\(wrong.stderr)")
    #expect(try herald("inquiries", "priority", "\(inquiry)", "whenever").status == 64)
    // Removed with none.
    #expect(try herald("inquiries", "due", "\(inquiry)", "none").stdout.contains("has no deadline"))
  }

  @Test func remindWritesNothingWhenNoDeadlineIsNear() throws {
    let result = try herald("inquiries", "remind")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("No reminders are due."))
    #expect(queued().isEmpty)
  }
}
