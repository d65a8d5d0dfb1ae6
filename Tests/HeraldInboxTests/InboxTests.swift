import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldInbox
import HeraldMail
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import Testing

/// A workspace whose list press-en has the readers the fixtures are about
/// (reader1…reader12@example.com), each sent one campaign of the sample release.
struct InboxFixture {
  let workspace: Workspace
  let mailroom: Mailroom
  let inbox: Inbox

  init(readers: Int = 12) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-inbox-\(UUID().uuidString)")
    workspace = Workspace(root: root)
    try workspace.initialize()
    let store = try workspace.openStore()
    try store.createList(name: "press-en")
    try store.createList(name: "press-de", language: "de")
    for index in 1...readers {
      try store.addSubscriber(email: "reader\(index)@example.com", name: "Reader \(index)", list: "press-en", source: .commandLine("test"))
    }
    try store.addSubscriber(email: "reader1@example.com", list: "press-de", source: .commandLine("test"))
    mailroom = try Mailroom(workspace: workspace)
    inbox = try Inbox(mailroom: mailroom)
  }

  var store: SubscriberStore { mailroom.store }

  /// A Maildir of fixtures (new/), for import.
  func maildir(_ names: [String]) throws -> URL {
    let folder = workspace.root.appendingPathComponent("Maildir-\(UUID().uuidString)")
    for sub in ["new", "cur", "tmp"] {
      try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    for (index, name) in names.enumerated() {
      try Data(InboxFixtures.bytes(name)).write(to: folder.appendingPathComponent("new/\(1_700_000_000 + index).\(index).test"))
    }
    return folder
  }

  func status(_ address: String, _ list: String = "press-en") throws -> MembershipStatus? {
    try store.profile(email: address).memberships.first { $0.list == list }?.status
  }
}

struct InboxTests {
  let fixture: InboxFixture

  init() throws { fixture = try InboxFixture() }

  @Test func everyFixtureIsReadOnceClassifiedAndKept() throws {
    let folder = try fixture.maildir(InboxFixtures.all)
    var outcomes: [Inbox.Outcome] = []
    let summary = try fixture.inbox.importMessages(from: .maildir(folder)) { outcomes.append($0) }
    #expect(summary.total == InboxFixtures.all.count && summary.duplicates == 0)
    var expected: [InboundClass: Int] = [:]
    for name in InboxFixtures.all { expected[ClassifierTests.expectedClasses[name]!, default: 0] += 1 }
    #expect(summary.read == expected)
    for outcome in outcomes {
      let file = fixture.workspace.root.appendingPathComponent(outcome.record.rawFile)
      #expect(FileManager.default.fileExists(atPath: file.path), "kept: \(outcome.origin)")
      #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
    }
    // The same messages again, from an mbox this time: nothing is read twice.
    let again = try fixture.inbox.importMessages(from: .maildir(folder))
    #expect(again.total == 0 && again.duplicates == InboxFixtures.all.count)
    #expect(try fixture.store.inboundCounts().values.reduce(0, +) == InboxFixtures.all.count)
  }

  @Test func aMailboxThatIsGoneIsBouncedAndSuppressedAndTiedToTheRelease() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("postfix-dsn-5.1.1.eml"), origin: "test")
    #expect(outcome.record.kind == .bounce)
    #expect(outcome.record.release == "2020-03-31-water-report", "from the returned copy's Message-ID")
    #expect(outcome.recipients.map(\.address) == ["reader1@example.com"])
    #expect(outcome.recipients.first?.result == .bouncedAndSuppressed)
    #expect(try fixture.status("reader1@example.com") == .bounced)
    #expect(try fixture.status("reader1@example.com", "press-de") == .subscribed, "only the list the returned copy's List-Id names")
    let profile = try fixture.store.profile(email: "reader1@example.com")
    #expect(profile.suppressed?.hasPrefix("hard bounce:") == true)
    #expect(profile.memberships.first { $0.list == "press-en" }?.source.kind == .bounce)
  }

  @Test func aRefusalThatBlamesTheSenderChangesNothingForTheSubscriber() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("postfix-dsn-5.7.1-policy.eml"), origin: "test")
    #expect(outcome.record.kind == .bounce)
    #expect(outcome.recipients.first?.result == .senderProblem)
    #expect(try fixture.status("reader3@example.com") == .subscribed)
    #expect(try fixture.store.profile(email: "reader3@example.com").suppressed == nil)
    #expect(outcome.actions.map(\.kind) == [.senderProblem])
  }

  @Test func aDelayNoticeChangesNothing() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("postfix-dsn-delayed.eml"), origin: "test")
    #expect(outcome.record.kind == .bounce)
    #expect(outcome.actions.isEmpty)
    #expect(try fixture.status("reader2@example.com") == .subscribed)
  }

  @Test func aComplaintSuppressesTheAddress() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("arf-complaint.eml"), origin: "test")
    #expect(outcome.record.kind == .complaint)
    #expect(try fixture.status("reader12@example.com") == .complained)
    #expect(try fixture.store.profile(email: "reader12@example.com").suppressed?.hasPrefix("complaint") == true)
  }

  @Test func anAmazonSESComplaintByEmailSuppressesTheAddress() throws {
    let fixture = try InboxFixture(readers: 40)
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("ses-complaint-sns.eml"), origin: "test")
    #expect(outcome.record.kind == .complaint)
    #expect(outcome.record.release == "2020-03-31-water-report", "from the Message-ID in the notification's mail.commonHeaders")
    #expect(try fixture.status("reader37@example.com") == .complained)
    #expect(try fixture.store.profile(email: "reader37@example.com").suppressed?.hasPrefix("complaint") == true)
    #expect(try fixture.status("reader36@example.com") == .subscribed)
  }

  @Test(arguments: [
    ("sendmail-transcript-several.eml", ["reader25@example.com": .bouncedAndSuppressed, "reader26@example.com": .bounced, "reader27@example.com": .bouncedAndSuppressed]),
    ("exim-several.eml", ["reader29@example.com": .bouncedAndSuppressed, "reader30@example.com": .bouncedAndSuppressed, "reader31@example.com": .bouncedAndSuppressed]),
    ("ses-bounce-sns.eml", ["reader35@example.com": .bouncedAndSuppressed, "reader36@example.com": .bouncedAndSuppressed]),
    ("postfix-notice-gb2312.eml", ["reader22@example.com": .bouncedAndSuppressed, "reader23@example.com": .noKnownCampaign]),
  ] as [(String, [String: BounceAction])])
  func everyRecipientOfANoticeIsActedOn(_ file: String, _ results: [String: BounceAction]) throws {
    let fixture = try InboxFixture(readers: 40)
    let outcome = try fixture.inbox.read(InboxFixtures.bytes(file), origin: "test")
    #expect(outcome.record.kind == .bounce)
    #expect(outcome.record.release == "2020-03-31-water-report")
    #expect(Dictionary(uniqueKeysWithValues: outcome.recipients.map { ($0.address, $0.result) }) == results)
    for (address, result) in results {
      let profile = try fixture.store.profile(email: address)
      #expect((profile.memberships.first { $0.list == "press-en" }?.status == .bounced) == result.changesStatus, "\(address)")
      #expect((profile.suppressed != nil) == (result == .bouncedAndSuppressed), "\(address)")
    }
  }

  @Test func aReplyAskingToBeRemovedUnsubscribesWithTheMessageAsEvidence() throws {
    let bytes = InboxFixtures.bytes("unsubscribe-reply-en.eml")
    let message = ReceivedMessage(parsing: bytes)
    let sender = try #require(message.from.first?.address.lowercased())
    try fixture.store.addSubscriber(email: sender, list: "press-en", source: .commandLine("test"))
    let outcome = try fixture.inbox.read(bytes, origin: "test")
    #expect(outcome.record.kind == .unsubscribe)
    let membership = try #require(try fixture.store.profile(email: sender).memberships.first)
    #expect(membership.status == .unsubscribed && membership.source.kind == .email)
    #expect(membership.source.detail.contains(message.messageID ?? "?"))
  }

  @Test func mailToTheUnsubscribeAddressWithAGenuineTokenLeavesThatList() throws {
    let reader = try #require(try fixture.store.subscriber(address: "reader1@example.com"))
    let token = try fixture.workspace.linkSigner().unsubscribeToken(subscriber: reader.id.description, list: "press-de")
    let text = "From: someone.else@example.net\r\nTo: unsubscribe@example.org\r\nSubject: unsubscribe \(token)\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <u1@example.net>\r\n\r\nunsubscribe\r\n"
    let outcome = try fixture.inbox.read(Array(text.utf8), origin: "test")
    #expect(outcome.record.kind == .unsubscribe)
    #expect(try fixture.status("reader1@example.com", "press-de") == .unsubscribed, "the token's subscriber and list, not the sender")
    #expect(try fixture.status("reader1@example.com", "press-en") == .subscribed)
  }

  @Test func aQuestionBecomesAnInquiryWithItsTextAndAttachments() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("reply-with-attachment.eml"), origin: "test")
    #expect(outcome.record.kind == .inquiry)
    let inquiry = try #require(outcome.inquiry)
    let (stored, entries) = try fixture.store.inquiry(inquiry)
    #expect(stored.status == .new && stored.release == "2020-03-31-water-report")
    let entry = try #require(entries.first)
    #expect(!entry.text.isEmpty && entry.attachments.count == 1)
    let attachment = fixture.workspace.root.appendingPathComponent(entry.attachments[0])
    #expect(try Data(contentsOf: attachment).prefix(5) == Data("%PDF-".utf8))
    // A windows-1251 question arrives as text a person can read.
    let cyrillic = try fixture.inbox.read(InboxFixtures.bytes("reply-cp1251-qp.eml"), origin: "test")
    let text = try fixture.store.inquiry(try #require(cyrillic.inquiry)).entries[0].text
    #expect(text.unicodeScalars.contains { (0x0410...0x044F).contains($0.value) }, "\(text)")
    // An HTML-only reply is read as text, without tags.
    let html = try fixture.inbox.read(InboxFixtures.bytes("reply-html-only.eml"), origin: "test")
    let htmlText = try fixture.store.inquiry(try #require(html.inquiry)).entries[0].text
    #expect(htmlText.hasPrefix("Dear Press Office,") && !htmlText.contains("<div") && !htmlText.contains("<br"), "\(htmlText)")
  }

  @Test func aReplyWithoutOurMessageIDIsTiedByAddressThenBySubject() throws {
    // A second release, answered at an address of its own.
    let release = """
      ---
      title: "Tides rise faster than forecast"
      date: 2021-05-06
      subject: "Coastal cities brace for record tides"
      lists: [press-en]
      reply_to: "Tides desk <tides@example.org>"
      ---

      Sea levels rose faster than forecast.

      """
    try Data(release.utf8).write(to: fixture.workspace.releasesDirectory.appendingPathComponent("2021-05-06-tides.md"))
    let inbox = try Inbox(mailroom: fixture.mailroom)
    func question(to: String, subject: String, id: String) -> [UInt8] {
      Array("From: Kim <reader5@example.com>\r\nTo: \(to)\r\nSubject: \(subject)\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <\(id)@example.com>\r\n\r\nCould I speak to the author?\r\n".utf8)
    }
    // To the release's own address, whatever the subject.
    let byAddress = try inbox.read(question(to: "tides@example.org", subject: "A question", id: "q1"), origin: "test")
    #expect(byAddress.record.release == "2021-05-06-tides")
    // To the press office, with the subject behind reply markers of several languages.
    let bySubject = try inbox.read(question(to: "press@example.org", subject: "AW: Re: Coastal cities brace for record tides", id: "q2"), origin: "test")
    #expect(bySubject.record.release == "2021-05-06-tides")
    let byTitle = try inbox.read(question(to: "press@example.org", subject: "Fwd: New study: cities lose a third of their drinking water to leaks", id: "q3"), origin: "test")
    #expect(byTitle.record.release == "2020-03-31-water-report")
    // Neither: no release, still an inquiry.
    let neither = try inbox.read(question(to: "press@example.org", subject: "Your annual report", id: "q4"), origin: "test")
    #expect(neither.record.release == nil && neither.record.kind == .inquiry)
  }

  @Test func aWrongClassIsCorrectedByHandAndItsConsequencesUndone() throws {
    let outcome = try fixture.inbox.read(InboxFixtures.bytes("postfix-dsn-5.1.1.eml"), origin: "test")
    #expect(try fixture.status("reader1@example.com") == .bounced)
    let corrected = try fixture.inbox.reclassify(outcome.record.id, as: .autoReply, by: "tester")
    #expect(corrected.record.kind == .autoReply)
    #expect(try fixture.status("reader1@example.com") == .subscribed)
    #expect(try fixture.store.profile(email: "reader1@example.com").suppressed == nil)
    // And back: the bounce applies again.
    _ = try fixture.inbox.reclassify(outcome.record.id, as: .bounce, by: "tester")
    #expect(try fixture.status("reader1@example.com") == .bounced)
  }

  @Test func temporaryFailuresOnThreeCampaignsInARowBounce() throws {
    let reader = try #require(try fixture.store.subscriber(address: "reader4@example.com"))
    for index in 1...3 {
      try fixture.store.recordDeliveries([.init(subscriber: reader.id, campaign: CampaignID("2020-03-31-water-report-\(index)")!, list: "press-en",
        outcome: .sent, reply: "250 Ok", at: Date(timeIntervalSince1970: Double(index) * 1000))])
      let text = """
        From: MAILER-DAEMON@mx.example.net\r\nTo: press@example.org\r\nSubject: Undelivered Mail\r\nDate: Tue, 1 Dec 2026 10:0\(index):00 +0000\r
        Message-ID: <soft\(index)@mx.example.net>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r
        \r\n--b\r\nContent-Type: text/plain\r\n\r\nMailbox full.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r
        \r\nFinal-Recipient: rfc822; reader4@example.com\r\nAction: failed\r\nStatus: 4.2.2\r\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full\r\n\r\n--b--\r\n
        """
      let outcome = try fixture.inbox.read(Array(text.utf8), origin: "test")
      let recipient = try #require(outcome.recipients.first)
      #expect(recipient.result == (index < 3 ? .softBounce : .bouncedAfterSoftBounces), "\(outcome.recipients)")
      #expect(recipient.softBounces == index && recipient.softBounceLimit == 3)
    }
    #expect(try fixture.status("reader4@example.com") == .bounced)
  }
}

struct MboxReaderTests {
  func write(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).mbox").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func messagesAreSplitAtFromLinesAndUnquoted() throws {
    let mbox = """
      From jo@example.com Tue Dec  1 10:00:00 2026
      Subject: one

      >From the start
      >>From twice
      body of one

      From kim@example.com Tue Dec  1 10:01:00 2026
      Subject: two

      From inside a paragraph is not a separator
      last line

      """
    let path = try write(mbox)
    var messages: [String] = []
    let reader = try MboxReader(path: path, format: .mboxrd)
    while let message = try reader.next() { messages.append(String(decoding: message, as: UTF8.self)) }
    #expect(messages == [
      "Subject: one\n\nFrom the start\n>From twice\nbody of one\n",
      "Subject: two\n\nFrom inside a paragraph is not a separator\nlast line\n",
    ])
    let old = try MboxReader(path: path, format: .mboxo)
    #expect(String(decoding: try #require(try old.next()), as: UTF8.self).contains("From the start\n>>From twice\n"))
  }

  @Test func aFileThatIsNotAnMboxIsRefusedSayingSo() throws {
    let path = try write("Subject: hello\n\nbody\n")
    let error = try #require(throws: InboxError.self) { _ = try MboxReader(path: path).next() }
    #expect(error.message.contains("is not an mbox file"))
    #expect(try MailSource.detect(path) == .file(URL(fileURLWithPath: path)))
  }

  @Test func aLargeMboxIsReadOneMessageAtATime() throws {
    // 2,000 messages of 20 kB: 40 MB on disk, read with a few MB.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).mbox").path
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    let body = String(repeating: "a line of a long message, as long as a line can be in mail\n", count: 340)
    for index in 0..<2_000 {
      try handle.write(contentsOf: Data("From x@example.com Tue Dec  1 10:00:00 2026\nSubject: \(index)\n\n\(body)\n".utf8))
    }
    try handle.close()
    let reader = try MboxReader(path: path)
    var count = 0
    var biggest = 0
    while let message = try reader.next() {
      count += 1
      biggest = max(biggest, message.count)
    }
    #expect(count == 2_000)
    #expect(biggest < 25_000)
  }
}
