import Foundation
import HeraldTesting
import Testing

/// A journalist's question answered by the team, end to end, in a real browser driving the
/// real server (issue 18): the release goes out to Herald's capture sink; a journalist's answer
/// to it arrives in a Maildir and is read by `herald inbox import`; an editor assigns it to a
/// colleague in the desk; the colleague answers it in Markdown; the answer reaches the sink
/// threaded under the journalist's message, signed; the release's report counts the inquiry
/// answered, in the desk and in `herald report --json` alike. Screenshots of each step are kept
/// in `.build/test-artifacts/desk-inquiry/`.
struct DeskInquiryWorkflowTests {
  struct Person: Encodable {
    var email: String
    var password: String
    var name: String
  }

  struct Request: Encodable {
    var desk: String
    var editor: Person
    var colleague: Person
    var subject: String
    var release: String
    var answer: String
    var artefacts: String
  }

  struct Result: Decodable {
    var id: Int
    var inbox: String
    var navigation: String
    var inquiry: String
    var assigned: String
    var mine: String
    var preview: String
    var sent: String
    var report: String
    var screenshots: [String]
    var console_errors: [String]
    var violations: [String]
  }

  struct Figures: Decodable {
    var inquiries: Int
    var answered: Int
  }

  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func anEditorAssignsAnInquiryTheColleagueAnswersItThreadedAndTheReportCountsIt() throws {
    let folder = try HeraldProcess.temporaryDirectory()
    let sinkFolder = folder.appendingPathComponent("sink")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", sinkFolder.path, "--quiet"], in: folder)
    defer { sink.stop() }
    let sinkPort = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")
    let relay = "smtp://127.0.0.1:\(sinkPort)"
    let site = try ServedWorkspace(relay: relay, dkim: true)
    let release = ServedWorkspace.sampleRelease

    // The release goes out; a journalist who got it answers it from their mail client.
    let sent = try HeraldProcess.run(["send", "Releases/\(release)", "--smtp", relay, "--yes"], in: site.root)
    try #require(sent.status == 0, "\(sent.stderr)")
    let copy = try #require(try SinkMessage.all(in: sinkFolder).first { $0.subject.contains("drinking water") })
    let journalist = copy.address
    let question = "<question-1@newsroom.example.com>"
    let subject = "Re: \(copy.subject)"
    let mail = folder.appendingPathComponent("Maildir")
    for part in ["new", "cur", "tmp"] {
      try FileManager.default.createDirectory(at: mail.appendingPathComponent(part), withIntermediateDirectories: true)
    }
    let answer = [
      "From: Lena Example <\(journalist)>", "To: press@example.org", "Subject: \(subject)",
      "Date: Mon, 07 Dec 2026 09:12:00 +0100", "Message-ID: \(question)", "In-Reply-To: \(copy.messageID)",
      "References: \(copy.messageID)", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "",
      "Hello,", "", "which city lost the most water per inhabitant, and could Dr. Durand speak to us",
      "before 16:00 today?", "", "Lena Example, Example Newsroom", "",
    ].joined(separator: "\r\n")
    try answer.write(to: mail.appendingPathComponent("new/1733562720.M1P1.newsroom"), atomically: true, encoding: .utf8)
    let imported = try HeraldProcess.run(["inbox", "import", mail.path], in: site.root)
    try #require(imported.status == 0, "\(imported.stderr)")

    let result = try BrowserScript("desk_inquiry.py").run(
      Request(
        desk: site.desk,
        editor: Person(email: ServedWorkspace.email("editor"), password: ServedWorkspace.password, name: "The editor"),
        colleague: Person(email: ServedWorkspace.email("sender"), password: ServedWorkspace.password, name: "The sender"),
        subject: subject, release: release,
        answer: "Dear Ms Example,\n\n**Valletta** lost the most per inhabitant. Dr. Durand can speak to you at *15:00*: call +49 30 0000 0000.\n\nThe press office",
        artefacts: BrowserScript.artefacts("desk-inquiry").path),
      as: Result.self, timeout: 300)

    // The shared inbox listed it, the navigation counted it, and the thread showed the question.
    #expect(result.inbox.contains(subject), "\(result.inbox)")
    #expect(result.navigation.contains("1"), "\(result.navigation)")
    #expect(result.inquiry.contains("which city lost the most water"), "\(result.inquiry)")
    #expect(result.assigned.contains("The sender"), "\(result.assigned)")
    #expect(result.mine.contains(subject), "the colleague sees it among their own: \(result.mine)")
    #expect(result.preview.contains("Valletta"), "\(result.preview)")

    // The answer reaches the sink threaded under the journalist's message, signed, from the
    // Outbox that `herald serve` delivers (a bounded number of looks, not a clock).
    var reply: SinkMessage?
    for _ in 0..<200 where reply == nil {
      reply = try SinkMessage.all(in: sinkFolder).first { $0.inReplyTo == question }
      if reply == nil { Thread.sleep(forTimeInterval: 0.1) }
    }
    let delivered = try #require(reply, "the answer did not reach the sink")
    #expect(delivered.address == journalist)
    #expect(delivered.references.contains(question))
    #expect(delivered.references.contains(copy.messageID))
    #expect(delivered.dkim)
    #expect(delivered.body.contains("Valletta"))

    // The report counts it answered, in the desk and on the command line alike.
    let report = try HeraldProcess.run(["report", release, "--json"], in: site.root)
    let figures = try JSONDecoder().decode(Figures.self, from: Data(report.stdout.utf8))
    #expect(figures.inquiries == 1)
    #expect(figures.answered == 1)
    #expect(result.report.contains("answered") || result.report.contains("Answered"), "\(result.report)")

    #expect(result.console_errors.filter { $0.contains("Content Security Policy") }.isEmpty, "\(result.console_errors)")
    #expect(result.screenshots.count >= 10)
    for violation in result.violations { Issue.record(Comment(rawValue: violation)) }
  }
}

/// A message Herald's capture sink kept (one .eml file each), with the headers a test reads.
struct SinkMessage {
  var to: String
  var subject: String
  var messageID: String
  var inReplyTo: String
  var references: String
  var dkim: Bool
  var body: String

  /// The address of To, without a display name.
  var address: String {
    guard let start = to.lastIndex(of: "<"), let end = to.lastIndex(of: ">"), start < end else { return to }
    return String(to[to.index(after: start)..<end])
  }

  static func all(in folder: URL) throws -> [SinkMessage] {
    let files = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
      .filter { $0.pathExtension == "eml" }
    return try files.map { try SinkMessage(String(contentsOf: $0, encoding: .utf8)) }
  }

  init(_ text: String) {
    let parts = text.components(separatedBy: "\r\n\r\n")
    // Folded header lines joined to the line they continue.
    let head = (parts.first ?? text).replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
    let lines = head.components(separatedBy: "\r\n")
    func header(_ name: String) -> String {
      lines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map {
        String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
      } ?? ""
    }
    to = header("To")
    subject = header("Subject")
    messageID = header("Message-ID")
    inReplyTo = header("In-Reply-To")
    references = header("References")
    dkim = lines.contains { $0.hasPrefix("DKIM-Signature:") }
    body = parts.dropFirst().joined(separator: "\r\n\r\n")
  }
}
