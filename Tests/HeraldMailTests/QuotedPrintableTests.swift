import HeraldMail
import HeraldTesting
import Testing

struct QuotedPrintableTests {
  /// An input and the exact encoding it must have.
  struct Case: Sendable, CustomTestStringConvertible {
    var label: String
    var input: String
    var encoded: String
    var testDescription: String { label }
  }

  static let exactCases: [Case] = [
    Case(label: "plain ASCII is unchanged", input: "Hello, world! (50% off) ~ #1?", encoded: "Hello, world! (50% off) ~ #1?"),
    Case(label: "equals sign becomes =3D", input: "a=b", encoded: "a=3Db"),
    Case(label: "inner spaces and tabs are kept", input: "a b\tc", encoded: "a b\tc"),
    Case(label: "space before a line break becomes =20", input: "trailing \nnext", encoded: "trailing=20\r\nnext"),
    Case(label: "tab before a line break becomes =09", input: "tab\t\r\nnext", encoded: "tab=09\r\nnext"),
    Case(label: "space at the end becomes =20", input: "end ", encoded: "end=20"),
    Case(label: "tab at the end becomes =09", input: "end\t", encoded: "end=09"),
    Case(label: "only the last of several trailing spaces is escaped", input: "x  \ny", encoded: "x =20\r\ny"),
    Case(label: "dot at the start becomes =2E", input: ".hidden", encoded: "=2Ehidden"),
    Case(label: "dot at a line start becomes =2E", input: "a\n.\n..b", encoded: "a\r\n=2E\r\n=2E.b"),
    Case(label: "dot inside a line is kept", input: "v1.2.", encoded: "v1.2."),
    Case(label: "From-space at the start becomes =46rom", input: "From here", encoded: "=46rom here"),
    Case(label: "From-space at a line start becomes =46rom", input: "Hi\nFrom me", encoded: "Hi\r\n=46rom me"),
    Case(label: "From without a space is kept", input: "Fromage\nFrom", encoded: "Fromage\r\nFrom"),
    Case(label: "From inside a line is kept", input: "Sent From home", encoded: "Sent From home"),
    Case(label: "LF becomes CRLF", input: "a\nb\n", encoded: "a\r\nb\r\n"),
    Case(label: "CRLF stays CRLF", input: "a\r\nb\r\n", encoded: "a\r\nb\r\n"),
    Case(label: "lone CR is escaped", input: "a\rb", encoded: "a=0Db"),
    Case(label: "empty lines are kept", input: "\n\na", encoded: "\r\n\r\na"),
    Case(label: "accented letters are escaped per byte", input: "café", encoded: "caf=C3=A9"),
    Case(label: "Cyrillic is escaped per byte", input: "Привет", encoded: "=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82"),
    Case(label: "emoji is escaped per byte", input: "🎉", encoded: "=F0=9F=8E=89"),
    Case(label: "control characters are escaped", input: "a\u{0}\u{7F}b", encoded: "a=00=7Fb"),
  ]

  @Test(arguments: exactCases)
  func encodesExactly(_ testCase: Case) {
    #expect(String(decoding: QuotedPrintable.encode(testCase.input), as: UTF8.self) == testCase.encoded)
  }

  /// Every input checked for the encoding's invariants and decoded by Python.
  static let propertyCases: [(String, String)] = exactCases.map { ($0.label, $0.input) } + [
    ("long word without spaces", String(repeating: "x", count: 250)),
    ("long run of equals signs", String(repeating: "=", count: 100)),
    ("long line of words", Array(repeating: "press release", count: 40).joined(separator: " ")),
    ("line of exactly 76 characters", String(repeating: "a", count: 76)),
    ("line of exactly 77 characters", String(repeating: "a", count: 77)),
    ("escape at the soft-break column", String(repeating: "a", count: 74) + "é" + String(repeating: "b", count: 10)),
    ("trailing space at the soft-break column", String(repeating: "a", count: 74) + " \nnext"),
    ("dot after a soft break", String(repeating: "a", count: 75) + ".b"),
    ("From-space after a soft break", String(repeating: "a", count: 75) + "From here"),
    ("long Cyrillic paragraph", String(repeating: "Съешь же ещё этих мягких французских булок, да выпей чаю. ", count: 6)),
    ("long emoji text", String(repeating: "🎉🚀👨‍👩‍👧‍👦 ", count: 20)),
    ("mixed line breaks", "one\ntwo\r\nthree\n\nfour \n\tfive\t\r\n"),
  ] + randomCases

  /// Texts made of the pieces the encoder treats specially, in a fixed pseudo-random order
  /// (the same on every run), to reach combinations no one thought to write down.
  static let randomCases: [(String, String)] = {
    let pieces = ["a", "word ", " ", "  ", ".", "From ", "F", "=", "\n", "\r\n", "\t", "é", "я", "🎉", "€", "x", String(repeating: "y", count: 70)]
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func next() -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state % UInt64(pieces.count))
    }
    return (0..<40).map { index in
      ("random text \(index)", (0..<(20 + index * 4)).map { _ in pieces[next()] }.joined())
    }
  }()

  @Test(arguments: propertyCases)
  func keepsLinesShortEscapesWholeAndLineStartsSafe(_ label: String, _ input: String) {
    let encoded = QuotedPrintable.encode(input)
    #expect(Bytes.hasOnlyCRLF(encoded), "\(label)")
    for line in Bytes.lines(encoded) {
      let text = String(decoding: line, as: UTF8.self)
      #expect(line.count <= 76, "\(label): \(line.count) octets in \(text)")
      #expect(line.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }, "\(label): \(text)")
      #expect(line.last != 0x20 && line.last != 0x09, "\(label): trailing white space in \(text)")
      #expect(!text.hasPrefix("."), "\(label): line starts with a dot: \(text)")
      #expect(!text.hasPrefix("From "), "\(label): line starts with From-space: \(text)")
      // A soft break never splits a UTF-8 sequence: each line decodes on its own.
      let softBreak = line.last == UInt8(ascii: "=") ? line.dropLast() : line[...]
      #expect(String(validating: decodedQuotedPrintable(softBreak), as: UTF8.self) != nil, "\(label): \(text)")
      // An "=" is a soft break (last on its line) or starts an escape of two hex digits.
      var index = 0
      while index < line.count {
        if line[index] == UInt8(ascii: "=") && index != line.count - 1 {
          let hex = Array("0123456789ABCDEF".utf8)
          let whole = index + 2 < line.count && hex.contains(line[index + 1]) && hex.contains(line[index + 2])
          #expect(whole, "\(label): split escape in \(text)")
          index += 3
        } else {
          index += 1
        }
      }
    }
  }

  @Test(arguments: propertyCases)
  func pythonQuopriDecodesTheExactInput(_ label: String, _ input: String) throws {
    let decoded = try python(
      "import sys, quopri; sys.stdout.buffer.write(quopri.decodestring(sys.stdin.buffer.read()))",
      stdin: QuotedPrintable.encode(input))
    #expect(decoded == Bytes.crlf(input), "\(label)")
  }

  /// The bytes an encoded line (without its soft break) stands for.
  private func decodedQuotedPrintable(_ line: ArraySlice<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    var index = line.startIndex
    while index < line.endIndex {
      if line[index] == UInt8(ascii: "="), index + 2 < line.endIndex,
        let value = UInt8(String(decoding: line[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
      {
        output.append(value)
        index += 3
      } else {
        output.append(line[index])
        index += 1
      }
    }
    return output
  }

  @Test func appendsToExistingOutput() {
    var output = Array("prefix:".utf8)
    QuotedPrintable.encode(Array("a=b".utf8), into: &output)
    #expect(String(decoding: output, as: UTF8.self) == "prefix:a=3Db")
  }

  @Test func countsTheBytesThatNeedEscaping() {
    #expect(QuotedPrintable.escapeCount(Array("plain text\r\n\tok".utf8)) == 0)
    #expect(QuotedPrintable.escapeCount(Array("a=b".utf8)) == 1)
    #expect(QuotedPrintable.escapeCount(Array("Привет".utf8)) == 12)
  }
}
