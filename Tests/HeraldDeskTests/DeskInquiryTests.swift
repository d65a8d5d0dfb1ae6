import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import HeraldDesk

extension DeskFixture {
  /// A journalist's message recorded as an inquiry (as the inbox records one), `minutesAgo`
  /// before the test clock's now; its id.
  @discardableResult
  func addInquiry(
    from address: String = "jo@example.com", name: String? = "Jo Reporter", subject: String = "Sample size?", text: String = "How big is the sample?",
    release: String? = nil, messageID: String? = nil, minutesAgo: Double = 60, organization: String? = nil
  ) throws -> Int64 {
    let at = clock.now.addingTimeInterval(-minutesAgo * 60)
    let id = messageID ?? "q-\(UUID().uuidString)@example.com"
    let record = InboundRecord(
      messageID: id, digest: UUID().uuidString, receivedAt: at, origin: "test", fromAddress: address, fromName: name, subject: subject,
      kind: .inquiry, reason: "test", release: release, subscriber: nil, rawFile: "Inbox/\(UUID().uuidString).eml", details: nil)
    let incoming = SubscriberStore.IncomingInquiry(
      fromAddress: address, fromName: name, subject: subject, release: release, messageID: id, answers: [], text: text, attachments: [], at: at,
      organization: organization)
    return try mailroom.store.recordInquiryMessage(record, incoming).inquiry
  }

  /// The inquiry's thread, to see that a refused request changed nothing.
  func thread(_ id: Int64) throws -> [String] {
    let (inquiry, entries) = try mailroom.store.inquiry(id)
    return ["\(inquiry.status) \(inquiry.assignee ?? "-") \(String(describing: inquiry.dueAt)) \(inquiry.priority)"] + entries.map { "\($0.kind) \($0.text)" }
  }

  /// The messages waiting in the Outbox, of a kind.
  func queued(_ kind: MailKind) throws -> [OutboxMessage] {
    try mailroom.outbox.list().map(\.message).filter { $0.campaign.kind == kind }
  }

  /// The desk user of a role (the fixture has one of each).
  func user(_ role: DeskRole) throws -> DeskUser {
    try accounts.user(email: "\(role)@example.org")
  }
}

extension TestClientProtocol {
  func get(_ uri: String, _ browser: Browser) async throws -> TestResponse {
    try await execute(uri: uri, method: .get, headers: browser.headers())
  }
}

/// The value of the hidden `seen` field of a page (the last thread entry shown).
func seenField(_ html: String) throws -> String {
  String(try #require(html.firstMatch(of: /name="seen" value="(\d+)"/)).1)
}

struct DeskInquiryTests {
  // MARK: Roles and refusals

  /// Each form of an inquiry's page, with what it sends.
  static func forms(_ id: Int64, seen: String) -> [(path: String, fields: [(String, String)])] {
    [
      ("/inquiries/\(id)/assign", [("user", "1")]),
      ("/inquiries/\(id)/note", [("note", "Ask the data team")]),
      ("/inquiries/\(id)/status", [("status", "waiting")]),
      ("/inquiries/\(id)/deadline", [("due", "2027-01-15 14:00"), ("priority", "urgent")]),
      ("/inquiries/\(id)/reply/send", [("markdown", "48 cities."), ("seen", seen)]),
    ]
  }

  @Test(arguments: DeskRole.allCases)
  func everyInquiryRouteAnswersEachRoleAsItsRoleAllows(role: DeskRole) async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry()
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      #expect(try await client.get("/inquiries", browser).status == .ok)
      let page = try await client.get("/inquiries/\(id)", browser)
      #expect(page.status == .ok)
      #expect(page.text.contains("How big is the sample?"))
      // A viewer's page has no forms, so no `seen` field: the last entry's id stands in.
      let seen = page.text.firstMatch(of: /name="seen" value="(\d+)"/).map { String($0.1) } ?? "1"
      for form in Self.forms(id, seen: seen) {
        let before = try fixture.thread(id)
        var fields = form.fields
        if form.path.hasSuffix("/reply/send"), role.allows(.editor) {
          // What the writer saw last: the page after the changes above.
          fields = [("markdown", "48 cities."), ("seen", try seenField(try await client.get("/inquiries/\(id)", browser).text))]
        }
        let response = try await client.post(form.path, browser, fields)
        if role.allows(.editor) {
          #expect(response.status == .seeOther, "\(role) \(form.path): \(response.status) \(response.text.prefix(300))")
          #expect(response.headers[.location] == "/inquiries/\(id)")
          #expect(try fixture.thread(id) != before, "\(role) \(form.path) changed nothing")
        } else {
          #expect(response.status == .forbidden, "\(role) \(form.path)")
          #expect(try fixture.thread(id) == before, "\(role) \(form.path) changed something")
        }
      }
      // The reply's preview changes nothing, and is the editors' too.
      let before = try fixture.thread(id)
      let preview = try await client.post("/inquiries/\(id)/reply", browser, [("markdown", "Soon."), ("seen", seen)])
      #expect(preview.status == (role.allows(.editor) ? .ok : .forbidden))
      #expect(try fixture.thread(id) == before)
      // A viewer's page has no forms that change anything.
      if !role.allows(.editor) { #expect(!page.text.contains("/inquiries/\(id)/assign")) }
    }
  }

  @Test func everyInquiryFormWithoutTheSessionsTokenOrFromAnotherSiteChangesNothing() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry()
    try await fixture.test { client in
      let browser = try await client.signIn("admin@example.org")
      let seen = try seenField(try await client.get("/inquiries/\(id)", browser).text)
      let before = try fixture.thread(id)
      for form in Self.forms(id, seen: seen) + [("/inquiries/\(id)/reply", [("markdown", "x"), ("seen", seen)])] {
        for token in ["", "forged", browser.csrf + "x"] {
          let response = try await client.post(form.path, browser, form.fields, csrf: token)
          #expect(response.status == .forbidden, "\(form.path) with token “\(token)”")
        }
        let crossSite = try await client.post(form.path, browser, form.fields, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
        #expect(crossSite.status == .forbidden, "\(form.path) from another site")
      }
      #expect(try fixture.thread(id) == before)
      #expect(try fixture.queued(.inquiryReply).isEmpty)
    }
  }

  @Test func unknownOrMalformedInquiriesAreNotFound() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      for path in ["/inquiries/999", "/inquiries/0", "/inquiries/abc", "/inquiries/-1", "/inquiries/99999999999999999999"] {
        #expect(try await client.get(path, browser).status == .notFound, "\(path)")
      }
      for path in ["/inquiries/999/note", "/inquiries/999/assign", "/inquiries/999/status", "/inquiries/999/deadline"] {
        let response = try await client.post(path, browser, [("note", "x"), ("user", ""), ("status", "open"), ("due", "none")])
        #expect(response.status == .notFound, "\(path): \(response.status)")
      }
    }
  }

  // MARK: The list

  @Test func theListPutsTheOverdueFirstThenByDeadlineThenTheOldestAndSaysSo() async throws {
    let fixture = try DeskFixture()
    let now = fixture.clock.now
    let plain = try fixture.addInquiry(subject: "Oldest without deadline", minutesAgo: 600)
    let newer = try fixture.addInquiry(subject: "Newer without deadline", minutesAgo: 30)
    let later = try fixture.addInquiry(subject: "Due later", minutesAgo: 20)
    let overdue = try fixture.addInquiry(subject: "Already overdue", minutesAgo: 10)
    let answered = try fixture.addInquiry(subject: "Answered one", minutesAgo: 5000)
    try fixture.mailroom.store.setInquiryDue(later, now.addingTimeInterval(3 * 3600), by: "test")
    try fixture.mailroom.store.setInquiryDue(overdue, now.addingTimeInterval(-40 * 60), by: "test")
    try fixture.mailroom.store.setInquiryStatus(answered, .answered, by: "test")
    _ = (plain, newer)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.get("/inquiries", browser).text
      let order = ["Already overdue", "Due later", "Oldest without deadline", "Newer without deadline", "Answered one"].map {
        page.range(of: $0)?.lowerBound
      }
      #expect(order.allSatisfy { $0 != nil }, "every inquiry listed")
      let positions = order.compactMap { $0 }
      #expect(positions == positions.sorted(), "overdue, then by deadline, then oldest; answered last")
      #expect(page.contains("overdue by 40 min"))
      #expect(page.contains("10 h"), "the age of the oldest")
      #expect(page.contains("CET") || page.contains("CEST"), "times in the workspace's zone (herald.yml's Europe/Berlin)")
      // The counts per status, and the navigation's count of those waiting (new and open).
      #expect(page.contains("class=\"count\">4</span>"), "four new")
      // Filtered by status: only those.
      let onlyAnswered = try await client.get("/inquiries?status=answered", browser).text
      #expect(onlyAnswered.contains("Answered one") && !onlyAnswered.contains("Already overdue"))
    }
  }

  @Test func theListFiltersByReleaseAssigneeAndSearch() async throws {
    let fixture = try DeskFixture()
    let editor = try fixture.user(.editor)
    let water = try fixture.addInquiry(from: "ann@example.com", name: "Ann", subject: "Water question", release: "2020-03-31-water-report")
    _ = try fixture.addInquiry(from: "bob@example.net", name: "Bob", subject: "Budget question", text: "What about the 100% figure?", organization: "Daily Example")
    let mine = try fixture.addInquiry(from: "cy@example.org", name: "Cy", subject: "Given to the editor")
    try fixture.mailroom.store.assignInquiry(mine, to: editor.id, name: editor.name, by: "test")
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let byRelease = try await client.get("/inquiries?release=2020-03-31-water-report", browser).text
      #expect(byRelease.contains("Water question") && !byRelease.contains("Budget question"))
      #expect(byRelease.contains("<option value=\"2020-03-31-water-report\" selected>"), "the releases that have inquiries are offered")
      let mineList = try await client.get("/inquiries?assignee=mine", browser).text
      #expect(mineList.contains("Given to the editor") && !mineList.contains("Water question"))
      let byUser = try await client.get("/inquiries?assignee=\(editor.id.rawValue)", browser).text
      #expect(byUser.contains("Given to the editor") && !byUser.contains("Water question"))
      let nobodys = try await client.get("/inquiries?assignee=nobody", browser).text
      #expect(!nobodys.contains("Given to the editor") && nobodys.contains("Water question"))
      // Sender's name and address, organisation, subject, the message's words.
      for (query, expected) in [("ann", "Water question"), ("example.net", "Budget question"), ("Daily+Example", "Budget question"),
        ("budget", "Budget question"), ("100%25+figure", "Budget question")]
      {
        let found = try await client.get("/inquiries?q=\(query)", browser).text
        #expect(found.contains(expected), "\(query)")
        #expect(found.components(separatedBy: "<li class=\"card inquiry").count - 1 == 1, "\(query) finds one")
      }
      _ = water
    }
  }

  @Test(arguments: ["%", "_", "\"", "*", "NEAR", "a NEAR b", "'", "' OR 1=1 --", "\\", "<script>alert(1)</script>", String(repeating: "x%_", count: 3500)])
  func hostileSearchIsJustText(query: String) async throws {
    let fixture = try DeskFixture()
    try fixture.addInquiry(subject: "Plain subject", text: "Nothing special here.")
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let uri = "/inquiries?q=" + query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
      let response = try await client.get(uri, browser)
      // Too long an address is refused as such; anything else is a page.
      if uri.utf8.count > DeskLimits.uriBytes {
        #expect([.uriTooLong, .badRequest].contains(response.status))
        return
      }
      #expect(response.status == .ok)
      // Wildcards match themselves: nothing here has them.
      #expect(!response.text.contains("Plain subject"), "\(query) matched as a wildcard")
      #expect(!response.text.contains("<script>alert(1)"), "escaped")
    }
  }

  @Test func aLongSearchIsRefusedBesideItsField() async throws {
    let fixture = try DeskFixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let response = try await client.get("/inquiries?q=" + String(repeating: "a", count: 300), browser)
      #expect(response.status == .ok)
      #expect(response.text.contains("id=\"filter-q-error\""))
      #expect(response.text.contains("aria-invalid=\"true\""))
    }
  }

  @Test func theListIsPaged() async throws {
    let fixture = try DeskFixture()
    for number in 1...55 { try fixture.addInquiry(subject: "Question number \(number).", minutesAgo: Double(100 - number)) }
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let first = try await client.get("/inquiries", browser).text
      #expect(first.contains("Question number 1.") && !first.contains("Question number 51."))
      #expect(first.contains("href=\"/inquiries?page=2\""))
      let second = try await client.get("/inquiries?page=2", browser).text
      #expect(second.contains("Question number 51.") && !second.contains("Question number 1."))
      #expect(try await client.get("/inquiries?page=99999999999", browser).status == .ok)
    }
  }

  // MARK: One inquiry

  @Test func theInquiryShowsItsThreadHostileTextAsTextAndItsSender() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry(
      name: "<b>Jo</b>", subject: "<script>alert('s')</script>",
      text: "First line\u{202E}reversed\nSecond line <img src=x onerror=alert(1)>\n\nOn Monday Press wrote:\n> our release\n> text", release: "2020-03-31-water-report")
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      _ = try await client.post("/inquiries/\(id)/note", editor, [("note", "<a href=\"javascript:alert(1)\">x</a>\nline two")])
      let page = try await client.get("/inquiries/\(id)", editor).text
      #expect(!page.contains("<script>alert"))
      #expect(!page.contains("<img src=x"))
      #expect(!page.contains("<a href=\"javascript:"))
      #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
      #expect(page.contains("line two"), "a note keeps its line breaks")
      // The quoted text is folded under a <details>.
      #expect(page.contains("<summary>"))
      let quote = try #require(page.range(of: "<details>"))
      #expect(page[quote.lowerBound...].contains("&gt; our release"))
      // The note is the editor's, the release is linked, the message is linked to its received view.
      #expect(page.contains("The editor"))
      #expect(page.contains("href=\"/releases/2020-03-31-water-report.md\""))
      #expect(page.contains("href=\"/inbox/"))
      #expect(page.contains("Not a subscriber."))
    }
  }

  // MARK: Deadline and priority

  @Test(arguments: [
    ("14:00", "2027-01-15 14:00"), ("9.30", "2027-01-15 09:30"), ("2027-02-01 08:05", "2027-02-01 08:05"), ("2027-02-01T08:05", "2027-02-01 08:05"),
  ])
  func aDeadlineIsReadInTheWorkspacesZone(text: String, expected: String) throws {
    let zone = TimeZone(identifier: "Europe/Berlin")!
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let now = try #require(calendar.date(from: DateComponents(year: 2027, month: 1, day: 15, hour: 10)))
    let deadline = try InquiryDeadline(parsing: text, now: now, timeZone: zone)
    let date = try #require(deadline.date)
    #expect(String(LocalTime(timeZone: zone).string(date).prefix(16)) == expected)
  }

  @Test(arguments: ["25:00", "14:60", "tomorrow", "2027-02-30 10:00", "2027-13-01 10:00", "'; DROP TABLE inquiry; --", String(repeating: "9", count: 10_000)])
  func aDeadlineThatIsNotATimeIsRefused(text: String) {
    #expect(throws: InquiryDeadline.Problem.self) { try InquiryDeadline(parsing: text, now: Date(), timeZone: .gmt) }
  }

  @Test func aDeadlineIsSetFromTheDeskShownAndAWrongOneIsExplainedBesideItsField() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let wrong = try await client.post("/inquiries/\(id)/deadline", browser, [("due", "half past <b>"), ("priority", "normal")])
      #expect(wrong.status == .unprocessableContent)
      #expect(wrong.text.contains("id=\"deadline-error\""))
      #expect(wrong.text.contains("&lt;b&gt;"), "what was written is kept, escaped")
      #expect(try fixture.mailroom.store.inquiry(id).inquiry.dueAt == nil)
      let badPriority = try await client.post("/inquiries/\(id)/deadline", browser, [("due", "none"), ("priority", "whenever")])
      #expect(badPriority.status == .unprocessableContent)
      let set = try await client.post("/inquiries/\(id)/deadline", browser, [("due", "2099-12-08 14:00"), ("priority", "urgent")])
      #expect(set.status == .seeOther)
      let inquiry = try fixture.mailroom.store.inquiry(id).inquiry
      #expect(inquiry.priority == .urgent)
      #expect(LocalTime(timeZone: TimeZone(identifier: "Europe/Berlin")!).string(try #require(inquiry.dueAt)).hasPrefix("2099-12-08 14:00"))
      let page = try await client.get("/inquiries/\(id)", browser).text
      #expect(page.contains("set the deadline to"))
      #expect(page.contains("value=\"2099-12-08 14:00\""))
      // Clearing it.
      _ = try await client.post("/inquiries/\(id)/deadline", browser, [("due", "none"), ("priority", "urgent")])
      #expect(try fixture.mailroom.store.inquiry(id).inquiry.dueAt == nil)
    }
  }

  // MARK: Assigning

  @Test func assigningAColleagueWritesThemANoticeAndAssigningYourselfDoesNot() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry(subject: "Notice me")
    let sender = try fixture.user(.sender)
    let editor = try fixture.user(.editor)
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      #expect(try await client.post("/inquiries/\(id)/assign", browser, [("user", String(editor.id.rawValue))]).status == .seeOther)
      #expect(try fixture.queued(.inquiryNotice).isEmpty, "no notice to oneself")
      #expect(try await client.post("/inquiries/\(id)/assign", browser, [("user", String(sender.id.rawValue))]).status == .seeOther)
      let notices = try fixture.queued(.inquiryNotice)
      #expect(notices.map(\.recipient) == ["sender@example.org"])
      let inquiry = try fixture.mailroom.store.inquiry(id).inquiry
      #expect(inquiry.assigneeID == sender.id && inquiry.assignee == sender.name && inquiry.status == .open)
      // Nobody, and someone who is not a user.
      #expect(try await client.post("/inquiries/\(id)/assign", browser, [("user", "")]).status == .seeOther)
      #expect(try fixture.mailroom.store.inquiry(id).inquiry.assigneeID == nil)
      let wrong = try await client.post("/inquiries/\(id)/assign", browser, [("user", "4242")])
      #expect(wrong.status == .unprocessableContent)
      #expect(wrong.text.contains("id=\"assign-error\""))
    }
  }

  @Test func assignmentNoticesCanBeTurnedOff() async throws {
    let fixture = try DeskFixture(desk: ["  notify:", "    assignments: off", "    reminders: 2h"])
    #expect(fixture.mailroom.configuration.desk.reminderLead == 7200)
    let id = try fixture.addInquiry()
    let sender = try fixture.user(.sender)
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      #expect(try await client.post("/inquiries/\(id)/assign", browser, [("user", String(sender.id.rawValue))]).status == .seeOther)
      #expect(try fixture.queued(.inquiryNotice).isEmpty)
    }
  }

  // MARK: The reply

  @Test func aReplyIsPreviewedThenSentThroughTheOutboxThreadedUnderTheJournalistsMessage() async throws {
    let sinkFolder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sink-\(UUID().uuidString)")
    let sink = try CaptureSink(port: 0, maildir: sinkFolder)
    Thread { sink.run() }.start()
    defer { sink.stop() }
    let fixture = try DeskFixture(now: Date(), delivery: "smtp://127.0.0.1:\(sink.port)")
    let id = try fixture.addInquiry(messageID: "question-1@example.com")
    let sender = try fixture.user(.sender)
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      _ = try await client.post("/inquiries/\(id)/assign", browser, [("user", String(sender.id.rawValue))])
      let page = try await client.get("/inquiries/\(id)", browser)
      let seen = try seenField(page.text)
      let markdown = "Dear Jo,\n\n**48 cities** took part.\n\n<script>x</script>"
      let preview = try await client.post("/inquiries/\(id)/reply", browser, [("markdown", markdown), ("seen", seen)])
      #expect(preview.status == .ok)
      #expect(preview.text.contains("&lt;question-1@example.com&gt;"), "In-Reply-To shown")
      #expect(preview.text.contains("Re: Sample size?"))
      #expect(preview.text.contains("48 cities"))
      #expect(!preview.text.contains("<script>x"))
      #expect(try fixture.queued(.inquiryReply).isEmpty, "a preview sends nothing")
      // Edit brings the text back into the field.
      let edit = try await client.post("/inquiries/\(id)/reply", browser, [("markdown", markdown), ("seen", seen), ("edit", "yes")])
      #expect(edit.text.contains("**48 cities** took part."))
      let sent = try await client.post("/inquiries/\(id)/reply/send", browser, [("markdown", markdown), ("seen", seen)])
      #expect(sent.status == .seeOther)
      let inquiry = try fixture.mailroom.store.inquiry(id)
      #expect(inquiry.inquiry.status == .answered)
      #expect(inquiry.entries.last?.kind == .reply && inquiry.entries.last?.author == "The editor")
      let report = try await fixture.deliver(to: sink)
      #expect(report.sent == 2, "the notice and the reply")
    }
    let files = try FileManager.default.contentsOfDirectory(at: sinkFolder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "eml" }
    let messages = try files.map { try String(contentsOf: $0, encoding: .utf8) }
    #expect(messages.count == 2)
    let reply = try #require(messages.first { $0.contains("In-Reply-To:") })
    #expect(reply.contains("jo@example.com"))
    #expect(reply.contains("In-Reply-To: <question-1@example.com>"))
    #expect(reply.contains("References: <question-1@example.com>"))
    #expect(reply.contains("48 cities"))
    let notice = try #require(messages.first { $0.contains("sender@example.org") && $0.contains("Auto-Submitted") })
    #expect(notice.contains("Inquiry \(id) is yours"))
  }

  @Test func aSecondReplyWhileWritingIsNotSentButShownWithTheWritersTextKept() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry()
    try await fixture.test { client in
      let claire = try await client.signIn("sender@example.org")
      let writer = try await client.signIn("editor@example.org")
      let seen = try seenField(try await client.get("/inquiries/\(id)", writer).text)
      // Claire answers first.
      let claireSeen = try seenField(try await client.get("/inquiries/\(id)", claire).text)
      #expect(try await client.post("/inquiries/\(id)/reply/send", claire, [("markdown", "Claire answered first."), ("seen", claireSeen)]).status == .seeOther)
      // The writer's send, from what they saw before, is not made.
      let warned = try await client.post("/inquiries/\(id)/reply/send", writer, [("markdown", "My own answer,\nwith two lines."), ("seen", seen)])
      #expect(warned.status == .conflict)
      #expect(warned.text.contains("The sender sent a reply at"))
      #expect(warned.text.contains("while you were writing"))
      #expect(warned.text.contains("Claire answered first."), "the colleague's reply is shown")
      #expect(warned.text.contains("My own answer,\nwith two lines."), "the writer's text is kept")
      #expect(try fixture.queued(.inquiryReply).count == 1)
      // Sending anyway is a second, deliberate step: from the warning's form.
      let newSeen = try seenField(warned.text)
      #expect(newSeen != seen)
      let anyway = try await client.post("/inquiries/\(id)/reply/send", writer, [("markdown", "My own answer,\nwith two lines."), ("seen", newSeen)])
      #expect(anyway.status == .seeOther)
      #expect(try fixture.queued(.inquiryReply).count == 2)
    }
  }

  @Test func anEmptyReplyIsExplainedBesideItsField() async throws {
    let fixture = try DeskFixture()
    let id = try fixture.addInquiry()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let seen = try seenField(try await client.get("/inquiries/\(id)", browser).text)
      for path in ["/inquiries/\(id)/reply", "/inquiries/\(id)/reply/send"] {
        let response = try await client.post(path, browser, [("markdown", " \n\u{202E} "), ("seen", seen)])
        #expect(response.status == .unprocessableContent, "\(path)")
        #expect(response.text.contains("id=\"reply-error\""))
      }
      #expect(try fixture.queued(.inquiryReply).isEmpty)
    }
  }

  // MARK: The navigation

  @Test func theNavigationCountsTheInquiriesWaitingForAnAnswer() async throws {
    let fixture = try DeskFixture()
    let first = try fixture.addInquiry()
    try fixture.addInquiry()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.get("/account", browser).text
      #expect(page.contains("Inquiries <span class=\"count\">2</span>"))
      let editor = try await client.signIn("editor@example.org")
      _ = try await client.post("/inquiries/\(first)/status", editor, [("status", "closed")])
      #expect(try await client.get("/", browser).text.contains("Inquiries <span class=\"count\">1</span>"))
    }
  }

  // MARK: Reminders

  @Test func theAssigneeIsRemindedOnceBeforeTheDeadlineAgainForANewOneAndNotOnceAnswered() async throws {
    let fixture = try DeskFixture()
    let now = fixture.clock.now
    let id = try fixture.addInquiry()
    let sender = try fixture.user(.sender)
    let store = fixture.mailroom.store
    try store.assignInquiry(id, to: sender.id, name: sender.name, by: "test")
    try store.setInquiryDue(id, now.addingTimeInterval(3 * 3600), by: "test")
    let reminders = InquiryReminders(mailroom: fixture.mailroom, lead: 3600, logger: Logger(label: "test"))
    // Not before the time.
    #expect(try reminders.run(now: now.addingTimeInterval(2 * 3600 - 60)).isEmpty)
    // Exactly one after it, however often it runs.
    #expect(try reminders.run(now: now.addingTimeInterval(2 * 3600)) == [id])
    #expect(try reminders.run(now: now.addingTimeInterval(2 * 3600 + 60)).isEmpty)
    #expect(try fixture.queued(.inquiryNotice).map(\.recipient) == ["sender@example.org"])
    // A new deadline arms it again.
    try store.setInquiryDue(id, now.addingTimeInterval(5 * 3600), by: "test")
    #expect(try reminders.run(now: now.addingTimeInterval(3 * 3600)).isEmpty)
    #expect(try reminders.run(now: now.addingTimeInterval(4 * 3600)) == [id])
    // Answered: none.
    try store.setInquiryDue(id, now.addingTimeInterval(6 * 3600), by: "test")
    try store.recordInquiryReply(id, messageID: "r1@example.org", text: "Done.", by: "test")
    #expect(try reminders.run(now: now.addingTimeInterval(6 * 3600)).isEmpty)
    #expect(try fixture.queued(.inquiryNotice).count == 2)
  }
}
