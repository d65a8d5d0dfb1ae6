import Foundation
import HeraldMail
import Testing

struct MIMEParsingTests {
  // MARK: - Content-Type

  @Test func readsTypeSubtypeAndParameters() {
    let type = ContentType(parsing: "Text/HTML; Charset=\"UTF-8\"; format=flowed")
    #expect(type.type == "text")
    #expect(type.subtype == "html")
    #expect(type.mimeType == "text/html")
    #expect(type.parameters == ["charset": "UTF-8", "format": "flowed"])
  }

  @Test(arguments: [
    // Quoted strings with escapes and separators inside.
    ("multipart/mixed; boundary=\"a;b=c \\\"d\\\"\"", "boundary", "a;b=c \"d\""),
    // Unquoted values with characters outside a token, as senders write them.
    ("multipart/alternative; boundary=----=_Part_0_1.2", "boundary", "----=_Part_0_1.2"),
    // Comments.
    ("text/plain (body); charset=us-ascii (Plain text)", "charset", "us-ascii"),
    // A missing ";".
    ("text/plain charset=utf-8", "charset", "utf-8"),
    // Spaces around "=" and in an unquoted name.
    ("application/pdf; name = Annual Report.pdf", "name", "Annual Report.pdf"),
    // RFC 2231: a charset-encoded value, continuations, both.
    ("application/pdf; name*=utf-8''Pr%C3%A4sentation%20Q3.pdf", "name", "Präsentation Q3.pdf"),
    ("application/pdf; name*=iso-8859-1'de'Pr%E4sentation.pdf", "name", "Präsentation.pdf"),
    ("application/pdf; name*0=\"Annual \"; name*1=\"Report\"; name*2=.pdf", "name", "Annual Report.pdf"),
    ("application/pdf; name*1*=%C3%A4t.pdf; name*0*=utf-8''Qualit", "name", "Qualität.pdf"),
    ("application/pdf; name=\"plain.pdf\"; name*=utf-8''preferred.pdf", "name", "preferred.pdf"),
    // A quoted string that never closes.
    ("text/plain; charset=\"utf-8", "charset", "utf-8"),
  ])
  func readsParametersLeniently(_ value: String, _ name: String, _ expected: String) {
    #expect(ContentType(parsing: value).parameters[name] == expected)
  }

  @Test(arguments: [nil, "", "text", "/plain", "text/", "text/pl ain", "text\\plain", "(only a comment)", "t@xt/plain"] as [String?])
  func missingOrMalformedIsPlainASCIIText(_ value: String?) {
    let type = ContentType(parsing: value)
    #expect(type.mimeType == "text/plain")
    #expect(type.parameters == ["charset": "us-ascii"])
  }

  @Test func aMalformedContentTypeIsAProblem() {
    let message = ReceivedMessage(parsing: Array("Content-Type: text\n\nbody".utf8))
    #expect(message.root.contentType.mimeType == "text/plain")
    #expect(message.problems == ["the Content-Type “text” is malformed; the part is read as text/plain"])
    #expect(message.bodyText == "body")
  }

  // MARK: - A reply, as mail clients write it

  static let reply = Bytes.crlf(
    """
    From: =?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <renee@example.com>
    To: Press Office <press@example.org>
    Subject: =?utf-8?q?Re=3A_Embargo_f=C3=BCr_die_Zahlen?=
    Date: Mon, 30 Nov 2026 09:12:45 +0100
    Message-ID: <CAB123@mail.example.com>
    In-Reply-To: <launch.r1.k7.x@example.org>
    References: <launch.r1.k7.x@example.org>
    MIME-Version: 1.0
    Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

    --000000000000a1b2c3
    Content-Type: text/plain; charset="UTF-8"
    Content-Transfer-Encoding: quoted-printable

    Guten Tag,

    k=C3=B6nnten Sie mir die Zahlen vor dem Embargo schicken? Ich schreibe bis =
    Donnerstag.
    Gr=C3=BC=C3=9Fe
    Ren=c3=a9e

    --000000000000a1b2c3
    Content-Type: text/html; charset="UTF-8"
    Content-Transfer-Encoding: quoted-printable

    <div dir=3D"ltr">Guten Tag,<br><br>k=C3=B6nnten Sie mir die Zahlen schicken?</div>

    --000000000000a1b2c3--

    """)

  @Test func readsAReply() {
    let message = ReceivedMessage(parsing: Self.reply)
    #expect(message.problems.isEmpty)
    #expect(message.subject == "Re: Embargo für die Zahlen")
    #expect(message.from == [Mailbox(name: "Renée Müller", address: "renee@example.com")])
    #expect(message.to == [Mailbox(name: "Press Office", address: "press@example.org")])
    #expect(message.messageID == "CAB123@mail.example.com")
    #expect(message.inReplyTo == ["launch.r1.k7.x@example.org"])
    #expect(message.references == ["launch.r1.k7.x@example.org"])
    #expect(message.date == Date(timeIntervalSince1970: 1_796_026_365))
    #expect(message.root.contentType.mimeType == "multipart/alternative")
    #expect(message.root.parts.map(\.contentType.mimeType) == ["text/plain", "text/html"])
    #expect(message.root.body.isEmpty)
    #expect(message.allParts.count == 3)
    #expect(message.attachments.isEmpty)
    #expect(
      message.bodyText
        == "Guten Tag,\n\nkönnten Sie mir die Zahlen vor dem Embargo schicken? Ich schreibe bis Donnerstag.\nGrüße\nRenée\n")
    #expect(message.root.parts[1].text == "<div dir=\"ltr\">Guten Tag,<br><br>könnten Sie mir die Zahlen schicken?</div>\n")
  }

  @Test func partsEndBeforeTheLineBreakThatStartsTheNextDelimiter() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Content-Type: multipart/mixed; boundary=b

        preamble, ignored
        --b

        one
        --b
        Content-Type: text/plain

        two

        --b--
        epilogue, ignored
        """))
    #expect(message.problems.isEmpty)
    #expect(message.root.parts.map(\.body) == [Array("one".utf8), Array("two\r\n".utf8)])
  }

  @Test func delimitersMayHaveTransportPaddingButNotMore() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b  \t\n\none\n--b2\n\nstill one\n--b-- \n"))
    #expect(message.problems.isEmpty)
    #expect(message.root.parts.map(\.body) == [Array("one\r\n--b2\r\n\r\nstill one".utf8)])
  }

  @Test func nestedMultipartsAndAttachments() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        From: Jane <jane@example.com>
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        Caf=E9 at noon?
        --inner
        Content-Type: text/html; charset=iso-8859-1

        <p>Caf&eacute; at noon?</p>
        --inner--

        --outer
        Content-Type: application/pdf; name="=?utf-8?q?Pr=C3=A4sentation.pdf?="
        Content-Disposition: attachment; filename*=utf-8''Pr%C3%A4sentation.pdf
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        JSVFT0YK
        --outer
        Content-Type: image/png; name="logo.png"
        Content-ID: <logo@example.com>
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --outer
        Content-Type: text/plain; name="notes.txt"
        Content-Disposition: inline

        Inline notes.
        --outer--

        """))
    #expect(message.problems.isEmpty)
    #expect(
      message.allParts.map(\.contentType.mimeType) == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf", "image/png",
        "text/plain",
      ])
    #expect(message.bodyText == "Café at noon?")
    let attachments = message.attachments
    #expect(attachments.map(\.filename) == ["Präsentation.pdf", "logo.png"])
    #expect(attachments[0].body == Array("%PDF-1.4\n%%EOF\n".utf8))
    #expect(attachments[1].body == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(attachments[1].header["content-id"] == "<logo@example.com>")
    #expect(message.allParts[6].filename == "notes.txt")
    #expect(!message.allParts[6].isAttachment)
  }

  @Test func aTextPartMarkedAsAttachmentIsNotTheBody() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain
        Content-Disposition: attachment; filename=log.txt

        attached log
        --b
        Content-Type: text/plain

        the body
        --b--
        """))
    #expect(message.bodyText == "the body")
    #expect(message.attachments.map(\.filename) == ["log.txt"])
  }

  @Test func htmlOnlyMessageIsConvertedToText() {
    var bytes = Bytes.crlf(
      """
      Content-Type: text/html; charset=windows-1252
      Content-Transfer-Encoding: 8bit

      <html><head><title>x</title><style>p{}</style></head><body><p>Caf
      """)
    bytes += [0xE9, 0x20, 0x93, 0x6F, 0x6B, 0x94] + Array("</p><p>Bye</p></body></html>".utf8)
    #expect(ReceivedMessage(parsing: bytes).bodyText == "Café “ok”\n\nBye")
  }

  @Test func messageWithoutTextIsEmptyText() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf("Content-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"))
    #expect(message.bodyText == "")
    #expect(message.root.text == nil)
  }

  // MARK: - Transfer encodings

  @Test func quotedPrintableIsDecodedLeniently() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n\nsoft =\nbreak, =3d =e2=82=ac, keep=20 \t\n= ends\n"))
    #expect(message.root.text == "soft break, = €, keep \n= ends\n")
    #expect(message.problems == ["quoted-printable body has invalid escapes (an “=” not followed by two hex digits)"])
  }

  @Test func base64IsDecodedLeniently() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf("Content-Transfer-Encoding: base64\n\nSGVs\nbG8g\r\nd29y bGQ\n"))
    #expect(message.root.text == "Hello world")
    #expect(message.problems.isEmpty)
  }

  @Test func base64WithInvalidCharactersIsAProblem() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Transfer-Encoding: base64\n\nSGVs*bG8=\n-- \nfooter\n"))
    #expect(message.problems == ["base64 body has invalid characters"])
    #expect(message.root.body.starts(with: Array("Hello".utf8)))
  }

  @Test func unknownTransferEncodingKeepsTheBody() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n"))
    #expect(message.root.body == Array("begin 644 a\r\n".utf8))
    #expect(message.problems == ["the Content-Transfer-Encoding “x-uuencode” is unknown; the body is kept as it is"])
  }

  @Test func transferEncodingNamesIgnoreCaseAndComments() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Transfer-Encoding: BASE64 (binary)\n\nSGk=\n"))
    #expect(message.root.text == "Hi")
  }

  // MARK: - Text

  @Test func textWithoutCharsetIsASCIIElseUTF8ElseWindows1252() {
    let ascii = ReceivedMessage(parsing: Array("Subject: x\n\nplain".utf8))
    #expect(ascii.root.text == "plain")
    let utf8 = ReceivedMessage(parsing: Array("Subject: x\n\nGrüße".utf8))
    #expect(utf8.root.text == "Grüße")
    let latin1 = ReceivedMessage(parsing: Array("Subject: x\n\nCaf".utf8) + [0xE9])
    #expect(latin1.root.text == "Café")
  }

  @Test func textInAnUnknownCharsetIsNilUnlessUTF8() {
    let utf8 = ReceivedMessage(parsing: Array("Content-Type: text/plain; charset=x-mystery\n\nGrüße".utf8))
    #expect(utf8.root.text == "Grüße")
    let other = ReceivedMessage(parsing: Array("Content-Type: text/plain; charset=x-mystery\n\nCaf".utf8) + [0xE9])
    #expect(other.root.text == nil)
    #expect(other.bodyText == "Café")
  }

  @Test func textInAKnownCharsetWithInvalidBytesFallsBack() {
    let message = ReceivedMessage(parsing: Array("Content-Type: text/plain; charset=us-ascii\n\nGrüße".utf8))
    #expect(message.root.text == "Grüße")
  }

  @Test func textHasUnixLineBreaks() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Subject: x\n\none\ntwo\n") + Array("bare\rcr".utf8))
    #expect(message.root.text == "one\ntwo\nbare\rcr")
    #expect(message.root.body == Array("one\r\ntwo\r\nbare\rcr".utf8))
  }

  @Test(arguments: [
    ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4] as [UInt8], "Привет"),
    ("ISO-2022-JP", [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42], "日本語"),
    ("shift_jis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
    ("utf-16", [0xFF, 0xFE, 0x48, 0x00, 0x69, 0x00, 0x0D, 0x00, 0x0A, 0x00], "Hi\n"),
  ] as [(String, [UInt8], String)])
  func textIsDecodedFromItsCharset(_ charset: String, _ bytes: [UInt8], _ text: String) {
    let message = ReceivedMessage(
      parsing: Array("Content-Type: text/plain; charset=\"\(charset)\"\nContent-Transfer-Encoding: 8bit\n\n".utf8) + bytes)
    #expect(message.root.text == text)
    #expect(message.bodyText == text)
  }

  // MARK: - Embedded messages: bounces and digests

  static let bounce = Bytes.crlf(
    """
    From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
    To: bounces+launch@example.org
    Subject: Undelivered Mail Returned to Sender
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="B1.1796026365/mx.example.net"

    This is a MIME-encapsulated message.

    --B1.1796026365/mx.example.net
    Content-Description: Notification
    Content-Type: text/plain; charset=us-ascii

    I'm sorry to have to inform you that your message could not
    be delivered to one or more recipients.

    <gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown

    --B1.1796026365/mx.example.net
    Content-Description: Delivery report
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example.net

    Final-Recipient: rfc822; gone@example.net
    Action: failed
    Status: 5.1.1

    --B1.1796026365/mx.example.net
    Content-Description: Undelivered Message
    Content-Type: message/rfc822

    From: Press Office <press@example.org>
    To: gone@example.net
    Subject: Launch
    Message-ID: <launch.r1.k7.x@example.org>
    Content-Type: text/plain; charset=utf-8

    The release.

    --B1.1796026365/mx.example.net--

    """)

  @Test func readsADeliveryStatusNotification() throws {
    let message = ReceivedMessage(parsing: Self.bounce)
    #expect(message.problems.isEmpty)
    #expect(message.root.contentType.parameters["report-type"] == "delivery-status")
    #expect(message.from.first?.address == "MAILER-DAEMON@mx.example.net")
    #expect(message.bodyText.contains("550 5.1.1 User unknown"))
    let parts = message.root.parts
    #expect(parts.map(\.contentType.mimeType) == ["text/plain", "message/delivery-status", "message/rfc822"])
    #expect(String(decoding: parts[1].body, as: UTF8.self).contains("Status: 5.1.1"))
    let original = try #require(parts[2].message)
    #expect(original.messageID == "launch.r1.k7.x@example.org")
    #expect(original.subject == "Launch")
    #expect(original.bodyText == "The release.\n")
    #expect(String(decoding: parts[2].body, as: UTF8.self).hasPrefix("From: Press Office <press@example.org>\r\n"))
    // allParts does not descend into the embedded message.
    #expect(message.allParts.count == 4)
    #expect(message.attachments.isEmpty)
  }

  @Test func readsReturnedHeadersOnly() throws {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Content-Type: multipart/report; report-type=delivery-status; boundary=r

        --r
        Content-Type: text/plain

        Failed.
        --r
        Content-Type: text/rfc822-headers

        Message-ID: <launch.r1.k7.x@example.org>
        Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=
        --r--
        """))
    let headers = try #require(message.root.parts[1].message)
    #expect(headers.messageID == "launch.r1.k7.x@example.org")
    #expect(headers.subject == "Grüße")
    #expect(headers.root.body.isEmpty)
    #expect(message.root.parts[1].text?.hasPrefix("Message-ID:") == true)
    #expect(message.problems.isEmpty)
  }

  @Test func embeddedMessageInBase64IsDecodedFirst() throws {
    let inner = Array("Subject: inner\r\n\r\nHello.\r\n".utf8)
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\(String(decoding: Base64.encode(inner), as: UTF8.self))\n"))
    let embedded = try #require(message.root.message)
    #expect(embedded.subject == "inner")
    #expect(embedded.bodyText == "Hello.\n")
  }

  @Test func emptyLinesBeforeAnEmbeddedHeaderAreSkipped() throws {
    let message = ReceivedMessage(
      parsing: Bytes.crlf("Content-Type: message/rfc822\n\n\n\nMessage-ID: <x@example.org>\n\nBody.\n"))
    #expect(try #require(message.root.message).messageID == "x@example.org")
  }

  @Test func aMessageIsHeldOnceHoweverDeepItIsEmbedded() throws {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Content-Type: message/rfc822

        Subject: forwarded
        Content-Type: message/rfc822

        Subject: original

        Text.

        """))
    let forwarded = try #require(message.root.message)
    let original = try #require(forwarded.root.message)
    #expect(String(decoding: message.root.body, as: UTF8.self).hasPrefix("Subject: forwarded\r\n"))
    #expect(forwarded.root.body.isEmpty)
    #expect(original.subject == "original")
    #expect(original.root.body == Array("Text.\r\n".utf8))
  }

  @Test func digestPartsAreMessagesByDefault() throws {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        Content-Type: multipart/digest; boundary=d

        --d

        Subject: first

        One.
        --d
        Content-Type: text/plain

        Not a message.
        --d--
        """))
    #expect(message.root.parts.map(\.contentType.mimeType) == ["message/rfc822", "text/plain"])
    #expect(try #require(message.root.parts[0].message).subject == "first")
    #expect(message.root.parts[1].message == nil)
  }

  @Test func partsCanBeChanged() {
    var message = ReceivedMessage(parsing: Self.bounce)
    message.root.parts[2].message = nil
    #expect(message.root.parts[2].message == nil)
    message.root.parts[0].message = ReceivedMessage(parsing: Array("Subject: set\n\n".utf8))
    #expect(message.root.parts[0].message?.subject == "set")
  }
}
