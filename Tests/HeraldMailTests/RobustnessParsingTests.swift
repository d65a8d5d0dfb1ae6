import Foundation
import HeraldMail
import Testing

/// Malformed, truncated, huge and random input: the parser notes problems and returns,
/// never crashes, never hangs.
@Suite(.timeLimit(.minutes(2)))
struct RobustnessParsingTests {
  /// Reads everything a caller might read, so that every lazy path runs.
  @discardableResult
  static func touchEverything(_ message: ReceivedMessage) -> Int {
    var total = message.problems.count + (message.subject?.count ?? 0) + (message.messageID?.count ?? 0)
    total += message.from.count + message.to.count + message.cc.count + message.inReplyTo.count + message.references.count
    total += message.date == nil ? 0 : 1
    total += message.bodyText.count + message.attachments.count
    for part in message.allParts {
      total += part.body.count + (part.text?.count ?? 0) + (part.filename?.count ?? 0) + (part.isAttachment ? 1 : 0)
      total += part.header.fields.count + part.contentType.parameters.count
      if let embedded = part.message { total += touchEverything(embedded) }
    }
    return total
  }

  @Test func emptyInputIsAnEmptyMessage() {
    let message = ReceivedMessage(parsing: [])
    #expect(message.problems == ["the message is empty"])
    #expect(message.header.fields.isEmpty)
    #expect(message.bodyText == "")
    #expect(message.root.contentType.mimeType == "text/plain")
    Self.touchEverything(message)
  }

  @Test func everyTruncationOfAMessageParses() {
    for fixture in [MIMEParsingTests.reply, MIMEParsingTests.bounce] {
      for length in 0...fixture.count {
        Self.touchEverything(ReceivedMessage(parsing: Array(fixture.prefix(length))))
      }
    }
  }

  @Test func aHeaderWithoutBodyHasAnEmptyBody() {
    let message = ReceivedMessage(parsing: Array("Subject: cut off".utf8))
    #expect(message.subject == "cut off")
    #expect(message.root.body.isEmpty)
    #expect(message.problems.isEmpty)
  }

  @Test func aBoundaryThatNeverClosesKeepsTheLastPart() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf("Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\n\none\n--x\n\ntwo, cut off"))
    #expect(message.problems == ["the multipart boundary “x” never closes"])
    #expect(message.root.parts.map(\.body) == [Array("one".utf8), Array("two, cut off".utf8)])
    #expect(message.bodyText == "one")
  }

  @Test func aBoundaryThatNeverAppearsKeepsTheBody() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Type: multipart/mixed; boundary=x\n\njust text\n"))
    #expect(message.problems == ["the multipart boundary “x” never appears; the body is kept as it is"])
    #expect(message.root.parts.isEmpty)
    #expect(message.root.body == Array("just text\r\n".utf8))
  }

  @Test func aMultipartWithoutBoundaryKeepsTheBody() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Type: multipart/mixed\n\n--x\n\ntext\n--x--\n"))
    #expect(message.problems == ["a multipart/mixed part has no boundary; its body is kept as it is"])
    #expect(message.root.body == Array("--x\r\n\r\ntext\r\n--x--\r\n".utf8))
  }

  /// A multipart nested `depth` deep, a text part at the bottom.
  static func nestedMultiparts(_ depth: Int) -> [UInt8] {
    var text = ""
    for level in 0..<depth { text += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n" }
    text += "Content-Type: text/plain\n\nbottom\n"
    for level in (0..<depth).reversed() { text += "--b\(level)--\n" }
    return Bytes.crlf(text)
  }

  @Test func multipartsNestedDeeperThan32AreKeptOpaque() {
    let message = ReceivedMessage(parsing: Self.nestedMultiparts(100))
    #expect(message.problems == ["MIME parts are nested more than 32 deep; the deeper ones are kept unparsed"])
    var part = message.root
    var levels = 1
    while let child = part.parts.first {
      part = child
      levels += 1
    }
    #expect(levels == 33)
    #expect(part.contentType.mimeType == "multipart/mixed")
    #expect(String(decoding: part.body, as: UTF8.self).contains("bottom"))
    Self.touchEverything(message)
  }

  @Test func multipartsNested32DeepAreParsed() {
    let message = ReceivedMessage(parsing: Self.nestedMultiparts(32))
    #expect(message.problems.isEmpty)
    #expect(message.bodyText == "bottom")
  }

  @Test func messagesNestedDeeperThan32AreKeptOpaque() {
    var text = "Subject: bottom\n\nbody\n"
    for level in 0..<100 { text = "Subject: level \(level)\nContent-Type: message/rfc822\n\n" + text }
    let message = ReceivedMessage(parsing: Array(text.utf8))
    #expect(message.subject == "level 99")
    var current = message
    var levels = 1
    while let embedded = current.root.message {
      current = embedded
      levels += 1
    }
    #expect(levels == 33)
    #expect(current.problems == ["MIME parts are nested more than 32 deep; the deeper ones are kept unparsed"])
    #expect(!current.root.body.isEmpty)
    Self.touchEverything(message)
  }

  @Test func headerLinesWithoutColonAreSkipped() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf("From: a@example.com\nthis line has no colon\nSubject: kept\n\nbody"))
    #expect(message.subject == "kept")
    #expect(message.from.map(\.address) == ["a@example.com"])
    #expect(message.problems == ["a header line has no colon: “this line has no colon”"])
    #expect(message.bodyText == "body")
  }

  @Test func aMessageWithoutHeaderIsAllBody() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Hello there,\nno header at all.\n"))
    #expect(message.header.fields.isEmpty)
    #expect(message.bodyText == "Hello there,\nno header at all.\n")
    #expect(message.problems == ["the message does not start with a header field"])
  }

  @Test func aPartWithoutHeaderOrEmptyLineIsAllBody() {
    let message = ReceivedMessage(parsing: Bytes.crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nplain text\n--b--\n"))
    #expect(message.bodyText == "plain text")
    #expect(message.problems == ["a MIME part has no header and no empty line before its body"])
  }

  @Test func aFoldedLineBeforeAnyFieldIsAProblem() {
    let message = ReceivedMessage(parsing: Bytes.crlf(" folded\nSubject: x\n\nbody"))
    #expect(message.subject == "x")
    #expect(message.problems == ["the header has a folded line that continues no field"])
  }

  @Test func nulBytesAreSurvived() {
    var bytes = Array("Subject: a".utf8) + [0] + Array("b\nX-Other: c\n\nbody".utf8) + [0] + Array("more".utf8)
    let message = ReceivedMessage(parsing: bytes)
    #expect(message.subject == "a b")
    #expect(message.problems == ["the header has NUL bytes (read as spaces)"])
    #expect(message.bodyText == "body\u{0}more")
    bytes = [0, 0, 0, 0x0A, 0x0A, 0]
    Self.touchEverything(ReceivedMessage(parsing: bytes))
  }

  @Test func bareCarriageReturnsAreSurvived() {
    let message = ReceivedMessage(parsing: Array("Subject: a\rb\r\nTo: x@example.com\r\r\n\r\nbody\rline".utf8))
    #expect(message.subject == "a b")
    #expect(message.to.map(\.address) == ["x@example.com"])
    #expect(message.bodyText == "body\rline")
    Self.touchEverything(ReceivedMessage(parsing: Array("\r\r\r\rSubject: x\r\r".utf8)))
  }

  @Test func tooManyProblemsAreCapped() {
    let text = (0..<1_000).map { "broken line \($0)\n" }.joined()
    let message = ReceivedMessage(parsing: Array(("Subject: x\n" + text + "\nbody").utf8))
    #expect(message.problems.count == 50)
    #expect(message.subject == "x")
  }

  @Test func aTenMegabyteMessageIsParsedInLinearTime() throws {
    let line = String(repeating: "0123456789", count: 7) + "\n"  // 71 bytes
    let text = String(repeating: line, count: 75_000)  // 5.3 MB
    let attachment = Base64.encode([UInt8](repeating: 0xA5, count: 3_600_000))  // 4.8 MB
    var lines: [String] = []
    var start = 0
    while start < attachment.count {
      lines.append(String(decoding: attachment[start..<min(start + 76, attachment.count)], as: UTF8.self))
      start += 76
    }
    let message = Bytes.crlf(
      """
      From: Jane <jane@example.com>
      Subject: big
      Content-Type: multipart/mixed; boundary="big"

      --big
      Content-Type: text/plain; charset=utf-8

      \(text)
      --big
      Content-Type: application/octet-stream; name="data.bin"
      Content-Transfer-Encoding: base64

      \(lines.joined(separator: "\n"))
      --big--

      """)
    #expect(message.count > 10_000_000)
    let result = ReceivedMessage(parsing: message)
    #expect(result.problems.isEmpty)
    #expect(result.root.parts.count == 2)
    #expect(result.root.parts[0].body.count == text.utf8.count + 75_000)  // CRLF
    #expect(result.attachments.first?.body.count == 3_600_000)
  }

  @Test func aTenMegabyteHeaderLineIsSurvived() {
    let message = ReceivedMessage(parsing: Array(("Subject: " + String(repeating: "=?utf-8?q?x", count: 1_000_000) + "\n\n").utf8))
    #expect(message.subject?.utf8.count == 11_000_000)
  }

  /// A large input, named briefly (the text itself is too long to print).
  struct LargeInput: Sendable, CustomTestStringConvertible {
    var label: String
    var text: String
    var testDescription: String { label }
  }

  /// Inputs that would take quadratic time to a parser that rescans: each must still be read
  /// in well under a second.
  @Test(arguments: [
    LargeInput(label: "parameters without ;", text: "Content-Type: text/plain; " + String(repeating: "a=b ", count: 200_000) + "\n\n"),
    LargeInput(label: "unclosed comments", text: "To: " + String(repeating: "(", count: 200_000) + "\n\n"),
    LargeInput(label: "quoted names", text: "To: " + String(repeating: "\"a\" ", count: 200_000) + "\n\n"),
    LargeInput(label: "many addresses", text: "To: " + String(repeating: "a@b.example, ", count: 200_000) + "\n\n"),
    LargeInput(label: "many numbers in a date", text: "Date: " + String(repeating: "1 ", count: 200_000) + "\n\n"),
    LargeInput(label: "unclosed ids", text: "References: " + String(repeating: "<", count: 200_000) + "\n\n"),
    LargeInput(label: "unclosed titles", text: "Content-Type: text/html\n\n" + String(repeating: "<title>", count: 200_000)),
    LargeInput(label: "unclosed heads", text: "Content-Type: text/html\n\n" + String(repeating: "<head><p>", count: 200_000)),
    LargeInput(label: "broken references", text: "Content-Type: text/html\n\n" + String(repeating: "&#x", count: 200_000)),
    LargeInput(
      label: "empty parts", text: "Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\n", count: 200_000)),
  ])
  func pathologicalInputsAreReadWithinTheLimit(_ input: LargeInput) {
    // Quadratic work on 200,000 repetitions would take far longer than the suite's limit.
    Self.touchEverything(ReceivedMessage(parsing: Array(input.text.utf8)))
  }

  /// 2,000 variants of the fixtures, each with random damage (a fixed seed, so a failure
  /// can be replayed): bytes flipped, set to a character that matters to the parser,
  /// deleted, duplicated; cut off at a random point.
  @Test func mutatedMessagesAllParse() {
    let fixtures = [MIMEParsingTests.reply, MIMEParsingTests.bounce, Self.nestedMultiparts(5), HeaderParsingTests.message]
    let special: [UInt8] = Array("\r\n:;=?-<>\"\\()\t %@".utf8) + [0, 0x1B, 0x80, 0xFF]
    var random = SeededGenerator(seed: 0x4845_5241_4C44)  // (DKIMTests.swift)
    for round in 0..<2_000 {
      var bytes = fixtures[round % fixtures.count]
      for _ in 0..<(1 + random.below(8)) {
        guard !bytes.isEmpty else { break }
        let index = random.below(bytes.count)
        switch random.below(5) {
        case 0: bytes[index] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
        case 1: bytes[index] = special[random.below(special.count)]
        case 2: bytes.remove(at: index)
        case 3: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + random.below(40))], at: index)
        default: bytes.removeSubrange(min(bytes.count, index + random.below(200))...)
        }
      }
      Self.touchEverything(ReceivedMessage(parsing: bytes))
    }
  }
}

extension SeededGenerator {
  /// A number in 0..<bound (0 when bound is 0).
  mutating func below(_ bound: Int) -> Int {
    bound <= 1 ? 0 : Int.random(in: 0..<bound, using: &self)
  }
}
