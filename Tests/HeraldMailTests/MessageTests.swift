import HeraldMail
import HeraldTesting
import Testing

struct MessageTests {
  static let boundary = MIMEPart.boundary(token: "0123456789abcdef")

  static func alternative(text: String, html: String) -> [UInt8] {
    var header = MessageHeader()
    header.append("From", .mailboxes([Mailbox(name: "Herald Press", address: "press@example.org")]))
    header.append("To", .mailboxes([Mailbox(name: "Иванов, Иван", address: "ivan@example.org")]))
    header.append("Subject", .text("Spring release — весенний выпуск"))
    header.append("Date", .raw("Tue, 31 Mar 2020 10:00:00 +0300"))
    header.append("Message-ID", .raw("<spring.abc.1@example.org>"))
    let body = MIMEPart.multipart(subtype: "alternative", boundary: boundary, parts: [
      .text(subtype: "plain", content: Array(text.utf8)),
      .text(subtype: "html", content: Array(html.utf8)),
    ])
    return Message(header: header, body: body).encoded()
  }

  static let englishText = """
    Herald 2.0 is out.

    From today, every press release is signed, folded and encoded correctly.
    .dotted line, trailing space \n\
    A line that is deliberately very long so that quoted-printable has to break it with soft line breaks, more than once, because it goes on and on: \(String(repeating: "x", count: 120))
    Price: 100 = 1 × 100 (equals)
    -- \nThe Herald team

    """
  static let englishHTML = "<!doctype html>\n<p>Herald 2.0 is <b>out</b>.</p>\n<p style=\"color: #333\">From today…</p>\n"
  static let russianText = String(repeating: "Компания «Геральд» объявляет о выпуске новой версии. Подробности — на сайте.\n", count: 12)
  static let russianHTML = "<p>" + String(repeating: "Компания «Геральд» объявляет о выпуске новой версии. ", count: 12) + "</p>\n"

  @Test(arguments: [(englishText, englishHTML), (russianText, russianHTML)])
  func pythonReadsBothPartsExactlyWithoutDefects(_ text: String, _ html: String) throws {
    let bytes = Self.alternative(text: text, html: html)
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.contentType == "multipart/alternative")
    #expect(inspected.parts.map(\.contentType) == ["text/plain", "text/html"])
    #expect(inspected.parts.map(\.charset) == ["utf-8", "utf-8"])
    #expect(inspected.parts.count == 2)
    // Python gives quoted-printable line breaks back as LF, base64 content as it was sent:
    // in canonical form, every line break CRLF (RFC 2046 §4.1.1).
    for (part, original) in zip(inspected.parts, [text, html]) {
      let expected = part.transferEncoding == "base64" ? Self.crlf(original) : original
      #expect(part.content == expected, "\(part.contentType) (\(part.transferEncoding ?? ""))")
    }
    #expect(!inspected.boundaryInContent)
    #expect(inspected.maxLineOctets <= 998)
    #expect(inspected.maxLineOctets <= 78)
    #expect(!inspected.bareLF && !inspected.bareCR)
    #expect(bytes.allSatisfy { $0 < 0x80 }, "the message is 7-bit")
    #expect(inspected.header("MIME-Version") == ["1.0"])
    #expect(inspected.addresses?["To"]?.first?.displayName == "Иванов, Иван")
    #expect(inspected.header("Subject") == ["Spring release — весенний выпуск"])
  }

  @Test func cyrillicTextIsSentAsBase64AndASCIITextAsQuotedPrintable() throws {
    #expect(MIMEPart.transferEncoding(for: Array(Self.russianText.utf8)) == .base64)
    #expect(MIMEPart.transferEncoding(for: Array(Self.englishText.utf8)) == .quotedPrintable)
    #expect(MIMEPart.transferEncoding(for: Array("Café, naïve, résumé: a few accents.\n".utf8)) == .quotedPrintable)
    let english = try inspectMessage(Self.alternative(text: Self.englishText, html: Self.englishHTML))
    #expect(english.parts.map(\.transferEncoding) == ["quoted-printable", "quoted-printable"])
    let russian = try inspectMessage(Self.alternative(text: Self.russianText, html: Self.russianHTML))
    #expect(russian.parts.map(\.transferEncoding) == ["base64", "base64"])
  }

  @Test(arguments: ["", "\n", "no line break at the end", "one line break at the end\n", "two at the end\n\n", "CRLF at the end\r\n", "\nleading"])
  func partContentKeepsItsExactEnding(_ text: String) throws {
    let cyrillic = "Привет, " + text
    let inspected = try inspectMessage(Self.alternative(text: text, html: cyrillic))
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    // Python gives quoted-printable line breaks back as LF, base64 content as it was
    // sent, which is the canonical form with CRLF line breaks.
    #expect(inspected.parts.first?.content == text.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(inspected.parts.last?.content == Self.crlf(cyrillic))
  }

  @Test func boundaryWrittenInTheContentIsEscaped() throws {
    let text = "Before\n--\(Self.boundary)\nContent-Type: text/html\n\nfake\n--\(Self.boundary)--\nAfter\n"
    let bytes = Self.alternative(text: text, html: "<p>\(Self.boundary)</p>\n")
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.parts.count == 2)
    #expect(inspected.parts.first?.content == text)
    #expect(!inspected.boundaryInContent)
    let delimiterLines = Bytes.textLines(bytes).filter { $0.hasPrefix("--\(Self.boundary)") }
    #expect(delimiterLines == ["--\(Self.boundary)", "--\(Self.boundary)", "--\(Self.boundary)--"])
  }

  @Test func base64BodyLinesAre76Characters() {
    let bytes = Self.alternative(text: Self.russianText, html: Self.russianHTML)
    let lines = Bytes.textLines(bytes)
    let start = try! #require(lines.firstIndex(of: "Content-Transfer-Encoding: base64"))
    let body = lines[(start + 2)...].prefix { !$0.hasPrefix("--") }
    #expect(body.count > 2)
    for line in body.dropLast() { #expect(line.utf8.count == 76) }
  }

  @Test func nestedMultipartIsReadInOrder() throws {
    var header = MessageHeader()
    header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
    let body = MIMEPart.multipart(subtype: "mixed", boundary: MIMEPart.boundary(token: "outer"), parts: [
      .multipart(subtype: "alternative", boundary: MIMEPart.boundary(token: "inner"), parts: [
        .text(subtype: "plain", content: Array("plain\n".utf8)),
        .text(subtype: "html", content: Array("<p>html</p>\n".utf8)),
      ]),
      .text(subtype: "calendar", content: Array("BEGIN:VCALENDAR\nEND:VCALENDAR\n".utf8)),
    ])
    let inspected = try inspectMessage(Message(header: header, body: body).encoded())
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.contentType == "multipart/mixed")
    #expect(inspected.parts.map(\.contentType) == ["text/plain", "text/html", "text/calendar"])
    #expect(inspected.parts.map(\.content) == ["plain\n", "<p>html</p>\n", "BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
    #expect(!inspected.boundaryInContent)
  }

  @Test func singleTextBodyIsReadExactly() throws {
    var header = MessageHeader()
    header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
    header.append("Subject", .text("One part"))
    let text = "Just text.\nFrom the desk.\n"
    let bytes = Message(header: header, body: .text(subtype: "plain", content: Array(text.utf8))).encoded()
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.contentType == "text/plain")
    #expect(inspected.parts.first?.content == text)
    #expect(inspected.parts.first?.transferEncoding == "quoted-printable")
    #expect(String(decoding: bytes, as: UTF8.self).contains("\r\n\r\nJust text.\r\n=46rom the desk.\r\n"))
  }

  @Test func boundaryStartsWithEqualsUnderscore() {
    #expect(MIMEPart.boundary(token: "abc") == "=_herald_abc")
  }

  /// Text with every line break as CRLF, the canonical form of text in MIME.
  static func crlf(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
  }
}
