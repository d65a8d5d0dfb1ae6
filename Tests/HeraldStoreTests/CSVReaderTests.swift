import Foundation
import HeraldMail
import HeraldTesting
import Testing

@testable import HeraldStore

#if canImport(Glibc)
  import Glibc
#endif

struct CSVReaderTests {
  // MARK: - Support

  /// Writes `bytes` to a new temporary file, people.csv, runs `body` with it, removes it.
  static func withFile<T>(_ bytes: [UInt8], _ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("herald-csv-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("people.csv")
    try Data(bytes).write(to: url)
    return try body(url)
  }

  /// Every record of `bytes`, read `chunkSize` bytes at a time.
  static func records(_ bytes: [UInt8], chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
    try withFile(bytes) { url in try readAll(CSVReader(url: url, chunkSize: chunkSize)) }
  }

  static func records(_ text: String, chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
    try records(Array(text.utf8), chunkSize: chunkSize)
  }

  static func readAll(_ reader: CSVReader) throws -> [CSVRecord] {
    var records: [CSVRecord] = []
    while let record = try reader.nextRecord() { records.append(record) }
    return records
  }

  /// `text` in one of Python's codecs ("cp1251", "cp1252"): an encoder independent of ours.
  static func encode(_ text: String, _ codec: String) throws -> [UInt8] {
    try python(
      "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('\(codec)'))",
      stdin: Array(text.utf8))
  }

  // MARK: - Records

  @Test func readsTheHeaderAndEveryRow() throws {
    let records = try Self.records("email,name,city\nanna@example.org,Anna Smith,Leeds\nben@example.org,Ben,York\n")
    #expect(
      records == [
        CSVRecord(fields: ["email", "name", "city"], line: 1),
        CSVRecord(fields: ["anna@example.org", "Anna Smith", "Leeds"], line: 2),
        CSVRecord(fields: ["ben@example.org", "Ben", "York"], line: 3),
      ])
  }

  @Test(arguments: [
    ("a,b", [["a", "b"]]),  // no line break at the end
    ("a,b,\n", [["a", "b", ""]]),  // a trailing delimiter makes an empty last field
    ("a,b,", [["a", "b", ""]]),
    (",\n", [["", ""]]),
    ("\"\"\n", [[""]]),
    ("\"\"", [[""]]),
    ("  a , b  \n", [["  a ", " b  "]]),  // spaces are kept
    ("", []),
    ("\n\r\n\n", []),
  ])
  func readsEdgeCasesOfRecordsAndFields(_ text: String, _ expected: [[String]]) throws {
    #expect(try Self.records(text).map(\.fields) == expected)
  }

  @Test func skipsAUTF8ByteOrderMark() throws {
    try Self.withFile([0xEF, 0xBB, 0xBF] + Array("email;name\na@example.org;Zoë\n".utf8)) { url in
      let reader = try CSVReader(url: url)
      #expect(reader.encoding == .utf8)
      #expect(reader.delimiter == ";")
      #expect(reader.warnings.isEmpty)
      #expect(try Self.readAll(reader).map(\.fields) == [["email", "name"], ["a@example.org", "Zoë"]])
    }
  }

  @Test(arguments: [
    ("email,name,city\na@example.org,A;B,York\n", ",", 3),
    ("email;name;city\na@example.org;A,B;York\n", ";", 3),
    ("email\tname\tcity\na@example.org\tA, B; C\tYork\n", "\t", 3),
    // Delimiters inside quotes do not count; only the header line does.
    ("\"a,b,c\";\"d,e\";f\n1,2,3,4,5\n", ";", 3),
    // Empty lines before the header are skipped.
    ("\n\r\nemail\tname\n", "\t", 2),
    // A tie, or no delimiter at all, is a comma.
    ("a;b,c\n", ",", 2),
    ("email\na@example.org\n", ",", 1),
  ] as [(String, Character, Int)])
  func detectsTheDelimiterFromTheHeader(_ text: String, _ delimiter: Character, _ headerFields: Int) throws {
    try Self.withFile(Array(text.utf8)) { url in
      let reader = try CSVReader(url: url)
      #expect(reader.delimiter == delimiter)
      #expect(try reader.nextRecord()?.fields.count == headerFields)
    }
  }

  @Test func splitsSemicolonAndTabFilesOnTheirDelimiter() throws {
    #expect(
      try Self.records("email;name\na@example.org;Smith, Anna\n").map(\.fields)
        == [["email", "name"], ["a@example.org", "Smith, Anna"]])
    #expect(
      try Self.records("email\tname\na@example.org\tSmith; Anna, Jr\n").map(\.fields)
        == [["email", "name"], ["a@example.org", "Smith; Anna, Jr"]])
  }

  @Test func readsQuotedDelimitersLineBreaksAndDoubledQuotes() throws {
    let text = #"""
      email,name,notes
      a@example.org,"Smith, Anna","said ""hello""
      then left"
      b@example.org,"Ben ""Benny"" Jones","one
      two

      three"
      c@example.org,Chloe,plain

      d@example.org,"",""""

      """#
    let records = try Self.records(text)
    #expect(
      records == [
        CSVRecord(fields: ["email", "name", "notes"], line: 1),
        CSVRecord(fields: ["a@example.org", "Smith, Anna", "said \"hello\"\nthen left"], line: 2),
        CSVRecord(fields: ["b@example.org", "Ben \"Benny\" Jones", "one\ntwo\n\nthree"], line: 4),
        CSVRecord(fields: ["c@example.org", "Chloe", "plain"], line: 8),
        CSVRecord(fields: ["d@example.org", "", "\""], line: 10),
      ])
  }

  @Test func readsCRLFLineEndsInsideAndOutsideQuotes() throws {
    let text = "email,notes\r\na@example.org,\"one\r\ntwo\"\r\n\r\nb@example.org,x\r\n"
    #expect(
      try Self.records(text) == [
        CSVRecord(fields: ["email", "notes"], line: 1),
        CSVRecord(fields: ["a@example.org", "one\r\ntwo"], line: 2),
        CSVRecord(fields: ["b@example.org", "x"], line: 5),
      ])
  }

  @Test func readsOldMacCRLineEnds() throws {
    #expect(
      try Self.records("a,b\r1,\"x\ry\"\r\r2,3") == [
        CSVRecord(fields: ["a", "b"], line: 1),
        CSVRecord(fields: ["1", "x\ry"], line: 2),
        CSVRecord(fields: ["2", "3"], line: 5),
      ])
  }

  @Test func skipsEmptyLinesButCountsThem() throws {
    let records = try Self.records("\n\nemail\n\na@example.org\n\r\n\n\nb@example.org\n\n")
    #expect(records.map(\.fields) == [["email"], ["a@example.org"], ["b@example.org"]])
    #expect(records.map(\.line) == [3, 5, 9])
  }

  @Test(arguments: [
    ("ab\"c,d\n", ["ab\"c", "d"]),  // a quote inside an unquoted field is kept
    ("a\"\"b,c\n", ["a\"\"b", "c"]),
    ("\"Smith\" Jr,x\n", ["Smith Jr", "x"]),  // text after a closing quote is added
    ("\"a\"b\"c\",x\n", ["ab\"c\"", "x"]),
    ("\"a\"\"\"b,x\n", ["a\"b", "x"]),
    (" \"a\",x\n", [" \"a\"", "x"]),  // a quote after a space does not open quotes
  ])
  func readsStrayQuotesLenientlyLikePythonAndExcel(_ text: String, _ fields: [String]) throws {
    #expect(try Self.records(text).map(\.fields) == [fields])
    // Python's csv module is the reference for what "lenient" means.
    let python = try python(
      "import csv, io, json, sys; print(json.dumps(next(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))",
      stdin: Array(text.utf8))
    #expect(try JSONDecoder().decode([String].self, from: Data(python)) == fields)
  }

  // MARK: - Encodings

  @Test func decodesWindows1251CyrillicWithAWarning() throws {
    let text = "email,name,city\nivanov@example.ru,\"Иванов, Иван\",Москва\npetrova@example.ru,Петрова Анна Сергеевна,Київ\n"
    let bytes = try Self.encode(text, "cp1251")
    #expect(bytes.contains(0xC8))  // И in Windows-1251: the file really is not UTF-8
    try Self.withFile(bytes) { url in
      let reader = try CSVReader(url: url)
      #expect(reader.encoding == .windows1251)
      #expect(
        reader.warnings == [
          "\(url.path) is not UTF-8; it was read as Windows-1251 (Cyrillic). Check the names below, or save the file as CSV UTF-8."
        ])
      #expect(
        try Self.readAll(reader).map(\.fields) == [
          ["email", "name", "city"],
          ["ivanov@example.ru", "Иванов, Иван", "Москва"],
          ["petrova@example.ru", "Петрова Анна Сергеевна", "Київ"],
        ])
    }
  }

  @Test func decodesLatin1WithWindows1252PunctuationAndAWarning() throws {
    let text = "email,name,notes\njose@example.es,José Müller,“Café” – €5\nzoe@example.fr,Zoë,Größe\n"
    let bytes = try Self.encode(text, "cp1252")
    try Self.withFile(bytes) { url in
      let reader = try CSVReader(url: url)
      #expect(reader.encoding == .latin1)
      #expect(reader.warnings.count == 1)
      #expect(reader.warnings.first?.contains("is not UTF-8; it was read as Latin-1") == true)
      #expect(
        try Self.readAll(reader).map(\.fields) == [
          ["email", "name", "notes"],
          ["jose@example.es", "José Müller", "“Café” – €5"],
          ["zoe@example.fr", "Zoë", "Größe"],
        ])
    }
  }

  @Test(arguments: ["ë", "€", "😀"])
  func detectsUTF8WhenTheSampleEndsInsideACharacter(_ character: String) throws {
    let encoded = Array(character.utf8)
    let sample = CSVReader.minimumSampleBytes
    for bytesInSample in 1..<encoded.count {
      var bytes = Array("email,name\na@example.org,".utf8)
      bytes += [UInt8](repeating: UInt8(ascii: "x"), count: sample - bytes.count - bytesInSample)
      bytes += encoded + Array("\n".utf8)
      try Self.withFile(bytes) { url in
        let reader = try CSVReader(url: url, chunkSize: 4096)
        #expect(reader.encoding == .utf8, "\(bytesInSample) of \(encoded.count) bytes in the sample")
        #expect(reader.warnings.isEmpty)
        _ = try reader.nextRecord()
        #expect(try reader.nextRecord()?.fields.last?.hasSuffix("x" + character) == true)
      }
    }
  }

  @Test(arguments: [
    ("Иванов, Иван", "cp1251", CSVEncoding.windows1251),
    ("Київ, Україна", "cp1251", .windows1251),
    ("Ян Ли, Ия, Иванова", "cp1251", .windows1251),  // short words, outweighed by a long one
    ("«Новости» — №5", "cp1251", .windows1251),
    ("José Müller, Zoë", "cp1252", .latin1),
    ("Hélène Dupré, Françoise", "cp1252", .latin1),
    ("Größe Straße", "cp1252", .latin1),
    ("Größe", "cp1252", .latin1),  // a pair counts for neither side, and a tie is Latin-1
    ("Ærø, Ørsted, Ångström", "cp1252", .latin1),
    ("“Quoted” – 5 €", "cp1252", .latin1),
  ] as [(String, String, CSVEncoding)])
  func guessesTheCodePageFromRunsOfHighBytes(_ text: String, _ codec: String, _ expected: CSVEncoding) throws {
    let bytes = try Self.encode(text, codec)
    #expect(bytes.withUnsafeBufferPointer(LegacyEncoding.guess) == expected)
  }

  @Test(arguments: [("cp1251", SingleByteCharset.windows1251), ("cp1252", SingleByteCharset.windows1252)])
  func codePagesTheImportDecodesMatchPython(_ codec: String, _ charset: SingleByteCharset) throws {
    // Bytes Python's codec leaves unassigned map to the C1 control of the same value.
    let json = try python(
      """
      import json
      out = []
      for b in range(0x80, 0x100):
          try: out.append(ord(bytes([b]).decode('\(codec)')))
          except UnicodeDecodeError: out.append(b)
      print(json.dumps(out))
      """)
    let expected = try JSONDecoder().decode([UInt16].self, from: Data(json))
    #expect(expected.count == 128)
    let high = [UInt8](0x80...0xFF)
    let decoded = high.withUnsafeBufferPointer { charset.decode($0) }
    #expect(decoded.unicodeScalars.map { UInt16($0.value) } == expected)
  }

  @Test(arguments: [
    ([0xFF, 0xFE] + Array("e\0,\0n\0\n\0".utf8), "UTF-16"),
    ([0xFE, 0xFF] + Array("\0e\0,\0n\0\n".utf8), "UTF-16"),
    ([0xFF, 0xFE, 0, 0] + Array("e\0\0\0\n\0\0\0".utf8), "UTF-32"),
    ([0, 0, 0xFE, 0xFF] + Array("\0\0\0e\0\0\0\n".utf8), "UTF-32"),
    (Array("e\0m\0a\0i\0l\0,\0n\0a\0m\0e\0\n\0".utf8), "UTF-16"),  // no byte order mark
  ] as [([UInt8], String)])
  func refusesUTF16AndUTF32AskingForCSVUTF8(_ bytes: [UInt8], _ what: String) throws {
    try Self.withFile(bytes) { url in
      let error = #expect(throws: CSVError.self) { try CSVReader(url: url) }
      #expect(error?.code == .encoding)
      #expect(error?.line == nil)
      #expect(error?.message.contains(what) == true)
      #expect(error?.message.contains("CSV UTF-8") == true)
    }
  }

  @Test func reportsTheLineOfInvalidUTF8AfterTheStartAndGoesOn() throws {
    // Detection looks at the first 64 KiB when chunks are smaller; the bad byte is beyond.
    var bytes = Array("email,name\n".utf8)
    for index in 0..<3000 { bytes += Array("user\(index)@example.org,Zoë Ünal\n".utf8) }
    #expect(bytes.count > CSVReader.minimumSampleBytes)
    bytes += Array("jose@example.es,\"Jos".utf8) + [0xE9] + Array("\nM\"\nlast@example.org,Last\n".utf8)
    try Self.withFile(bytes) { url in
      let reader = try CSVReader(url: url, chunkSize: 4096)
      #expect(reader.encoding == .utf8)
      for _ in 0...3000 { _ = try reader.nextRecord() }
      let error = #expect(throws: CSVError.self) { try reader.nextRecord() }
      #expect(error?.code == .encoding)
      #expect(error?.line == 3002)
      #expect(error?.message.contains("line 3002 is not valid UTF-8 (byte 0xE9)") == true)
      #expect(error?.description.hasPrefix("\(url.path):3002: field 2 of the record") == true)
      // The bad record is skipped; the line count stays right.
      #expect(try reader.nextRecord() == CSVRecord(fields: ["last@example.org", "Last"], line: 3004))
      #expect(try reader.nextRecord() == nil)
    }
  }

  @Test func readsAMostlyUTF8FileAsUTF8AndReportsItsStrayLine() throws {
    let bytes =
      Array("email,name\nzoe@example.fr,Zoë Ünal\nmuller@example.de,Müller\njose@example.es,Jos".utf8) + [0xE9]
      + Array("\nanna@example.ru,Анна\n".utf8)
    try Self.withFile(bytes) { url in
      let reader = try CSVReader(url: url)
      #expect(reader.encoding == .utf8)
      #expect(reader.warnings.isEmpty)
      #expect(try reader.nextRecord()?.line == 1)
      #expect(try reader.nextRecord()?.fields == ["zoe@example.fr", "Zoë Ünal"])
      #expect(try reader.nextRecord()?.fields == ["muller@example.de", "Müller"])
      let error = #expect(throws: CSVError.self) { try reader.nextRecord() }
      #expect(error?.line == 4)
      #expect(try reader.nextRecord() == CSVRecord(fields: ["anna@example.ru", "Анна"], line: 5))
    }
  }

  // MARK: - Errors

  @Test(arguments: [1, 7, 1 << 20])
  func reportsAnUnterminatedQuoteAtTheLineItOpened(_ chunkSize: Int) throws {
    let text = "email,name\na@example.org,Anna\nb@example.org,\"Ben\nc@example.org,Chloe\nd@example.org,Dan\n"
    try Self.withFile(Array(text.utf8)) { url in
      let reader = try CSVReader(url: url, chunkSize: chunkSize)
      #expect(try reader.nextRecord()?.line == 1)
      #expect(try reader.nextRecord()?.line == 2)
      let error = #expect(throws: CSVError.self) { try reader.nextRecord() }
      #expect(error?.code == .unterminatedQuote)
      #expect(error?.line == 3)
      #expect(error?.file == url.path)
      #expect(
        error?.description
          == "\(url.path):3: a quoted field opened on line 3 is never closed. Add the closing \" where the field should end, or remove the stray \"."
      )
      // The reader does not pretend to go on after it.
      #expect(throws: CSVError.self) { try reader.nextRecord() }
    }
  }

  static func overlongRecord(_ kind: String) -> [UInt8] {
    let x = UInt8(ascii: "x")
    if kind == "an unclosed quote" {
      return Array("email,notes\na@example.org,ok\nb@example.org,\"".utf8) + [UInt8](repeating: x, count: 3 << 20)
    }
    return Array("email,notes\nok,1\n".utf8) + [UInt8](repeating: x, count: (1 << 20) + 1) + Array("\nb,c\n".utf8)
  }

  @Test(arguments: ["an unclosed quote", "a long unquoted record"])
  func refusesARecordLongerThanOneMebibyte(_ kind: String) throws {
    try Self.withFile(Self.overlongRecord(kind)) { url in
      let reader = try CSVReader(url: url, chunkSize: 64 << 10)
      #expect(try reader.nextRecord()?.line == 1)
      #expect(try reader.nextRecord()?.line == 2)
      let error = #expect(throws: CSVError.self) { try reader.nextRecord() }
      #expect(error?.code == .fieldTooLong)
      #expect(error?.line == 3)
      #expect(error?.message.contains("longer than 1 MiB") == true)
      #expect(reader.bufferCapacity < 4 << 20)
    }
  }

  @Test func recordsOfExactlyTheLimitAreRead() throws {
    let field = [UInt8](repeating: 0x78, count: CSVReader.maximumRecordBytes - 1)
    let records = try Self.records(field + [0x0A] + Array("b\n".utf8), chunkSize: 100_000)
    #expect(records.map(\.fields.first?.count) == [field.count, 1])
  }

  @Test func reportsAMissingFileAsUnreadable() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-missing-\(UUID().uuidString).csv")
    let error = #expect(throws: CSVError.self) { try CSVReader(url: url) }
    #expect(error?.code == .unreadable)
    #expect(error?.message.contains("No such file or directory") == true)
  }

  // MARK: - Chunk boundaries

  struct Fixture: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: [CSVRecord]
    var testDescription: String { name }
  }

  static let fixtures: [Fixture] = [
    Fixture(
      name: "multi-byte UTF-8 and a BOM",
      bytes: [0xEF, 0xBB, 0xBF] + Array("name,city\nZoë,Zürich\n\"Иванов, Иван\",Москва\n😀 👩‍👩‍👧,\"a\"\"😀\"\"b\"\n".utf8),
      expected: [
        CSVRecord(fields: ["name", "city"], line: 1),
        CSVRecord(fields: ["Zoë", "Zürich"], line: 2),
        CSVRecord(fields: ["Иванов, Иван", "Москва"], line: 3),
        CSVRecord(fields: ["😀 👩‍👩‍👧", "a\"😀\"b"], line: 4),
      ]),
    Fixture(
      name: "CRLF, quoted line breaks and empty lines",
      bytes: Array("a;b\r\n\"x\r\ny\";\"\"\"\"\r\n\r\n\r\n\"é\r\n\r\nü\";z\r\nlast;\"\"\"q\"\" r\"\r\n".utf8),
      expected: [
        CSVRecord(fields: ["a", "b"], line: 1),
        CSVRecord(fields: ["x\r\ny", "\""], line: 2),
        CSVRecord(fields: ["é\r\n\r\nü", "z"], line: 6),
        CSVRecord(fields: ["last", "\"q\" r"], line: 9),
      ]),
    Fixture(
      name: "Windows-1251 with tabs",
      // "имя\tгород\nИванов\tКиїв" in Windows-1251.
      bytes: [0xE8, 0xEC, 0xFF, 0x09, 0xE3, 0xEE, 0xF0, 0xEE, 0xE4, 0x0D, 0x0A]
        + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x09, 0x22, 0xCA, 0xE8, 0xBF, 0xE2, 0x22],
      expected: [
        CSVRecord(fields: ["имя", "город"], line: 1),
        CSVRecord(fields: ["Иванов", "Київ"], line: 2),
      ]),
    Fixture(
      name: "lenient quotes and a trailing delimiter without a final line break",
      bytes: Array("a,b,c\nab\"c,\"q\"x y,\n\"\",,\"\"".utf8),
      expected: [
        CSVRecord(fields: ["a", "b", "c"], line: 1),
        CSVRecord(fields: ["ab\"c", "qx y", ""], line: 2),
        CSVRecord(fields: ["", "", ""], line: 3),
      ]),
  ]

  @Test(arguments: fixtures, [1, 2, 3, 7, 64, 1 << 20])
  func readsTheSameRecordsWhateverTheChunkSize(_ fixture: Fixture, _ chunkSize: Int) throws {
    #expect(try Self.records(fixture.bytes, chunkSize: chunkSize) == fixture.expected)
  }

  // MARK: - Python's csv module as an oracle

  /// SplitMix64: the same rows on every run and platform.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static func randomRows(count: Int, seed: UInt64) -> [[String]] {
    var random = SeededGenerator(state: seed)
    let pieces = [
      "plain", "Anna", "a@example.org", "with, comma", "semi;colon", "tab\there", "say \"hi\"", "\"",
      "\"\"", "line\nbreak", "crlf\r\nbreak", "lone\rcr", " leading", "trailing ", " ", "Иванов", "Иван",
      "Zoë", "Müller", "😀", "👩‍👩‍👧", "🇺🇦", "中文", "x",
    ]
    return (0..<count).map { _ in
      (0..<Int.random(in: 1...6, using: &random)).map { _ in
        (0..<Int.random(in: 0...3, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
      }
    }
  }

  struct PythonRows: Decodable {
    var rows: [[String]]
    var lines: [Int]
  }

  @Test(arguments: [",", ";", "\t"])
  func readsExactlyWhatPythonsCSVModuleReads(_ delimiter: String) throws {
    let header = ["email", "first name", "last name", "notes"]
    let rows = [header] + Self.randomRows(count: 200, seed: 20_261_129)
    let request = try JSONEncoder().encode(["rows": rows])
    let csv = try python(
      """
      import csv, io, json, sys
      request = json.load(sys.stdin)
      out = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8', newline='')
      csv.writer(out, delimiter=chr(\(delimiter.unicodeScalars.first!.value))).writerows(request['rows'])
      out.flush()
      """, stdin: Array(request))
    let read = try python(
      """
      import csv, io, json, sys
      stdin = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')
      reader = csv.reader(stdin, delimiter=chr(\(delimiter.unicodeScalars.first!.value)))
      rows, lines, previous = [], [], 0
      for row in reader:
          if row:
              rows.append(row)
              lines.append(previous + 1)
          previous = reader.line_num
      print(json.dumps({'rows': rows, 'lines': lines}, ensure_ascii=False))
      """, stdin: csv)
    let expected = try JSONDecoder().decode(PythonRows.self, from: Data(read))
    #expect(expected.rows == rows)  // the oracle itself round-trips
    #expect(expected.lines.last! > rows.count)  // and the rows do span lines

    for chunkSize in [5, 4096, 1 << 20] {
      try Self.withFile(csv) { url in
        let reader = try CSVReader(url: url, chunkSize: chunkSize)
        #expect(reader.delimiter == Character(delimiter))
        let records = try Self.readAll(reader)
        #expect(records.map(\.fields) == expected.rows, "chunk size \(chunkSize)")
        #expect(records.map(\.line) == expected.lines, "chunk size \(chunkSize)")
      }
    }
  }

  // MARK: - Memory

  #if os(Linux)
    static func residentBytes() throws -> Int {
      let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
      let pages = Int(statm.split(separator: " ")[1])!
      return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    @Test func readsA30MBFileInBoundedMemory() throws {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("herald-csv-\(UUID().uuidString)", isDirectory: true)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let url = directory.appendingPathComponent("large.csv")
      #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
      let handle = try FileHandle(forWritingTo: url)
      var rows = 0
      var written = 0
      try handle.write(contentsOf: Data("email,name,notes\n".utf8))
      while written < 30_000_000 {
        var batch = ""
        for _ in 0..<1000 {
          rows += 1
          batch += "user\(rows)@example.org,\"Иванов, Иван \(rows)\",\"a note\nover two lines 😀\"\n"
        }
        let data = Data(batch.utf8)
        try handle.write(contentsOf: data)
        written += data.count
      }
      try handle.close()

      let before = try Self.residentBytes()
      let reader = try CSVReader(url: url)
      var count = 0
      var lastLine = 0
      while let record = try reader.nextRecord() {
        count += 1
        lastLine = record.line
      }
      let growth = try Self.residentBytes() - before
      #expect(count == rows + 1)
      #expect(lastLine == 2 * rows)
      #expect(reader.bufferCapacity <= 2 << 20)
      #expect(growth < 20_000_000, "resident memory grew by \(growth) bytes reading \(written) bytes")
    }
  #endif
}
