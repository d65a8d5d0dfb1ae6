import Foundation
import HeraldCore
import HeraldInbox
import HeraldMail
import Testing

/// Bounces and complaints as other mail systems really send them (issue 13): notices in
/// Asian charsets, Sendmail's transcripts, several recipients in one notice, Amazon SES's
/// JSON notifications by email, and a message saved with its mbox "From " line. Each
/// fixture's recipients, actions, statuses and original Message-ID.
struct OtherSystemsBounceTests {
  struct Recipient: Sendable {
    var address: String
    var action: DeliveryAction = .failed
    var status: String?
    var permanent = true
    var diagnostic: String?
  }

  struct Expected: Sendable, CustomTestStringConvertible {
    var file: String
    var format: String
    var recipients: [Recipient]
    var messageID: String
    var testDescription: String { file }
  }

  static let expected: [Expected] = [
    Expected(
      file: "postfix-dsn-iso2022jp.eml", format: "RFC 3464",
      recipients: [
        Recipient(
          address: "reader21@example.com", status: "5.1.1",
          diagnostic: "550 5.1.1 <reader21@example.com>: Recipient address rejected: User unknown in virtual mailbox table")
      ],
      messageID: "2020-03-31-water-report.p7kd3wz5qa2xn6hb.151b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "postfix-notice-gb2312.eml", format: "Postfix",
      recipients: [
        Recipient(
          address: "reader22@example.com", status: "5.1.1",
          diagnostic: "550 5.1.1 <reader22@example.com>: Recipient address rejected: User unknown in virtual mailbox table"),
        // Returned after a temporary refusal: failed, but not for good.
        Recipient(
          address: "reader23@example.com", status: "4.2.2", permanent: false,
          diagnostic: "452 4.2.2 <reader23@example.com>: Mailbox full"),
      ],
      messageID: "2020-03-31-water-report.r3nv6bq2kz7tw5md.161b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "sendmail-transcript.eml", format: "Sendmail",
      recipients: [Recipient(address: "reader24@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader24@example.com>... User unknown")],
      messageID: "2020-03-31-water-report.s5tq2wh7mc3ky6ra.181b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "sendmail-transcript-several.eml", format: "Sendmail",
      recipients: [
        Recipient(address: "reader25@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader25@example.com>... User unknown"),
        Recipient(address: "reader26@example.com", status: "5.2.2", diagnostic: "552 5.2.2 <reader26@example.com>... Mailbox full"),
        Recipient(address: "reader27@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader27@example.com>... No such user here"),
      ],
      messageID: "2020-03-31-water-report.u2hy5dk7qn3wc6tb.191b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "exim-several.eml", format: "Exim",
      recipients: [
        Recipient(
          address: "reader29@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader29@example.com>: Recipient address rejected: User unknown"),
        Recipient(address: "reader30@example.com", status: "5.2.1", diagnostic: "550 5.2.1 <reader30@example.com>: Mailbox disabled"),
        Recipient(address: "reader31@example.com"),
      ],
      messageID: "2020-03-31-water-report.v6wk3ex2rb7ym5nc.1a1b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "qmail-several.eml", format: "qmail",
      recipients: [
        Recipient(
          address: "reader32@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader32@example.com>: Recipient address rejected: User unknown"),
        Recipient(
          address: "reader33@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader33@example.com>: Recipient address rejected: User unknown"),
        Recipient(
          address: "reader34@example.com", status: "5.1.2", diagnostic: "Sorry, I couldn't find any host named example-gone.example.com. (#5.1.2)"),
      ],
      messageID: "2020-03-31-water-report.w3xb6fq2sc7zn5kd.1b1b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "ses-bounce-sns.eml", format: "Amazon SES",
      recipients: [
        Recipient(
          address: "reader35@example.com", status: "5.1.1", diagnostic: "550 5.1.1 <reader35@example.com>: Recipient address rejected: User unknown"),
        Recipient(address: "reader36@example.com", status: "5.1.1", diagnostic: "550 5.1.1 user unknown"),
      ],
      messageID: "2020-03-31-water-report.x5yc2gr7td3an6me.1c1b2c3d4e5f6a7b@example.org"),
    Expected(
      file: "postfix-dsn-from-line.eml", format: "RFC 3464",
      recipients: [
        Recipient(
          address: "reader38@example.com", status: "5.1.1",
          diagnostic: "550 5.1.1 <reader38@example.com>: Recipient address rejected: User unknown in virtual mailbox table")
      ],
      messageID: "2020-03-31-water-report.z7ab3jt5vf2cq6ng.1e1b2c3d4e5f6a7b@example.org"),
  ]

  @Test(arguments: expected)
  func eachRecipientIsReadWithItsActionStatusAndDiagnostic(_ expected: Expected) throws {
    let result = ClassifierTests.classify(InboxFixtures.bytes(expected.file))
    #expect(result.kind == .bounce, "\(result.reason)")
    let report = try #require(result.bounce)
    #expect(report.format == expected.format)
    #expect(report.recipients.map(\.address) == expected.recipients.map(\.address))
    for (found, wanted) in zip(report.recipients, expected.recipients) {
      #expect(found.action == wanted.action, "\(wanted.address)")
      #expect(found.status?.description == wanted.status, "\(wanted.address)")
      #expect(found.isPermanent == wanted.permanent, "\(wanted.address)")
      #expect(found.diagnostic == wanted.diagnostic, "\(wanted.address)")
      #expect(!found.blamesSender, "\(wanted.address)")
    }
    #expect(report.originalMessageID == expected.messageID)
  }

  // MARK: - Amazon SES

  @Test func anAmazonSESComplaintByEmailNamesTheRecipientAndMessage() throws {
    let result = ClassifierTests.classify(InboxFixtures.bytes("ses-complaint-sns.eml"))
    #expect(result.kind == .complaint, "\(result.reason)")
    let complaint = try #require(result.complaint)
    #expect(complaint.feedbackType == "abuse")
    #expect(complaint.recipients == ["reader37@example.com"] && complaint.recipient == "reader37@example.com")
    #expect(complaint.originalMessageID == "2020-03-31-water-report.y2za7hs3ue6bp5nf.1d1b2c3d4e5f6a7b@example.org")
    #expect(complaint.userAgent == "ExampleFBL/1.0")
    #expect(result.reason == "an Amazon SES complaint notification (abuse)")
  }

  /// An SES notification by itself, as an SNS "email" subscription mails it.
  static func sesMessage(_ notification: String) -> String {
    """
    From: AWS Notifications <no-reply@sns.amazonaws.example.net>
    To: press@example.org
    Subject: AWS Notification Message
    Date: Tue, 31 Mar 2020 08:00:02 +0000
    Message-ID: <ses-inline@email.amazonses.example.net>
    x-amz-sns-message-id: 00000000-1111-2222-3333-444444444444
    Content-Type: text/plain; charset=UTF-8

    \(notification)

    --
    If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:
    https://sns.us-west-2.amazonaws.example.net/?Action=Unsubscribe
    """
  }

  @Test(arguments: [("Transient", "MailboxFull"), ("Undetermined", "Undetermined")])
  func aTransientOrUndeterminedSESBounceIsNotPermanent(_ type: String, _ subType: String) throws {
    let result = ClassifierTests.classify(Self.sesMessage("""
      {"notificationType":"Bounce","bounce":{"bounceType":"\(type)","bounceSubType":"\(subType)",
      "bouncedRecipients":[{"emailAddress":"reader4@example.com"}],"timestamp":"2020-03-31T08:00:02.112Z"},
      "mail":{"commonHeaders":{"messageId":"<a.b.c@example.org>"}}}
      """))
    let recipient = try #require(result.bounce?.recipients.first)
    #expect(recipient.address == "reader4@example.com" && recipient.action == .failed)
    #expect(!recipient.isPermanent)
    #expect(recipient.diagnostic == "\(type) bounce: \(subType)")
    #expect(result.bounce?.originalMessageID == "a.b.c@example.org")
  }

  @Test func aPermanentSESBounceWithoutAStatusIsPermanent() throws {
    let result = ClassifierTests.classify(Self.sesMessage("""
      {"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"Suppressed",
      "bouncedRecipients":[{"emailAddress":"\\"Reader Four\\" <Reader4@example.com>"}]},"mail":{"headers":[{"name":"Message-ID","value":"<x.y.z@example.org>"}]}}
      """))
    let recipient = try #require(result.bounce?.recipients.first)
    #expect(recipient.address == "reader4@example.com" && recipient.isPermanent && recipient.status == nil)
    #expect(result.bounce?.originalMessageID == "x.y.z@example.org")
  }

  @Test func anSESDeliveryNotificationIsNothingToActOn() {
    let result = ClassifierTests.classify(Self.sesMessage("""
      {"notificationType":"Delivery","delivery":{"recipients":["reader4@example.com"],"smtpResponse":"250 2.6.0 Message received"},"mail":{}}
      """))
    #expect(result.kind == .autoReply, "\(result.reason)")
    #expect(result.bounce == nil)
  }

  @Test(arguments: ["{ this is not JSON", "{\"notificationType\": 3}", "{\"notificationType\":\"Bounce\"", "{\"Type\":\"Notification\",\"Message\":\"nope\"}"])
  func aTextThatOnlyLooksLikeJSONIsReadAsUsual(_ body: String) {
    let result = ClassifierTests.classify("""
      From: Dana Reporter <reader17@example.com>
      To: pressoffice@example.org
      Subject: data
      Date: Tue, 31 Mar 2020 11:40:01 +0200
      Message-ID: <json@example.com>

      \(body)
      """)
    #expect(result.kind == .inquiry)
  }

  // MARK: - Notices in words

  @Test func aSendmailWarningOfADelayIsADelay() throws {
    let result = ClassifierTests.classify("""
      From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.org>
      To: <press@example.org>
      Subject: Warning: could not send message for past 4 hours
      Date: Tue, 31 Mar 2020 14:02:16 +0200
      Message-Id: <202003311202.02V82E3x012348@mail.example.org>

          **********************************************
          **      THIS IS A WARNING MESSAGE ONLY      **
          **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
          **********************************************

      The original message was received at Tue, 31 Mar 2020 10:02:11 +0200
      from mail.example.org [198.51.100.7]

         ----- Transcript of session follows -----
      <reader28@example.com>... Deferred: Connection timed out with mx3.example.com.
      Warning: message still undelivered after 4 hours
      Will keep trying until message is 5 days old
      """)
    let recipient = try #require(result.bounce?.recipients.first)
    #expect(result.bounce?.recipients.count == 1)
    #expect(recipient.address == "reader28@example.com" && recipient.action == .delayed && !recipient.isPermanent)
  }

  @Test func sendmailGivingUpAfterDeferringIsATemporaryFailure() throws {
    let result = ClassifierTests.classify("""
      From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.org>
      To: <press@example.org>
      Subject: Returned mail: see transcript for details
      Date: Sun, 5 Apr 2020 10:02:16 +0200
      Message-Id: <202004050802.02V82E3x012349@mail.example.org>

      The original message was received at Tue, 31 Mar 2020 10:02:11 +0200
      from mail.example.org [198.51.100.7]

         ----- Transcript of session follows -----
      <reader28@example.com>... Deferred: Connection timed out with mx3.example.com.
      Message could not be delivered for 5 days
      Message will be deleted from queue
      """)
    let recipient = try #require(result.bounce?.recipients.first)
    #expect(recipient.address == "reader28@example.com" && recipient.action == .failed && !recipient.isPermanent)
    #expect(recipient.diagnostic == "<reader28@example.com>... Deferred: Connection timed out with mx3.example.com.")
  }

  @Test func aRecipientRejectedAtDataIsReadFromTheTranscript() throws {
    let result = ClassifierTests.classify("""
      From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.org>
      To: <press@example.org>
      Subject: Returned mail: see transcript for details
      Date: Tue, 31 Mar 2020 10:02:16 +0200
      Message-Id: <202003310802.02V82E3x012350@mail.example.org>

         ----- Transcript of session follows -----
      ... while talking to mx.example.com.:
      >>> MAIL From:<press@example.org> SIZE=4022
      <<< 250 2.1.0 Ok
      >>> RCPT To:<reader9@example.com>
      <<< 250 2.1.5 Ok
      >>> DATA
      <<< 554 5.7.1 Message rejected as spam
      554 5.7.1 <reader9@example.com>... Message rejected as spam
      """)
    let report = try #require(result.bounce)
    #expect(report.recipients.map(\.address) == ["reader9@example.com"], "the sender of MAIL From is not a recipient")
    #expect(report.recipients.first?.diagnostic == "554 5.7.1 Message rejected as spam")
    #expect(report.recipients.first?.blamesSender == true)
  }

  // MARK: - Charsets

  @Test func aNoticeInISO2022JPIsReadAsJapaneseText() throws {
    // A Postfix notice in Japanese without its report: the recipient and the server's reply
    // (in Japanese too) come from the words, decoded from ISO-2022-JP, whose escapes and
    // 7-bit letters would otherwise be read as ASCII.
    let text = "このメールは自動的に送信しています。\r\n\r\n<reader21@example.com>: host mx.example.com[192.0.2.25] said: 550 5.1.1\r\n    宛先のユーザーは存在しません (in reply to RCPT TO command)\r\n"
    let jis = try #require(text.data(using: .iso2022JP))
    let head = "From: MAILER-DAEMON@mail.example.org (Mail Delivery System)\r\nTo: press@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 31 Mar 2020 10:02:14 +0200\r\nMessage-Id: <jp@mail.example.org>\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
    let result = ClassifierTests.classify(Array(head.utf8) + [UInt8](jis))
    let recipient = try #require(result.bounce?.recipients.first)
    #expect(result.bounce?.recipients.count == 1)
    #expect(recipient.address == "reader21@example.com")
    #expect(recipient.diagnostic == "550 5.1.1 宛先のユーザーは存在しません")
    #expect(result.bounce?.format == "Postfix")
  }

  // MARK: - Reading the files

  @Test func anEmlFileThatBeginsWithAFromLineIsOneMessage() throws {
    let path = InboxFixtures.directory.appendingPathComponent("postfix-dsn-from-line.eml").path
    #expect(try MailSource.detect(path) == .file(URL(fileURLWithPath: path)))
    var items: [MailSource.Item] = []
    try MailSource.detect(path).forEach { items.append($0) }
    #expect(items.count == 1)
    // The same bytes in a file of another name are an mbox, and its unquoted "From " line
    // after a blank line (where an mbox writer would have written ">From ") splits it.
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).mbox")
    try Data(InboxFixtures.bytes("postfix-dsn-from-line.eml")).write(to: copy)
    defer { try? FileManager.default.removeItem(at: copy) }
    guard case .mbox = try MailSource.detect(copy.path) else {
      Issue.record("a file named .mbox that begins with From is an mbox")
      return
    }
  }
}
