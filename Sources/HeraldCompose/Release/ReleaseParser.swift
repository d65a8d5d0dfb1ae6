import Foundation
import HeraldCore
import HeraldMail
import HeraldYAML

extension Release {
  /// The largest release file accepted. A press release is a few kilobytes; anything near
  /// this is a mistake (a pasted image, a wrong file), and every recipient would get it.
  package static let maximumFileSize = 1_000_000

  /// The keys front matter may contain.
  static let knownKeys: Set<String> = [
    "title", "date", "subject", "dateline", "summary", "lists", "from", "reply_to", "language", "embargo", "publish", "attach",
  ]

  /// Reads a release file.
  /// - Parameter path: The file, as the user named it (messages repeat it).
  /// - Throws: `ComposeError` `.release` naming the file and line of every problem found.
  package init(contentsOf path: String) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ComposeError(.release, file: path, "cannot be read: \((error as NSError).localizedDescription); check the path")
    }
    try self.init(data: data, file: path)
  }

  /// Reads a release from its bytes.
  package init(data: Data, file: String) throws {
    guard data.count <= Release.maximumFileSize else {
      throw ComposeError(.release, file: file,
        "is \(data.count.formatted(.byteCount(style: .file))); the limit is \(Release.maximumFileSize.formatted(.byteCount(style: .file))). Link to large documents instead of pasting them in")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      let line = Release.lineOfFirstInvalidUTF8(data)
      throw ComposeError(.release, file: file, line: line,
        "is not valid UTF-8 text; save it as UTF-8 in your editor (the first bad byte is on this line)")
    }
    try self.init(text: text, file: file)
  }

  /// Reads a release from its text.
  package init(text rawText: String, file: String) throws {
    var text = rawText.replacingOccurrences(of: "\r\n", with: "\n")
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) == "---" else {
      throw ComposeError(.release, file: file, line: 1,
        "has no front matter: start the file with a line “---”, then “title: …” and “date: YYYY-MM-DD”, then “---”")
    }
    guard let closing = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
      throw ComposeError(.release, file: file, line: 1,
        "the front matter is not closed: add a line “---” after the last “key: value” line")
    }
    let frontMatter = lines[1..<closing].joined(separator: "\n")
    let yaml: YAMLMapping
    do {
      yaml = try YAMLMapping(yaml: frontMatter, file: file, firstLine: 2, known: Release.knownKeys)
    } catch let error as YAMLError {
      throw ComposeError(.release, error.diagnostics)
    }

    func mailbox(_ key: String) throws -> Mailbox? {
      guard let value = try yaml.string(key) else { return nil }
      do { return try Mailbox(parsing: value) } catch let error as MailError {
        throw yaml.error(key, "is not a valid address: \(error.message)")
      }
    }
    func singleLine(_ key: String) throws -> String? {
      let value = try yaml.string(key)
      if value?.contains(where: \.isNewline) == true { throw yaml.error(key, "must be a single line") }
      return value
    }
    var problems = yaml.keyProblems
    let title = yaml.collect(&problems) { () throws -> String in
      let title = try yaml.requiredString("title", hint: "\"The headline of the release\"")
      _ = try singleLine("title")
      return title
    }
    let date = yaml.collect(&problems) { () throws -> ReleaseDate in
      let text = try yaml.requiredString("date", hint: "2020-03-31")
      guard let date = ReleaseDate(text) else {
        throw yaml.error("date", "“\(text)” is not a date; write it as YYYY-MM-DD, e.g. 2020-03-31")
      }
      return date
    }
    let subject = yaml.collect(&problems) { try singleLine("subject") } ?? nil
    let dateline = yaml.collect(&problems) { try yaml.string("dateline") } ?? nil
    let summary = yaml.collect(&problems) { try yaml.string("summary") } ?? nil
    let lists = yaml.collect(&problems) { try yaml.strings("lists") } ?? nil
    let from = yaml.collect(&problems) { try mailbox("from") } ?? nil
    let replyTo = yaml.collect(&problems) { try mailbox("reply_to") } ?? nil
    let language = yaml.collect(&problems) { try yaml.string("language") } ?? nil
    let embargo = yaml.collect(&problems) { () throws -> EmbargoTime? in
      guard let text = try yaml.string("embargo") else { return nil }
      guard let instant = EmbargoTime(parsing: text) else {
        throw yaml.error("embargo", "“\(text)” is not a date and time with a zone; write it like 2020-03-31T10:00:00+03:00")
      }
      return instant
    } ?? nil
    let publish = yaml.collect(&problems) { try yaml.bool("publish") } ?? nil
    // A translation's file name and its front matter must say the same language: the file
    // name groups it with its family, the front matter says what readers get.
    if let tag = Release.fileLanguage(file) {
      if let language, LanguageTag.primary(language) != tag {
        problems.append(Diagnostic(.error, file: file, line: yaml.line("language"),
          "“language: \(language)” disagrees with the file name, which ends in “.\(tag).md”; write “language: \(tag)”, or rename the file to end in “.\(LanguageTag.primary(language)).md”"))
      } else if language == nil {
        problems.append(Diagnostic(.error, file: file, line: yaml.line("language"),
          "the file name ends in “.\(tag).md”, a translation into \(LanguageTag.autonym(tag)), but the front matter has no language; add “language: \(tag)”"))
      }
    }
    let attach = yaml.collect(&problems) { try yaml.strings("attach") } ?? nil
    guard problems.isEmpty, let title, let date else {
      throw ComposeError(.release, problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }
    self.file = file
    self.title = title
    self.date = date
    self.subject = subject ?? title
    self.dateline = dateline
    self.summary = summary
    self.lists = lists ?? []
    self.from = from
    self.replyTo = replyTo
    self.language = language
    self.embargoTime = embargo
    self.publish = publish
    self.attach = attach ?? []
    self.frontMatterLines = Dictionary(uniqueKeysWithValues: Release.knownKeys.map { ($0, yaml.line($0)) })
    lines.removeSubrange(0...closing)
    self.body = lines.joined(separator: "\n")
    self.bodyFirstLine = closing + 2
  }

  /// Parses an ISO 8601 instant with a zone offset or Z.
  package static func parseInstant(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }

  /// The 1-based line holding the first byte that is not valid UTF-8.
  static func lineOfFirstInvalidUTF8(_ data: Data) -> Int {
    let bytes = [UInt8](data)
    var line = 1
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      let length: Int
      switch byte {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return line
      }
      guard index + length <= bytes.count,
        String(validating: bytes[index..<index + length], as: UTF8.self) != nil
      else { return line }
      if byte == 0x0A { line += 1 }
      index += length
    }
    return line
  }
}
