import Foundation
import HeraldMail
import Testing

struct HeaderParsingTests {
  static let message = Bytes.crlf(
    """
    Return-Path: <bounce@example.org>
    Received: from mx.example.com by mail.example.org; Sun, 29 Nov 2026 08:16:21 +0100
    Received: from desk.example.com by mx.example.com
    From: Jane Doe <jane@example.com>
    Subject: Re: Your release
     about the embargo
    X-Empty:
    subject: a second subject
    Message-ID: <abc.123@example.com>

    Body.

    """)

  @Test func readsFieldsInOrderWithNamesAsWritten() {
    let header = ReceivedMessage(parsing: Self.message).header
    #expect(header.fields.map(\.name) == ["Return-Path", "Received", "Received", "From", "Subject", "X-Empty", "subject", "Message-ID"])
  }

  @Test func comparesNamesWithoutCase() {
    let header = ReceivedMessage(parsing: Self.message).header
    #expect(header["SUBJECT"] == "Re: Your release about the embargo")
    #expect(header.all("subject") == ["Re: Your release about the embargo", "a second subject"])
    #expect(header.all("received").count == 2)
    #expect(header["message-id"] == "<abc.123@example.com>")
    #expect(header["X-Missing"] == nil)
    #expect(header.raw("x-missing") == nil)
    #expect(header.all("X-Missing").isEmpty)
  }

  @Test func unfoldsByRemovingOnlyTheLineBreak() {
    let message = ReceivedMessage(parsing: Array("Subject: one\n\ttwo\n   three\n\nbody".utf8))
    #expect(message.header.raw("Subject") == "one\ttwo   three")
  }

  @Test func emptyValueIsEmpty() {
    #expect(ReceivedMessage(parsing: Self.message).header["X-Empty"] == "")
  }

  @Test func acceptsBareLineFeeds() {
    let lf = Array(String(decoding: Self.message, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
    let message = ReceivedMessage(parsing: lf)
    #expect(message.header["Subject"] == "Re: Your release about the embargo")
    #expect(message.bodyText == "Body.\n")
    #expect(message.problems.isEmpty)
  }

  @Test func spaceBeforeColonIsAllowed() {
    let message = ReceivedMessage(parsing: Array("Subject : obsolete\n\n".utf8))
    #expect(message.header["Subject"] == "obsolete")
  }

  @Test func rawKeepsEncodedWordsAndValueDecodesThem() {
    let message = ReceivedMessage(parsing: Array("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n\n".utf8))
    #expect(message.header.raw("Subject") == "=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
    #expect(message.header.fields[0].value == "Grüße")
    #expect(message.subject == "Grüße")
  }

  @Test func eightBitHeadersAreUTF8OrElseWindows1252() {
    let utf8 = ReceivedMessage(parsing: Array("Subject: Grüße\n\n".utf8))
    #expect(utf8.subject == "Grüße")
    let latin1 = ReceivedMessage(parsing: [0x53, 0x75, 0x62, 0x6A, 0x65, 0x63, 0x74, 0x3A, 0x20, 0x43, 0x61, 0x66, 0xE9, 0x0A, 0x0A])
    #expect(latin1.subject == "Café")
  }

  @Test func skipsAnMboxFromLine() {
    let message = ReceivedMessage(parsing: Array("From jane@example.com Sun Nov 29 08:16:21 2026\nSubject: hi\n\nbody".utf8))
    #expect(message.subject == "hi")
    #expect(message.problems.isEmpty)
  }

  // MARK: - Encoded-words

  @Test(arguments: [
    ("=?utf-8?B?R3LDvMOfZQ==?=", "Grüße"),
    ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Berlin?=", "Grüße aus Berlin"),
    ("=?iso-8859-1?q?caf=E9?=", "café"),
    ("=?windows-1251?B?z/Do4uXy?=", "Привет"),
    ("=?koi8-r?B?8NLJ18XU?=", "Привет"),
    ("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語"),
    ("=?shift_jis?B?k/qWe4zq?=", "日本語"),
    ("=?gb2312?B?1tDOxA==?=", "中文"),
    ("=?big5?B?pKSk5Q==?=", "中文"),
    ("=?ks_c_5601-1987?B?x9GxuQ==?=", "한국"),
    ("=?euc-jp?B?xvzL3LjsCg==?=", "日本語\n"),
    ("=?utf-8*en?q?hello?=", "hello"),  // RFC 2231 language
    ("=?utf-8?q??=", ""),
  ])
  func decodesEncodedWords(_ raw: String, _ decoded: String) {
    #expect(ReceivedMessage(parsing: Array("Subject: \(raw)\n\n".utf8)).subject == decoded)
  }

  @Test(arguments: [
    // Adjacent words are joined without the whitespace between them…
    ("=?utf-8?q?one?= =?utf-8?q?two?=", "onetwo"),
    ("=?utf-8?q?one?=\r\n =?utf-8?q?two?=", "onetwo"),
    // …but whitespace next to ordinary text stays.
    ("Re: =?utf-8?q?caf=C3=A9?= now", "Re: café now"),
    ("=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c"),
    // A UTF-8 character split across two words comes out whole.
    ("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=", "café"),
    ("=?utf-8?B?8J+Y?= =?utf-8?B?gA==?=", "😀"),
    // Words of different charsets are decoded separately.
    ("=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "éé"),
    // A word run into text is still decoded, as mail readers do.
    ("Re:=?utf-8?q?caf=C3=A9?=", "Re:café"),
  ])
  func joinsAdjacentEncodedWords(_ raw: String, _ decoded: String) {
    #expect(ReceivedMessage(parsing: Bytes.crlf("Subject: \(raw)\n\n")).subject == decoded)
  }

  @Test(arguments: [
    "=?utf-8?x?abc?=",  // unknown encoding
    "=?utf-8?b?####?=",  // invalid base64
    "=?utf-8?q?never closes",
    "=??q?abc?=",  // no charset
    "=?utf-8?q?has space?=",
    "=?",
    "a =? b ?= c",
  ])
  func leavesMalformedWordsAsTheyAre(_ raw: String) {
    #expect(ReceivedMessage(parsing: Array("Subject: \(raw)\n\n".utf8)).subject == raw)
  }

  @Test func unknownCharsetInAWordFallsBackToUTF8() {
    #expect(ReceivedMessage(parsing: Array("Subject: =?x-unknown?q?caf=C3=A9?=\n\n".utf8)).subject == "café")
  }

  /// Quadratic work here would take far longer than the test's limit.
  @Test(.timeLimit(.minutes(1))) func aValueFullOfUnclosedWordsIsReadAsItIs() {
    // No "?=" anywhere: every "=?" starts a word that never closes.
    let raw = String(repeating: "=?utf-8?q?abc=", count: 50_000)
    let subject = ReceivedMessage(parsing: Array("Subject: \(raw)\n\n".utf8)).subject
    let unchanged = subject == raw  // (compared apart, so that a failure does not print 700 kB)
    #expect(unchanged)
  }

  // MARK: - Message ids

  @Test func readsMessageIDsWithoutAngleBrackets() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Message-ID: <reply.1@example.com>
        In-Reply-To: <launch.r1.x@example.org> (Jane's message of Sunday)
        References: <a@example.org>
         <b@example.org>	<launch.r1.x@example.org>

        """))
    #expect(message.messageID == "reply.1@example.com")
    #expect(message.inReplyTo == ["launch.r1.x@example.org"])
    #expect(message.references == ["a@example.org", "b@example.org", "launch.r1.x@example.org"])
  }

  @Test func readsObsoleteAndBrokenMessageIDs() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Message-ID: bare.id@example.com
        In-Reply-To: "Your message of Sunday" <x@example.org>
        References: <folded.
         id@example.org>

        """))
    #expect(message.messageID == "bare.id@example.com")
    #expect(message.inReplyTo == ["x@example.org"])
    #expect(message.references == ["folded.id@example.org"])
  }

  @Test func missingIDsAreNilOrEmpty() {
    let message = ReceivedMessage(parsing: Array("Subject: x\n\n".utf8))
    #expect(message.messageID == nil)
    #expect(message.inReplyTo.isEmpty)
    #expect(message.references.isEmpty)
    #expect(message.subject == "x")
    #expect(message.date == nil)
    #expect(message.from.isEmpty)
  }

  // MARK: - Dates

  static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
  }

  @Test(arguments: [
    ("Sun, 29 Nov 2026 08:16:21 +0100", utc(2026, 11, 29, 7, 16, 21)),
    ("29 Nov 2026 08:16:21 +0100", utc(2026, 11, 29, 7, 16, 21)),
    ("Sun, 29 Nov 2026 08:16 -0500", utc(2026, 11, 29, 13, 16, 0)),
    ("Mon, 1 Mar 2027 00:00:00 +0000", utc(2027, 3, 1, 0, 0, 0)),
    ("Tue, 29 Feb 2028 23:59:59 +1400", utc(2028, 2, 29, 9, 59, 59)),
    // Obsolete forms (RFC 5322 §4.3).
    ("Sun, 29 Nov 26 08:16:21 GMT", utc(2026, 11, 29, 8, 16, 21)),
    ("29 Nov 99 08:16:21 UT", utc(1999, 11, 29, 8, 16, 21)),
    ("29 Nov 126 08:16:21 +0000", utc(2026, 11, 29, 8, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21 EST", utc(2026, 11, 29, 13, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21 PDT", utc(2026, 11, 29, 15, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21 Z", utc(2026, 11, 29, 8, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21 A", utc(2026, 11, 29, 8, 16, 21)),
    ("Sun , 29 Nov 2026 08 : 16 : 21 +0100", nil),  // spaces in the time are beyond repair
    // What real clients send.
    ("Sun, 29 Nov 2026 08:16:21 +0100 (CET)", utc(2026, 11, 29, 7, 16, 21)),
    ("Sunday, 29 November 2026 08:16:21 +0100", utc(2026, 11, 29, 7, 16, 21)),
    ("sun, 29 nov 2026 08:16:21 +0100", utc(2026, 11, 29, 7, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21", utc(2026, 11, 29, 8, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21 +01:00", utc(2026, 11, 29, 7, 16, 21)),
    ("29-Nov-2026 08:16:21 +0100", utc(2026, 11, 29, 7, 16, 21)),
    ("Sun Nov 29 08:16:21 2026", utc(2026, 11, 29, 8, 16, 21)),
    ("Sun, 29 Nov 2026 08:16:21+0100", utc(2026, 11, 29, 7, 16, 21)),
  ] as [(String, Date?)])
  func readsDates(_ value: String, _ expected: Date?) {
    #expect(ReceivedMessage(parsing: Array("Date: \(value)\n\n".utf8)).date == expected)
  }

  @Test(arguments: [
    "", "yesterday", "Sun, 31 Nov 2026 08:16:21 +0100", "Sun, 29 Foo 2026 08:16:21 +0100", "Sun, 29 Nov 2026 25:16:21 +0100",
    "29 Nov", "Sun, 29 Feb 2027 08:16:21 +0000", "32 Nov 2026 08:16:21 +0000", "1 2 3 4",
  ])
  func invalidDatesAreNil(_ value: String) {
    #expect(ReceivedMessage(parsing: Array("Date: \(value)\n\n".utf8)).date == nil)
  }

  @Test func datesRoundTripThroughMailDate() {
    let date = Date(timeIntervalSince1970: 1_796_000_000)
    for zone in ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"] {
      let text = MailDate.format(date, in: TimeZone(identifier: zone)!)
      #expect(ReceivedMessage(parsing: Array("Date: \(text)\n\n".utf8)).date == date, "\(text)")
    }
  }
}
