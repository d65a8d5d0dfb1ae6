import HeraldMail
import HeraldTesting
import Testing

struct EncodedWordTests {
  static let texts: [String] = [
    "Привет",
    "José Müller",
    String(repeating: "Пресс-релиз: новая версия продукта. ", count: 6),
    "🎉 Herald 2.0 is here 🚀 — faster, safer 👨‍👩‍👧‍👦 and 🇺🇦 friendlier",
    String(repeating: "👨‍👩‍👧‍👦", count: 8),
    "e" + String(repeating: "\u{301}", count: 40) + " accents on accents",
    "under_score and question? and equals= and =?utf-8?q?x?=",
  ]

  @Test(arguments: texts)
  func wordsAreAtMost75CharactersOfPrintableASCIIWithoutSpaces(_ text: String) {
    let words = EncodedWord.encode(text)
    #expect(!words.isEmpty)
    for word in words {
      #expect(word.utf8.count <= 75, "\(word.utf8.count): \(word)")
      #expect(word.hasPrefix("=?utf-8?q?") || word.hasPrefix("=?utf-8?b?"), "\(word)")
      #expect(word.hasSuffix("?="), "\(word)")
      #expect(word.utf8.allSatisfy { (0x21...0x7E).contains($0) }, "\(word)")
      #expect(word.dropFirst(10).dropLast(2).firstIndex(of: "?") == nil, "\(word)")
    }
  }

  @Test(arguments: texts)
  func everyWordHoldsWholeUTF8Sequences(_ text: String) throws {
    // Python decodes each word alone; a word holding part of a character would fail.
    let words = EncodedWord.encode(text)
    let output = try python(
      """
      import sys
      from email.header import decode_header
      for line in sys.stdin.read().splitlines():
          (data, charset), = decode_header(line)
          sys.stdout.write(data.decode(charset, 'strict'))
      """,
      stdin: Array(words.joined(separator: "\n").utf8))
    #expect(String(decoding: output, as: UTF8.self) == text)
  }

  @Test(arguments: [20, 40, 67, 75])
  func firstWordFitsTheRoomGiven(_ room: Int) {
    let words = EncodedWord.encode(String(repeating: "Пресс-релиз ", count: 10), firstWordLength: room)
    #expect(words[0].utf8.count <= room)
    #expect(words.dropFirst().allSatisfy { $0.utf8.count <= 75 })
  }

  @Test func choosesQForMostlyLatinTextAndBForCyrillic() {
    #expect(EncodedWord.encode("Pressestelle für Öffentlichkeitsarbeit").allSatisfy { $0.hasPrefix("=?utf-8?q?") })
    #expect(EncodedWord.encode("Иванов Иван").allSatisfy { $0.hasPrefix("=?utf-8?b?") })
  }
}

struct HeaderEncoderTests {
  static let longCyrillic = String(
    String(repeating: "Компания объявляет о выпуске новой версии системы рассылок. ", count: 4).prefix(200))
  static let emojiSubject = "🎉 Herald 2.0 is here 🚀 — faster, safer and friendlier 👨‍👩‍👧‍👦 for every press office 📰🗞️"

  @Test(arguments: [longCyrillic, emojiSubject])
  func nonASCIISubjectFoldsIntoShortWordsAndRoundTrips(_ subject: String) throws {
    #expect(subject.count >= 60)
    let (decoded, defects, bytes) = try pythonSubject(of: subject)
    #expect(decoded == subject)
    #expect(defects.isEmpty, "\(defects)")
    let header = Bytes.headerLines(bytes)
    let subjectLines = header.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
    #expect(subjectLines.count > 1, "a long subject is folded")
    for line in subjectLines {
      #expect(line.utf8.count <= 78, "\(line.utf8.count) octets: \(line)")
      for word in encodedWords(in: line) { #expect(word.utf8.count <= 75, "\(word)") }
    }
    #expect(subjectLines.joined().utf8.allSatisfy { $0 < 0x80 })
  }

  @Test func longASCIISubjectFoldsAtSpacesAndRoundTrips() throws {
    let subject = "Herald announces its spring release with faster delivery, safer links, "
      + "per-recipient Message-IDs, and a brand new command line for press offices everywhere"
    let (decoded, defects, bytes) = try pythonSubject(of: subject)
    #expect(decoded == subject)
    #expect(defects.isEmpty, "\(defects)")
    let header = Bytes.headerLines(bytes)
    let subjectLines = Array(header.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") })
    #expect(subjectLines.count > 1)
    for line in subjectLines { #expect(line.utf8.count <= 78, "\(line)") }
    // Folding only inserts CRLF before a space: removing the CRLFs gives the field back.
    #expect(subjectLines.joined() == "Subject: " + subject)
    #expect(!subjectLines.joined().contains("=?"))
  }

  @Test func runsOfSpacesSurviveFolding() throws {
    let subject = String(repeating: "word  ", count: 20) + "end"
    let (decoded, _, _) = try pythonSubject(of: subject)
    #expect(decoded == subject)
  }

  @Test(arguments: [
    "Save 20% =?utf-8?q?=41?= now",
    "=?utf-8?b?SGk=?=",
    "equals=?question",
  ])
  func textThatLooksLikeAnEncodedWordIsEncodedAndReadLiterally(_ subject: String) throws {
    let (decoded, defects, bytes) = try pythonSubject(of: subject)
    #expect(decoded == subject)
    #expect(defects.isEmpty, "\(defects)")
    let raw = String(decoding: bytes, as: UTF8.self)
    #expect(!raw.contains(subject), "the look-alike is not written as it is")
  }

  static let injections: [String] = [
    "Launch\r\nBcc: victim@example.com",
    "Launch\nBcc: victim@example.com",
    "Launch\rBcc: victim@example.com",
    "Launch\u{2028}Bcc: victim@example.com",
    "Launch\u{2029}Bcc: victim@example.com",
    "Launch\u{85}Bcc: victim@example.com",
    "Запуск\r\nBcc: victim@example.com",
    "Launch\r\n\r\nBcc: victim@example.com",
    "\r\nBcc: victim@example.com",
  ]

  private static func checkNoInjectedField(_ bytes: [UInt8], _ inspected: InspectedMessage, _ value: String) {
    for line in Bytes.textLines(bytes) {
      #expect(!line.lowercased().hasPrefix("bcc"), "a line starts with Bcc for \(value.debugDescription)")
    }
    #expect(Bytes.hasOnlyCRLF(bytes))
    #expect(inspected.header("Bcc").isEmpty, "Python found a Bcc field: \(inspected.headers)")
    #expect(!inspected.bareCR && !inspected.bareLF)
  }

  @Test(arguments: injections)
  func lineBreaksInASubjectCannotStartAField(_ value: String) throws {
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
      header.append("Subject", .text(value))
    }
    let inspected = try inspectMessage(bytes)
    Self.checkNoInjectedField(bytes, inspected, value)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.header("Subject") == [HeaderEncoder.sanitized(value).trimmingLeadingSpaces()])
    #expect(inspected.parts.first?.content == "Body.\n", "the body is still the body")
  }

  @Test(arguments: injections)
  func lineBreaksInADisplayNameCannotStartAField(_ value: String) throws {
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(name: value, address: "press@example.org")]))
      header.append("Subject", .text("Hello"))
    }
    let inspected = try inspectMessage(bytes)
    Self.checkNoInjectedField(bytes, inspected, value)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.addresses?["From"]?.map(\.addrSpec) == ["press@example.org"])
    // In a display name Python reads a run of white space as one space (RFC 5322 §3.2.2).
    #expect(inspected.addresses?["From"]?.first?.displayName.collapsingSpaces() == HeaderEncoder.sanitized(value).collapsingSpaces())
  }

  @Test(arguments: ["\r\n", "\n", "\r", "\u{2028}", "\u{2029}", "\u{85}"])
  func lineBreaksInAnAddressAreRejectedWhenParsed(_ lineBreak: String) {
    for text in [
      "press@example.org\(lineBreak)Bcc: victim@example.com",
      "Press <press@example.org\(lineBreak)Bcc: victim@example.com>",
      "Press <press@example.org\(lineBreak)>",
      "pre\(lineBreak)ss@example.org",
    ] {
      let error = #expect(throws: MailError.self, "\(text.debugDescription)") { try Mailbox(parsing: text) }
      #expect(error?.code == .invalidAddress)
    }
  }

  @Test(arguments: injections)
  func lineBreaksInAnUncheckedAddressCannotStartAField(_ value: String) throws {
    // Mailbox(name:address:) trusts its caller; the writer still keeps the value on its line.
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
      header.append("To", .mailboxes([Mailbox(name: "Editor", address: "editor@example.org" + value)]))
      header.append("Subject", .text("Hello"))
    }
    let inspected = try inspectMessage(bytes)
    Self.checkNoInjectedField(bytes, inspected, value)
  }

  @Test(arguments: injections)
  func lineBreaksInARawValueCannotStartAField(_ value: String) throws {
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
      header.append("List-Unsubscribe", .raw("<https://example.org/u/abc>" + value))
    }
    let inspected = try inspectMessage(bytes)
    Self.checkNoInjectedField(bytes, inspected, value)
  }

  static let displayNames: [String] = [
    "Herald Press",
    "Doe, John",
    "The \"Real\" Newsroom",
    "Back\\slash \\ Corp",
    "Иванов, Иван",
    "José Müller",
    "O'Brien & Sons",
    "Dr. Jane Q. Public",
    "Émilie \"Emmy\" Dupont, Paris",
    "=?utf-8?q?not_encoded?=",
    "two  spaces",
    "東京都庁 報道課",
    "📰 Newsroom",
  ]

  @Test(arguments: displayNames)
  func displayNamesRoundTripThroughPython(_ name: String) throws {
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
      header.append("To", .mailboxes([
        Mailbox(name: name, address: "first@example.org"),
        Mailbox(name: name, address: "second@example.org"),
      ]))
    }
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    let to = inspected.addresses?["To"] ?? []
    #expect(to.map(\.displayName) == [name, name])
    #expect(to.map(\.addrSpec) == ["first@example.org", "second@example.org"])
    for line in Bytes.headerLines(bytes) {
      #expect(line.utf8.count <= 78, "\(line)")
      #expect(line.utf8.allSatisfy { $0 < 0x80 }, "\(line)")
    }
  }

  @Test(arguments: [
    "Pressestelle der Bundesagentur für Arbeit und Soziales, Abteilung Öffentlichkeitsarbeit",
    "Управление по связям с общественностью и средствами массовой информации",
  ])
  func longDisplayNamesSplitIntoSeveralWordsDecodeExactly(_ name: String) throws {
    let bytes = messageBytes { header in
      header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
      header.append("To", .mailboxes([Mailbox(name: name, address: "first@example.org")]))
    }
    let header = Bytes.headerLines(bytes)
    let to = header.drop { !$0.hasPrefix("To:") }.prefix { $0.hasPrefix("To:") || $0.hasPrefix(" ") }
    #expect(to.count > 1, "the name needs several encoded-words")
    for line in to { #expect(line.utf8.count <= 76, "\(line)") }
    let inspected = try inspectMessage(bytes)
    #expect(inspected.defects.isEmpty, "\(inspected.defects)")
    #expect(inspected.addresses?["To"]?.map(\.addrSpec) == ["first@example.org"])
    // policy.default adds a space between adjacent encoded-words in a display name
    // (CPython gh-128110), so the phrase is decoded with email.header, which follows
    // RFC 2047 §6.2 and ignores white space between encoded-words.
    let phrase = to.joined().dropFirst("To: ".count).replacingOccurrences(of: " <first@example.org>", with: "")
    let decoded = try python(
      """
      import sys
      from email.header import decode_header, make_header
      sys.stdout.write(str(make_header(decode_header(sys.stdin.read()))))
      """,
      stdin: Array(phrase.utf8))
    #expect(String(decoding: decoded, as: UTF8.self) == name)
  }

  @Test func plainDisplayNamesAreWrittenAsAtomsAndSpecialsAreQuoted() {
    var output: [UInt8] = []
    HeaderEncoder.appendMailboxes(
      name: "To",
      [
        Mailbox(name: "Jane Doe", address: "jane@example.org"),
        Mailbox(name: "Doe, John", address: "john@example.org"),
        Mailbox(address: "bare@example.org"),
      ], to: &output)
    #expect(String(decoding: output, as: UTF8.self)
      == "To: Jane Doe <jane@example.org>, \"Doe, John\" <john@example.org>,\r\n bare@example.org\r\n")
  }

  @Test func sanitizingReplacesControlCharactersButKeepsTabs() {
    #expect(HeaderEncoder.sanitized("a\r\nb\tc\u{0}d\u{2028}e") == "a  b\tc d e")
    #expect(HeaderEncoder.sanitized("clean") == "clean")
  }
}

extension String {
  /// Python drops white space between the field's colon and its value.
  func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }

  /// The text with each run of spaces written as one.
  func collapsingSpaces() -> String {
    split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
  }
}
