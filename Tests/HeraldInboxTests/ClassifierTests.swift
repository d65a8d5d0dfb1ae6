import HeraldCore
import Foundation
import HeraldInbox
import HeraldMail
import Testing

struct ClassifierTests {
  static let context = ClassifierContext(
    unsubscribeAddresses: ["unsubscribe@example.org"], ownAddresses: ["press@example.org", "pressoffice@example.org"],
    languages: ["en", "de", "fr"])

  static func classify(_ bytes: [UInt8], context: ClassifierContext = context) -> Classification {
    Classifier.classify(ReceivedMessage(parsing: bytes), context: context)
  }

  static func classify(_ text: String, context: ClassifierContext = context) -> Classification {
    classify(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), context: context)
  }

  /// The class every fixture must get (Fixtures/README.md says what each is shaped after).
  static let expectedClasses: [String: InboundClass] = [
    "postfix-dsn-5.1.1.eml": .bounce, "postfix-dsn-delayed.eml": .bounce, "postfix-dsn-5.7.1-policy.eml": .bounce,
    "exim-5.1.1.eml": .bounce, "qmail-5.1.1.eml": .bounce, "sendmail-5.1.1.eml": .bounce, "gmail-5.1.1.eml": .bounce,
    "yahoo-5.1.1.eml": .bounce, "exchange-5.1.10.eml": .bounce, "exchange-unzustellbar.eml": .bounce,
    "amazon-ses-5.1.1.eml": .bounce, "global-dsn-utf8.eml": .bounce,
    "postfix-dsn-iso2022jp.eml": .bounce, "postfix-notice-gb2312.eml": .bounce, "sendmail-transcript.eml": .bounce,
    "sendmail-transcript-several.eml": .bounce, "exim-several.eml": .bounce, "qmail-several.eml": .bounce,
    "ses-bounce-sns.eml": .bounce, "postfix-dsn-from-line.eml": .bounce,
    "arf-complaint.eml": .complaint, "ses-complaint-sns.eml": .complaint,
    "exchange-ooo.eml": .autoReply, "gmail-vacation.eml": .autoReply, "icloud-vacation.eml": .autoReply,
    "outofoffice-subject-only.eml": .autoReply,
    "reply-html-only.eml": .inquiry, "reply-cp1251-qp.eml": .inquiry, "reply-with-attachment.eml": .inquiry,
    "reply-via-list.eml": .inquiry,
    "unsubscribe-mailto.eml": .unsubscribe, "unsubscribe-reply-de.eml": .unsubscribe, "unsubscribe-reply-en.eml": .unsubscribe,
    "malformed.eml": .unreadable,
  ]

  @Test func everyFixtureHasAnExpectedClass() {
    #expect(Set(InboxFixtures.all) == Set(Self.expectedClasses.keys))
  }

  @Test(arguments: InboxFixtures.all)
  func eachFixtureGetsItsClass(_ name: String) {
    let result = Self.classify(InboxFixtures.bytes(name))
    #expect(result.kind == Self.expectedClasses[name], "\(name): \(result.reason)")
    #expect(!result.reason.isEmpty)
    #expect((result.bounce != nil) == (result.kind == .bounce))
    #expect((result.complaint != nil) == (result.kind == .complaint))
  }

  // MARK: - Bounces

  struct ExpectedBounce: Sendable, CustomTestStringConvertible {
    var file: String
    var format: String
    var address: String
    var action: DeliveryAction = .failed
    var status: String?
    var isPermanent = true
    var blamesSender = false
    var messageID: String?
    var diagnostic: String?
    var testDescription: String { file }
  }

  static let bounces: [ExpectedBounce] = [
    ExpectedBounce(
      file: "postfix-dsn-5.1.1.eml", format: "RFC 3464", address: "reader1@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.negqg35klognwkvw.011b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 <reader1@example.com>: Recipient address rejected: User unknown in virtual mailbox table"),
    ExpectedBounce(
      file: "postfix-dsn-delayed.eml", format: "RFC 3464", address: "reader2@example.com", action: .delayed, status: "4.4.1",
      isPermanent: false, messageID: "2020-03-31-water-report.b7xk2mqa4rtd5u3e.021b2c3d4e5f6a7b@example.org",
      diagnostic: "connect to mx.example.com[192.0.2.26]:25: Connection timed out"),
    ExpectedBounce(
      file: "postfix-dsn-5.7.1-policy.eml", format: "RFC 3464", address: "reader3@example.com", status: "5.7.1",
      blamesSender: true, messageID: "2020-03-31-water-report.q4hzv6wn2jy7lk3c.031b2c3d4e5f6a7b@example.org",
      diagnostic:
        "554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.example.net; see https://bl.example.net/query/198.51.100.7"
    ),
    ExpectedBounce(
      file: "exim-5.1.1.eml", format: "Exim", address: "reader3@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.q4hzv6wn2jy7lk3c.031b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 <reader3@example.com>: Recipient address rejected: User unknown"),
    ExpectedBounce(
      file: "qmail-5.1.1.eml", format: "qmail", address: "reader4@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.m2pd7fxa5euk4q6t.041b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 <reader4@example.com>: Recipient address rejected: User unknown"),
    ExpectedBounce(
      file: "sendmail-5.1.1.eml", format: "Sendmail", address: "reader5@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.t6rw3nby7hc2zq5k.051b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 <reader5@example.com>... User unknown"),
    ExpectedBounce(
      file: "gmail-5.1.1.eml", format: "Gmail", address: "reader6@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.z3kq5vhm6nd2xw7a.061b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 <reader6@example.com>: Recipient address rejected: User unknown in virtual mailbox table"),
    ExpectedBounce(
      file: "yahoo-5.1.1.eml", format: "Yahoo", address: "reader7@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.h5ya2ck7tq3mv6ep.071b2c3d4e5f6a7b@example.org",
      diagnostic: "550: 5.1.1 <reader7@example.com>: Recipient address rejected: User unknown in relay recipient table"),
    ExpectedBounce(
      file: "exchange-5.1.10.eml", format: "Microsoft", address: "reader8@example.com", status: "5.1.10",
      messageID: "2020-03-31-water-report.w2fn6dz3kx5ru7bq.081b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
    ExpectedBounce(
      file: "exchange-unzustellbar.eml", format: "Microsoft", address: "reader9@example.com", status: "5.1.10",
      messageID: "2020-03-31-water-report.c7mt4qe2vz6ya5nk.091b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
    ExpectedBounce(
      file: "amazon-ses-5.1.1.eml", format: "Amazon SES", address: "reader10@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.k4vr7xh2pb5dn3mw.0a1b2c3d4e5f6a7b@example.org", diagnostic: "550 5.1.1 user unknown"),
    ExpectedBounce(
      file: "global-dsn-utf8.eml", format: "RFC 6533", address: "jürgen.müller@example.com", status: "5.1.1",
      messageID: "2020-03-31-water-report.y6dq3ta5mw2kc7hr.0b1b2c3d4e5f6a7b@example.org",
      diagnostic: "550 5.1.1 Empfängeradresse unbekannt"),
  ]

  @Test(arguments: bounces)
  func bouncesGiveTheirRecipientStatusAndOriginalMessage(_ expected: ExpectedBounce) throws {
    let result = Self.classify(InboxFixtures.bytes(expected.file))
    #expect(result.kind == .bounce, "\(result.reason)")
    let report = try #require(result.bounce)
    #expect(report.format == expected.format)
    #expect(report.recipients.count == 1)
    let recipient = try #require(report.recipients.first)
    #expect(recipient.address == expected.address)
    #expect(recipient.action == expected.action)
    #expect(recipient.status?.description == expected.status)
    #expect(recipient.isPermanent == expected.isPermanent)
    #expect(recipient.blamesSender == expected.blamesSender)
    #expect(recipient.diagnostic == expected.diagnostic)
    #expect(report.originalMessageID == expected.messageID)
    #expect(report.originalMessageID.flatMap { MessageID(parsing: $0) } != nil)
  }

  @Test func aPostfixReportNamesTheRemoteAndReportingServers() throws {
    let report = try #require(Self.classify(InboxFixtures.bytes("postfix-dsn-5.1.1.eml")).bounce)
    #expect(report.reportingMTA == "mail.example.org")
    #expect(report.recipients.first?.remoteMTA == "mx.example.com")
    let gmail = try #require(Self.classify(InboxFixtures.bytes("gmail-5.1.1.eml")).bounce)
    #expect(gmail.recipients.first?.remoteMTA == "mx.example.com")
  }

  @Test func aReportWithOneFailedAndOneDelayedRecipientKeepsBoth() throws {
    let result = Self.classify(
      """
      From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
      To: press@example.org
      Subject: Undelivered Mail Returned to Sender
      Date: Tue, 31 Mar 2020 10:02:13 +0200
      Message-ID: <20200331080213.1A2B3C4D5@mail.example.org>
      MIME-Version: 1.0
      Content-Type: multipart/report; report-type=delivery-status; boundary="b"

      --b
      Content-Type: text/plain

      Two recipients.
      --b
      Content-Type: message/delivery-status

      Reporting-MTA: dns; mail.example.org

      Final-Recipient: rfc822; Reader1@Example.com
      Action: failed
      Status: 5.2.1
      Diagnostic-Code: smtp; 550 5.2.1 <reader1@example.com>: mailbox disabled

      Final-Recipient: rfc822; reader2@example.com
      Action: delayed
      Status: 4.2.2
      Diagnostic-Code: smtp; 452 4.2.2 <reader2@example.com>: mailbox full
      --b
      Content-Type: text/rfc822-headers

      From: press@example.org
      Message-ID: <2020-03-31-water-report.negqg35klognwkvw.0000000000000000@example.org>
      --b--
      """)
    #expect(result.kind == .bounce)
    let report = try #require(result.bounce)
    #expect(report.recipients.map(\.address) == ["reader1@example.com", "reader2@example.com"])
    #expect(report.recipients.map(\.action) == [.failed, .delayed])
    #expect(report.recipients.map(\.isPermanent) == [true, false])
    #expect(report.recipients[0].status?.isMailboxDisabled == true)
    #expect(report.recipients[1].status?.isMailboxFull == true)
    #expect(report.originalMessageID == "2020-03-31-water-report.negqg35klognwkvw.0000000000000000@example.org")
  }

  @Test func recipientsWithoutABlankLineBetweenThemAreStillTwo() throws {
    let result = Self.classify(
      """
      From: MAILER-DAEMON@mail.example.org
      Date: Tue, 31 Mar 2020 10:02:13 +0200
      Content-Type: multipart/report; report-type=delivery-status; boundary="b"

      --b
      Content-Type: message/delivery-status

      Reporting-MTA: dns; mail.example.org
      Final-Recipient: rfc822; a@example.com
      Action: failed
      Diagnostic-Code: smtp; 550 5.1.1 no such user
      Final-Recipient: rfc822; b@example.com
      Action: failed
      Status: 5.1.2
      --b--
      """)
    let report = try #require(result.bounce)
    #expect(report.recipients.map(\.address) == ["a@example.com", "b@example.com"])
    // Without a Status field the diagnostic's code is taken.
    #expect(report.recipients.map { $0.status?.description } == ["5.1.1", "5.1.2"])
    #expect(report.reportingMTA == "mail.example.org")
  }

  @Test func aGmailNoticeWithoutItsReportIsReadFromItsWords() throws {
    let result = Self.classify(
      """
      From: Mail Delivery Subsystem <mailer-daemon@googlemail.example.net>
      To: press@example.org
      Subject: Delivery Status Notification (Failure)
      Date: Tue, 31 Mar 2020 01:02:14 -0700
      Message-ID: <text-only.GMR@mx.googlemail.example.net>
      Content-Type: text/plain; charset=UTF-8

      ** Address not found **

      Your message wasn't delivered to reader6@example.com because the address couldn't be found, or is unable to receive mail.

      The response from the remote server was:
      550 5.1.1 The email account that you tried to reach does not exist.
      """)
    #expect(result.kind == .bounce)
    let report = try #require(result.bounce)
    #expect(report.format == "Gmail")
    #expect(report.recipients.map(\.address) == ["reader6@example.com"])
    #expect(report.recipients.first?.status == "5.1.1")
    #expect(report.recipients.first?.diagnostic == "550 5.1.1 The email account that you tried to reach does not exist.")
  }

  @Test func anExchangeNoticeWithoutItsReportIsReadFromItsWords() throws {
    let result = Self.classify(
      """
      From: postmaster@example.com
      To: press@example.org
      Subject: Non remis : Un communiqué
      Date: Tue, 31 Mar 2020 08:02:13 +0000
      Message-ID: <ndr-text@EX01.corp.example.com>
      Content-Type: text/plain; charset=us-ascii

      Delivery has failed to these recipients or groups:

      reader8@example.com
      The email address you entered couldn't be found.

      Diagnostic information for administrators:

      Generating server: EX01.corp.example.com

      reader8@example.com
      #550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ##

      Original message headers:

      To: Reader 8 <other@example.com>
      Message-ID: <2020-03-31-water-report.w2fn6dz3kx5ru7bq.081b2c3d4e5f6a7b@example.org>
      """)
    let report = try #require(result.bounce)
    #expect(report.format == "Microsoft")
    #expect(report.recipients.map(\.address) == ["reader8@example.com"])
    #expect(report.recipients.first?.diagnostic == "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup")
    #expect(report.originalMessageID == "2020-03-31-water-report.w2fn6dz3kx5ru7bq.081b2c3d4e5f6a7b@example.org")
  }

  @Test(arguments: [
    ("550 5.7.1 Message rejected as spam by Content Filtering", "5.7.1", true),
    ("550 5.1.1 user unknown", "5.1.1", false),
    ("554 5.7.9 DMARC policy rejection", "5.7.9", true),
    ("550 5.0.0 Your IP is on our blocklist", "5.0.0", true),
    ("553 5.1.8 sender domain does not exist", "5.1.8", true),
    ("550 5.2.0 Rejected: poor reputation of the sending IP", "5.2.0", true),
  ])
  func aRefusalAboutTheSenderBlamesTheSender(_ diagnostic: String, _ status: String, _ blames: Bool) {
    let recipient = BounceRecipient(
      address: "reader1@example.com", action: .failed, status: EnhancedStatusCode(status), diagnostic: diagnostic)
    #expect(recipient.blamesSender == blames)
  }

  @Test func aBounceReportRoundTripsThroughJSONWithItsStatusAsText() throws {
    let report = try #require(Self.classify(InboxFixtures.bytes("postfix-dsn-5.1.1.eml")).bounce)
    let json = try JSONEncoder().encode(report)
    #expect(String(decoding: json, as: UTF8.self).contains("\"status\":\"5.1.1\""))
    let decoded = try JSONDecoder().decode(BounceReport.self, from: json)
    #expect(decoded.recipients == report.recipients)
  }

  // MARK: - Complaints

  @Test func aFeedbackReportNamesTheRecipientAndMessage() throws {
    let result = Self.classify(InboxFixtures.bytes("arf-complaint.eml"))
    #expect(result.kind == .complaint)
    let complaint = try #require(result.complaint)
    #expect(complaint.feedbackType == "abuse")
    #expect(complaint.recipient == "reader12@example.com")
    #expect(complaint.originalMessageID == "2020-03-31-water-report.f3hw5zq7kd2nt6ya.0c1b2c3d4e5f6a7b@example.org")
    #expect(complaint.userAgent == "ExampleFBL/2.1")
  }

  @Test func aFeedbackReportWithoutOriginalRcptToNamesTheReturnedMessagesRecipient() throws {
    let result = Self.classify(
      """
      From: feedback@arf.example.net
      To: press@example.org
      Subject: Complaint
      Date: Wed, 1 Apr 2020 07:14:01 +0000
      Message-ID: <arf2@fbl.example.net>
      Content-Type: multipart/report; report-type=feedback-report; boundary="f"

      --f
      Content-Type: text/plain

      A complaint.
      --f
      Content-Type: message/feedback-report

      Feedback-Type: abuse
      Version: 1

      --f
      Content-Type: text/rfc822-headers

      From: Institute for Example Studies <press@example.org>
      To: Reader Twelve <Reader12@example.com>
      Message-ID: <2020-03-31-water-report.f3hw5zq7kd2nt6ya.0c1b2c3d4e5f6a7b@example.org>
      --f--
      """)
    let complaint = try #require(result.complaint)
    #expect(complaint.recipient == "reader12@example.com")
    #expect(complaint.originalMessageID == "2020-03-31-water-report.f3hw5zq7kd2nt6ya.0c1b2c3d4e5f6a7b@example.org")
    #expect(complaint.userAgent == nil)
  }

  // MARK: - Automatic replies

  @Test(arguments: [
    "Auto-Submitted: auto-generated", "Auto-Submitted: auto-replied; owner-email=reader2@example.com", "X-Autoreply: yes",
    "X-Autorespond: Out of office", "Precedence: auto_reply", "X-Apple-Action: vacation", "X-Autogenerated: Reply",
  ])
  func automaticReplyFieldsMakeAnAutoReply(_ field: String) {
    let result = Self.classify(Self.reply("I am away until Monday.").replacingOccurrences(of: "Message-ID:", with: "\(field)\nMessage-ID:"))
    #expect(result.kind == .autoReply, "\(field): \(result.reason)")
  }

  @Test func aPostmasterWritingByHandIsAnInquiry() {
    let result = Self.classify(
      """
      From: Postmaster <postmaster@example.com>
      To: pressoffice@example.org
      Subject: Your releases to our newsroom
      Date: Wed, 1 Apr 2020 09:00:00 +0200
      Message-ID: <pm@example.com>

      Hello, could you send your releases to desk@example.com instead of the individual editors from now on?
      """)
    #expect(result.kind == .inquiry, "\(result.reason)")
  }

  @Test(arguments: ["Precedence: bulk", "Precedence: list", "Precedence: junk", "Auto-Submitted: no"])
  func bulkOrListPrecedenceAloneIsNotAutomatic(_ field: String) {
    let result = Self.classify(
      """
      From: Dana Reporter <reader17@example.com>
      To: pressoffice@example.org
      Subject: Re: New study
      Date: Tue, 31 Mar 2020 11:40:01 +0200
      Message-ID: <bulk@example.com>
      \(field)

      Thanks, could you send me the full study as a PDF?
      """)
    #expect(result.kind == .inquiry, "\(result.reason)")
  }

  @Test func aReadReceiptIsAutomatic() {
    let result = Self.classify(
      """
      From: Reader 2 <reader2@example.com>
      To: press@example.org
      Subject: Read: New study
      Date: Tue, 31 Mar 2020 11:40:01 +0200
      Message-ID: <mdn@example.com>
      Content-Type: multipart/report; report-type=disposition-notification; boundary="m"

      --m
      Content-Type: text/plain

      Your message was read.
      --m
      Content-Type: message/disposition-notification

      Final-Recipient: rfc822; reader2@example.com
      Disposition: manual-action/MDN-sent-manually; displayed
      --m--
      """)
    #expect(result.kind == .autoReply)
  }

  @Test(arguments: ["Abwesenheitsnotiz: Wasserbericht", "Automatische Antwort: Wasserbericht", "Absence", "Out of office"])
  func outOfOfficeSubjectsAreAutomatic(_ subject: String) {
    let result = Self.classify(
      """
      From: Reader 16 <reader16@example.com>
      To: pressoffice@example.org
      Subject: \(subject)
      Date: Tue, 31 Mar 2020 10:02:23 +0200
      Message-ID: <ooo@example.com>

      Back on Monday.
      """)
    #expect(result.kind == .autoReply, "\(result.reason)")
  }

  @Test func aSubjectThatStartsWithAbsenceIsNotAlwaysAutomatic() {
    let result = Self.classify(
      """
      From: Dana Reporter <reader17@example.com>
      To: pressoffice@example.org
      Subject: Absence of figures for Leipzig
      Date: Tue, 31 Mar 2020 11:40:01 +0200
      Message-ID: <absence@example.com>

      Why are there no figures for Leipzig in table 3?
      """)
    #expect(result.kind == .inquiry)
  }

  // MARK: - Unsubscribing

  @Test func mailToTheUnsubscribeAddressGivesTheToken() {
    let result = Self.classify(InboxFixtures.bytes("unsubscribe-mailto.eml"))
    #expect(result.kind == .unsubscribe)
    #expect(result.unsubscribeToken == "cmVhZGVyMUBleGFtcGxlLmNvbR9wcmVzcy1lbg.NuAXsQ6ZKHirJewzUo5r2g")
  }

  @Test(arguments: [("unsubscribe-reply-de.eml", "(de)"), ("unsubscribe-reply-en.eml", "(en)")])
  func shortRepliesAskingToBeRemovedAreUnsubscribes(_ name: String, _ language: String) {
    let result = Self.classify(InboxFixtures.bytes(name))
    #expect(result.kind == .unsubscribe)
    #expect(result.reason.hasSuffix(language), "\(result.reason)")
    #expect(result.unsubscribeToken == nil)
  }

  static func reply(_ body: String, subject: String = "Re: New study") -> String {
    """
    From: Reader 2 <reader2@example.com>
    To: pressoffice@example.org
    Subject: \(subject)
    Date: Wed, 1 Apr 2020 07:12:44 +0100
    Message-ID: <reply@example.com>
    In-Reply-To: <2020-03-31-water-report.b7xk2mqa4rtd5u3e.021b2c3d4e5f6a7b@example.org>
    Content-Type: text/plain; charset=utf-8

    \(body)
    """
  }

  @Test(arguments: [
    "Please remove me from your mailing list.", "STOP", "Unsubscribe", "Bitte austragen, danke.", "Merci de me désinscrire.",
    "Could you please take me off this list?", "Abmelden\n\nMit freundlichen Grüßen\nKlaus",
  ])
  func requestsToBeRemovedAreUnsubscribes(_ body: String) {
    let result = Self.classify(Self.reply(body))
    #expect(result.kind == .unsubscribe, "\(body): \(result.reason)")
  }

  @Test func aLongReplyThatAsksAboutUnsubscribingIsAnInquiry() {
    let body = """
      Dear Press Office,

      thank you for the study, which our science desk found very useful. Before we write about it, two
      questions: are the figures for Leipzig and Dresden measured the same way as the others, and is
      the leak rate for 2019 final? Also, a colleague asked whether she can unsubscribe from the German
      list and receive only the English one instead?

      Best regards,
      Dana
      """
    let result = Self.classify(Self.reply(body))
    #expect(result.kind == .inquiry)
  }

  @Test(arguments: ["Is there an embargo on this?", "Thanks!", "Who wrote the study?", ""])
  func shortRepliesThatDoNotAskToLeaveAreInquiries(_ body: String) {
    #expect(Self.classify(Self.reply(body)).kind == .inquiry)
  }

  @Test func theSubjectOfAReplyDoesNotMakeItAnUnsubscribe() {
    let result = Self.classify(Self.reply("Thanks, very useful.", subject: "Re: How to opt out of smart water meters"))
    #expect(result.kind == .inquiry)
  }

  @Test func aLanguageIsRecognisedOnlyWhenAListUsesIt() {
    let message = Self.reply("Пожалуйста, отпишите меня.")
    #expect(Self.classify(message).kind == .inquiry)
    let russian = ClassifierContext(unsubscribeAddresses: ["unsubscribe@example.org"], languages: ["ru"])
    let result = Self.classify(message, context: russian)
    #expect(result.kind == .unsubscribe)
    #expect(result.reason == "a short reply asking to be removed (ru)")
  }

  @Test func wordsInTheQuotedReleaseDoNotCount() {
    let body = """
      Thanks, got it.

      On Tue, 31 Mar 2020 at 09:00, Institute for Example Studies <press@example.org> wrote:
      > Unsubscribe: https://news.example.org/unsubscribe/abc
      """
    #expect(Self.classify(Self.reply(body)).kind == .inquiry)
  }

  // MARK: - Inquiries and what is not mail

  @Test(arguments: ["reply-html-only.eml", "reply-cp1251-qp.eml", "reply-with-attachment.eml", "reply-via-list.eml"])
  func repliesFromPeopleAreInquiries(_ name: String) {
    let result = Self.classify(InboxFixtures.bytes(name))
    #expect(result.kind == .inquiry)
    #expect(result.reason == "a reply from a person to one of our messages")
  }

  @Test(arguments: [[UInt8](), Array("\r\n\r\n".utf8), [0x00, 0xFF, 0xFE, 0x0A, 0x0D], Array("just some words\r\n".utf8)])
  func whatIsNotMailIsUnreadable(_ bytes: [UInt8]) {
    #expect(Self.classify(bytes).kind == .unreadable)
  }

  /// A fixed-seed generator (SplitMix64), so that a failure can be reproduced.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test(arguments: InboxFixtures.all)
  func cutAndDamagedMessagesNeverCrash(_ name: String) {
    let bytes = InboxFixtures.bytes(name)
    var generator = SeededGenerator(state: UInt64(bytes.count))
    for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
      _ = Self.classify(Array(bytes[..<cut]))
    }
    for _ in 0..<20 {
      var damaged = bytes
      for _ in 0..<16 {
        damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
      }
      _ = Self.classify(damaged)
    }
  }

  @Test func aMessageWithoutFromIsUnreadableUnlessAMachineWroteIt() {
    let result = Self.classify(
      """
      Date: Tue, 31 Mar 2020 10:02:23 +0200
      Subject: A question
      Message-ID: <nofrom@example.com>

      Who can I talk to?
      """)
    #expect(result.kind == .unreadable)
  }
}
