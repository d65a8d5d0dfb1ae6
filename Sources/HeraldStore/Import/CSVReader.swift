import HeraldMail
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The text encoding a CSV file is read in.
package enum CSVEncoding: String, Sendable {
  /// UTF-8, with or without a byte order mark: Excel's "CSV UTF-8", Mailchimp, listmonk.
  case utf8
  /// Windows-1251: Excel's plain "CSV" on Russian, Ukrainian, Bulgarian or Serbian Windows.
  case windows1251
  /// ISO-8859-1 with Windows-1252's characters in 0x80–0x9F: Excel's plain "CSV" on Western Windows.
  case latin1
}

/// One record of a CSV file.
package struct CSVRecord: Sendable, Hashable {
  /// The fields, with quotes removed and decoded from the file's encoding.
  package var fields: [String]
  /// The 1-based physical line the record starts on. Every line break before it counts,
  /// including those of empty lines and those inside quoted fields.
  package var line: Int

  /// Makes a record.
  package init(fields: [String], line: Int) {
    self.fields = fields
    self.line = line
  }
}

/// A CSV file that cannot be read, or a record in it that cannot.
package struct CSVError: Error, Sendable, CustomStringConvertible {
  /// What kind of problem it is, for code that reacts to it.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case encoding, unterminatedQuote, fieldTooLong, unreadable }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The file is UTF-16 or UTF-32, or a record is not valid UTF-8 in a UTF-8 file.
    package static var encoding: Self { Self(.encoding) }
    /// A quoted field is still open at the end of the file.
    package static var unterminatedQuote: Self { Self(.unterminatedQuote) }
    /// A record is longer than ``CSVReader/maximumRecordBytes``.
    package static var fieldTooLong: Self { Self(.fieldTooLong) }
    /// The file cannot be opened or read.
    package static var unreadable: Self { Self(.unreadable) }
    /// The code's name, such as `unterminatedQuote`.
    package var description: String { base.rawValue }
  }

  /// The kind of problem.
  package var code: Code
  /// The file, as its URL's path was given.
  package var file: String
  /// The 1-based line the problem is on, when it is on one.
  package var line: Int?
  /// A sentence a person can act on: what failed, where, and what to do.
  package var message: String

  /// Makes an error.
  package init(_ code: Code, file: String, line: Int?, _ message: String) {
    self.code = code
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`, the form editors and terminals link to.
  package var description: String {
    if let line { return "\(file):\(line): \(message)" }
    return "\(file): \(message)"
  }
}

/// Reads a CSV file record by record, holding only a chunk of it in memory.
///
/// Follows RFC 4180 (quoted fields may hold delimiters, line breaks and doubled quotes;
/// CRLF, LF or CR line ends) and is lenient where Excel and Python's csv module are:
/// a quote inside an unquoted field is kept, and text after a closing quote is added
/// to the field. Empty lines are skipped.
///
/// Opening the file detects, from its first `max(chunkSize, 64 KiB)` bytes:
/// - the encoding: a UTF-8 byte order mark is skipped; UTF-16 and UTF-32 are refused;
///   text that is UTF-8 (or mostly is) is read as UTF-8, anything else as Windows-1251
///   or Latin-1 by a heuristic over its bytes above 0x7F (`LegacyEncoding.guess`), with a warning;
/// - the delimiter: the most frequent of `,`, `;` and tab outside quotes in the first
///   record, comma on a tie.
package final class CSVReader {
  /// The longest record accepted, in bytes: a quote that is never closed would otherwise
  /// make the reader buffer the rest of a large file.
  package static let maximumRecordBytes = 1 << 20

  /// The smallest sample of the file's start that encoding detection looks at.
  static let minimumSampleBytes = 64 << 10

  /// The field separator found in the first record: `,`, `;` or a tab.
  package let delimiter: Character
  /// The encoding the file is read in.
  package let encoding: CSVEncoding
  /// What a person should check, such as an encoding that was guessed.
  package private(set) var warnings: [String]
  /// The file, as its URL's path was given; errors and warnings name it so.
  package let file: String

  private enum State {
    case betweenRecords, fieldStart, unquoted, quoted, quoteInQuoted, afterQuoted
  }

  private let descriptor: Int32
  private let chunkSize: Int
  private let delimiterByte: UInt8
  private var fileOffset: Int

  // Bytes [0, end) of `buffer` are read; the parser has looked at those before `position`.
  // While a record is being read, everything from `recordStart` on is kept.
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var end = 0
  private var position = 0
  private var atEndOfFile = false

  private var state = State.betweenRecords
  private var line = 1
  private var skipLineFeed = false  // the last line ended with CR; an LF right after is part of it
  private var recordStart = 0
  private var recordLine = 1
  private var fieldStart = 0
  // Quoted fields are unescaped in place: `writeIndex` trails the scan position.
  private var writeIndex = 0
  // Offsets from `recordStart`, which stay valid when the buffer is compacted.
  private var fieldRanges: [Range<Int>] = []
  private var failure: CSVError?

  /// Opens a CSV file and detects its encoding, byte order mark and delimiter.
  /// - Parameters:
  ///   - url: A file URL.
  ///   - chunkSize: How many bytes to read at a time. Detection looks at the first
  ///     `max(chunkSize, 64 KiB)` bytes whatever it is.
  /// - Throws: `CSVError` `.unreadable` when the file cannot be opened or read,
  ///   `.encoding` when it is UTF-16 or UTF-32.
  package init(url: URL, chunkSize: Int = 1 << 20) throws {
    let file = url.relativePath
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw CSVError(
        .unreadable, file: file, line: nil,
        "cannot open the file: \(String(cString: strerror(errno))). Check the path and its permissions.")
    }
    let chunkSize = max(1, chunkSize)
    let detection: Detection
    do {
      detection = try Self.detect(
        descriptor: descriptor, sampleSize: max(chunkSize, Self.minimumSampleBytes), file: file)
    } catch {
      close(descriptor)
      throw error
    }
    self.file = file
    self.descriptor = descriptor
    self.chunkSize = chunkSize
    self.encoding = detection.encoding
    self.delimiterByte = detection.delimiter
    self.delimiter = Character(Unicode.Scalar(detection.delimiter))
    self.fileOffset = detection.byteOrderMarkLength
    self.warnings = detection.warnings
    self.capacity = max(2 * chunkSize, 64)
    self.buffer = .allocate(capacity: capacity)
  }

  deinit {
    close(descriptor)
    buffer.deallocate()
  }

  /// Reads the next record, skipping empty lines.
  /// - Returns: The record, or nil at the end of the file.
  /// - Throws: `CSVError`. After `.encoding` (a record that is not valid UTF-8) the record
  ///   is skipped and reading can go on; after any other error the reader throws it again.
  package func nextRecord() throws -> CSVRecord? {
    if let failure { throw failure }
    do {
      while true {
        if position < end {
          if try scan() { return try makeRecord() }
          continue
        }
        if atEndOfFile {
          return try finishAtEndOfFile() ? try makeRecord() : nil
        }
        try refill()
      }
    } catch let error as CSVError {
      if error.code != .encoding { failure = error }
      throw error
    }
  }

  /// How many bytes the reader's buffer holds, for tests of its memory use.
  var bufferCapacity: Int { capacity }

  // MARK: - Parsing

  private static let quote = UInt8(ascii: "\"")
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  /// Parses from `position` towards `end`; true when a record was completed.
  private func scan() throws -> Bool {
    let quote = Self.quote
    let lineFeed = Self.lineFeed
    let carriageReturn = Self.carriageReturn
    let bytes = buffer
    let end = self.end
    let delimiter = delimiterByte
    // The parser's state lives in locals while it runs: every access to a stored property
    // of a class is checked for exclusivity at run time, which costs more than the parsing.
    var p = position
    var state = self.state
    var line = self.line
    var recordStart = self.recordStart
    var fieldStart = self.fieldStart
    var writeIndex = self.writeIndex
    var skipLineFeed = self.skipLineFeed
    var recordLine = self.recordLine
    var fieldRanges: [Range<Int>] = []
    swap(&fieldRanges, &self.fieldRanges)
    defer {
      position = p
      self.state = state
      self.line = line
      self.recordStart = recordStart
      self.fieldStart = fieldStart
      self.writeIndex = writeIndex
      self.skipLineFeed = skipLineFeed
      self.recordLine = recordLine
      swap(&fieldRanges, &self.fieldRanges)
    }

    // Called with `p` at the CR or LF that ends the record.
    func endRecord(terminator: UInt8) throws {
      line += 1
      skipLineFeed = terminator == carriageReturn
      p += 1
      state = .betweenRecords
      if p - recordStart > Self.maximumRecordBytes { throw recordTooLong(line: recordLine) }
    }

    while p < end {
      switch state {
      case .betweenRecords:
        let byte = bytes[p]
        if byte == lineFeed {
          if skipLineFeed { skipLineFeed = false } else { line += 1 }
          p += 1
        } else if byte == carriageReturn {
          line += 1
          skipLineFeed = true
          p += 1
        } else {
          skipLineFeed = false
          recordStart = p
          recordLine = line
          fieldRanges.removeAll(keepingCapacity: true)
          state = .fieldStart
        }

      case .fieldStart:
        fieldStart = p
        if bytes[p] == quote {
          writeIndex = p
          p += 1
          state = .quoted
        } else {
          state = .unquoted
        }

      case .unquoted:
        var byte: UInt8 = 0
        while p < end {
          byte = bytes[p]
          if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
          p &+= 1
        }
        guard p < end else { break }
        fieldRanges.append((fieldStart - recordStart)..<(p - recordStart))
        if byte == delimiter {
          p += 1
          // Most fields are unquoted: go straight on with the next one.
          if p < end, bytes[p] != quote {
            fieldStart = p
          } else {
            state = .fieldStart
          }
        } else {
          try endRecord(terminator: byte)
          return true
        }

      case .quoted:
        var write = writeIndex
        var closed = false
        while p < end {
          let byte = bytes[p]
          if byte == quote {
            closed = true
            p &+= 1
            break
          }
          if byte <= carriageReturn {
            // Line breaks inside quotes are content, but they are still lines of the file.
            // `bytes[p - 1]` is unchanged: writing trails reading by at least the opening quote.
            if byte == carriageReturn || (byte == lineFeed && bytes[p - 1] != carriageReturn) {
              line += 1
            }
          }
          bytes[write] = byte
          write &+= 1
          p &+= 1
        }
        writeIndex = write
        if closed { state = .quoteInQuoted }

      case .quoteInQuoted:
        let byte = bytes[p]
        if byte == quote {
          bytes[writeIndex] = quote
          writeIndex += 1
          p += 1
          state = .quoted
        } else if byte == delimiter {
          fieldRanges.append((fieldStart - recordStart)..<(writeIndex - recordStart))
          p += 1
          state = .fieldStart
        } else if byte == lineFeed || byte == carriageReturn {
          fieldRanges.append((fieldStart - recordStart)..<(writeIndex - recordStart))
          try endRecord(terminator: byte)
          return true
        } else {
          // `"Smith" Jr,` reads as `Smith Jr`, as in Excel and Python's csv module.
          state = .afterQuoted
        }

      case .afterQuoted:
        var write = writeIndex
        var byte: UInt8 = 0
        while p < end {
          byte = bytes[p]
          if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
          bytes[write] = byte
          write &+= 1
          p &+= 1
        }
        writeIndex = write
        guard p < end else { break }
        fieldRanges.append((fieldStart - recordStart)..<(write - recordStart))
        if byte == delimiter {
          p += 1
          state = .fieldStart
        } else {
          try endRecord(terminator: byte)
          return true
        }
      }
    }
    return false
  }

  /// Completes the record the file ends in, if any; true when there was one.
  private func finishAtEndOfFile() throws -> Bool {
    switch state {
    case .betweenRecords:
      return false
    case .fieldStart:
      fieldRanges.append((end - recordStart)..<(end - recordStart))
    case .unquoted:
      fieldRanges.append((fieldStart - recordStart)..<(end - recordStart))
    case .quoted:
      throw CSVError(
        .unterminatedQuote, file: file, line: recordLine,
        "a quoted field opened on line \(recordLine) is never closed. "
          + "Add the closing \" where the field should end, or remove the stray \".")
    case .quoteInQuoted, .afterQuoted:
      fieldRanges.append((fieldStart - recordStart)..<(writeIndex - recordStart))
    }
    state = .betweenRecords
    if end - recordStart > Self.maximumRecordBytes { throw recordTooLong(line: recordLine) }
    return true
  }

  private func recordTooLong(line: Int) -> CSVError {
    CSVError(
      .fieldTooLong, file: file, line: line,
      "the record starting on line \(line) is longer than \(Self.maximumRecordBytes >> 20) MiB. "
        + "This usually means a quote opened on that line is never closed; check it for a stray \".")
  }

  /// Decodes the fields of the record just completed; its bytes are still in the buffer.
  private func makeRecord() throws -> CSVRecord {
    var fields: [String] = []
    fields.reserveCapacity(fieldRanges.count)
    let base = buffer + recordStart
    switch encoding {
    case .utf8:
      // One check of the whole record spares validating each field when, as usual, it is ASCII.
      let recordBytes = UnsafeBufferPointer(start: base, count: fieldRanges.last?.upperBound ?? 0)
      let isASCII = UTF8Validation.isASCII(recordBytes)
      for (index, range) in fieldRanges.enumerated() {
        let bytes = UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
        if !isASCII, let bad = UTF8Validation.firstInvalidOffset(bytes) {
          throw invalidUTF8(byte: bytes[bad], field: index + 1)
        }
        fields.append(String(decoding: bytes, as: UTF8.self))
      }
    case .windows1251, .latin1:
      let charset: SingleByteCharset = encoding == .windows1251 ? .windows1251 : .windows1252
      for range in fieldRanges {
        let bytes = UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
        fields.append(UTF8Validation.isASCII(bytes) ? String(decoding: bytes, as: UTF8.self) : charset.decode(bytes))
      }
    }
    return CSVRecord(fields: fields, line: recordLine)
  }

  private func invalidUTF8(byte: UInt8, field: Int) -> CSVError {
    let hex = "0x" + String(byte, radix: 16, uppercase: true)
    return CSVError(
      .encoding, file: file, line: recordLine,
      "field \(field) of the record on line \(recordLine) is not valid UTF-8 (byte \(hex)), "
        + "though most of the file is: the file mixes encodings. "
        + "Fix that line, or open the file in Excel and save it as CSV UTF-8.")
  }

  // MARK: - Reading

  /// Reads the next chunk after what is buffered, first moving the bytes still needed to
  /// the front of the buffer so that it stays about two chunks long.
  private func refill() throws {
    let reading = state != .betweenRecords
    if reading, end - recordStart > Self.maximumRecordBytes { throw recordTooLong(line: recordLine) }
    if capacity - end < chunkSize {
      let keep = reading ? recordStart : position
      if keep > 0 {
        memmove(buffer, buffer + keep, end - keep)  // the regions may overlap
        end -= keep
        position -= keep
        recordStart -= keep
        fieldStart -= keep
        writeIndex -= keep
      }
      if capacity - end < chunkSize {
        let grown = max(capacity * 2, end + chunkSize)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.initialize(from: buffer, count: end)
        buffer.deallocate()
        buffer = larger
        capacity = grown
      }
    }
    let count = try Self.read(
      descriptor, into: buffer + end, count: chunkSize, at: fileOffset, file: file, line: reading ? recordLine : line)
    if count == 0 {
      atEndOfFile = true
    } else {
      end += count
      fileOffset += count
    }
  }

  /// `pread`, retried when a signal interrupts it; 0 at the end of the file.
  private static func read(
    _ descriptor: Int32, into destination: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int,
    file: String, line: Int?
  ) throws -> Int {
    while true {
      let result = pread(descriptor, destination, count, off_t(offset))
      if result >= 0 { return result }
      if errno == EINTR { continue }
      throw CSVError(
        .unreadable, file: file, line: line,
        "cannot read the file: \(String(cString: strerror(errno))). Check that it is a readable file.")
    }
  }

  // MARK: - Detection

  private struct Detection {
    var encoding: CSVEncoding
    var byteOrderMarkLength: Int
    var delimiter: UInt8
    var warnings: [String]
  }

  private static func detect(descriptor: Int32, sampleSize: Int, file: String) throws -> Detection {
    var sample = [UInt8](repeating: 0, count: sampleSize)
    var filled = 0
    try sample.withUnsafeMutableBufferPointer { sample in
      while filled < sampleSize {
        let count = try read(
          descriptor, into: sample.baseAddress! + filled, count: sampleSize - filled, at: filled,
          file: file, line: nil)
        if count == 0 { break }
        filled += count
      }
    }
    sample.removeSubrange(filled...)
    let isWholeFile = filled < sampleSize

    func refuse(_ what: String) -> CSVError {
      CSVError(
        .encoding, file: file, line: nil,
        "the file is \(what); Herald reads UTF-8. In Excel choose File › Save As › \"CSV UTF-8 (Comma delimited)\", "
          + "or export the list as UTF-8 from the tool it came from, and import that file.")
    }
    if sample.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || sample.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
      throw refuse("UTF-32 (it starts with a UTF-32 byte order mark)")
    }
    if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) {
      throw refuse("UTF-16 (it starts with a UTF-16 byte order mark)")
    }
    // Text in UTF-16 without a byte order mark has a zero in every other byte;
    // text in any encoding Herald reads has none.
    let head = sample.prefix(512)
    if head.count >= 2, head.count(where: { $0 == 0 }) * 4 >= head.count {
      throw refuse("UTF-16 or binary (a quarter of its first bytes are zero)")
    }

    let byteOrderMarkLength = sample.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    return sample.withUnsafeBufferPointer { sample in
      let text = UnsafeBufferPointer(rebasing: sample[byteOrderMarkLength...])
      let delimiter = detectDelimiter(text)
      let checked = isWholeFile ? text.count : UTF8Validation.lengthWithoutTruncatedEnd(text)
      // A file that is mostly UTF-8 with a few stray bytes (rows pasted in from another
      // export) stays UTF-8: each bad record is then reported with its line, rather than
      // every name in the file turning into mojibake. In text in a code page, by contrast,
      // byte pairs that happen to form UTF-8 are far rarer than bytes that form none.
      let census = UTF8Validation.census(UnsafeBufferPointer(rebasing: text[..<checked]))
      if census.invalid == 0 || census.multiByte > census.invalid {
        return Detection(encoding: .utf8, byteOrderMarkLength: byteOrderMarkLength, delimiter: delimiter, warnings: [])
      }
      let encoding = LegacyEncoding.guess(text)
      let name = encoding == .windows1251 ? "Windows-1251 (Cyrillic)" : "Latin-1 (Windows-1252, Western European)"
      let warning =
        "\(file) is not UTF-8; it was read as \(name). Check the names below, or save the file as CSV UTF-8."
      return Detection(
        encoding: encoding, byteOrderMarkLength: byteOrderMarkLength, delimiter: delimiter, warnings: [warning])
    }
  }

  /// The most frequent of `,`, `;` and tab outside quotes in the first non-empty record;
  /// comma when there is a tie or none.
  private static func detectDelimiter(_ text: UnsafeBufferPointer<UInt8>) -> UInt8 {
    let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
    var counts = [0, 0, 0]
    var inQuotes = false
    var atFieldStart = true
    var justClosed = false
    var started = false
    for byte in text {
      if inQuotes {
        if byte == quote {
          inQuotes = false
          justClosed = true
        }
        continue
      }
      if byte == lineFeed || byte == carriageReturn {
        if started { break }
        continue
      }
      started = true
      if byte == quote, atFieldStart || justClosed {
        inQuotes = true
      } else if let index = candidates.firstIndex(of: byte) {
        counts[index] += 1
        atFieldStart = true
        justClosed = false
        continue
      }
      atFieldStart = false
      justClosed = false
    }
    var best = 0
    for index in 1..<counts.count where counts[index] > counts[best] { best = index }
    return candidates[best]
  }
}

@available(*, unavailable)
extension CSVReader: Sendable {}
