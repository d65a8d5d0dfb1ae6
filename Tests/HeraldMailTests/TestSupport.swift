import HeraldMail
import HeraldTesting

/// Small helpers shared by the HeraldMail tests.
enum Bytes {
  /// The lines of `bytes` split at CRLF; a final CRLF does not make an empty last line.
  static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
        lines.append(current)
        current = []
        index += 2
      } else {
        current.append(bytes[index])
        index += 1
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }

  /// The lines of `bytes` as strings.
  static func textLines(_ bytes: [UInt8]) -> [String] {
    lines(bytes).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The header block of a message: its lines up to the first empty one.
  static func headerLines(_ message: [UInt8]) -> [String] {
    Array(textLines(message).prefix { !$0.isEmpty })
  }

  /// Whether every CR is followed by LF and every LF preceded by CR.
  static func hasOnlyCRLF(_ bytes: [UInt8]) -> Bool {
    for (index, byte) in bytes.enumerated() {
      if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { return false }
      if byte == 0x0D, index + 1 == bytes.count || bytes[index + 1] != 0x0A { return false }
    }
    return true
  }

  /// Text with every line break (LF or CRLF) written as CRLF; a lone CR is kept.
  static func crlf(_ text: String) -> [UInt8] {
    var output: [UInt8] = []
    let input = Array(text.utf8)
    for (index, byte) in input.enumerated() {
      if byte == 0x0A && (index == 0 || input[index - 1] != 0x0D) { output.append(0x0D) }
      output.append(byte)
    }
    return output
  }
}

/// Encoded-words (`=?charset?enc?text?=`) in header text.
func encodedWords(in text: String) -> [String] {
  var words: [String] = []
  var rest = Substring(text)
  while let start = rest.range(of: "=?") {
    // charset ? encoding ? text ?=
    let afterStart = rest[start.upperBound...]
    guard let q1 = afterStart.firstIndex(of: "?"),
      let q2 = afterStart[afterStart.index(after: q1)...].firstIndex(of: "?"),
      let end = afterStart[afterStart.index(after: q2)...].range(of: "?=")
    else { break }
    words.append(String(rest[start.lowerBound..<end.upperBound]))
    rest = rest[end.upperBound...]
  }
  return words
}

/// A one-part message with `header` and a short body, as Herald writes it.
func messageBytes(_ configure: (inout MessageHeader) -> Void) -> [UInt8] {
  var header = MessageHeader()
  configure(&header)
  return Message(header: header, body: .text(subtype: "plain", content: Array("Body.\n".utf8))).encoded()
}

/// The value Python decodes from a Subject written by HeaderEncoder.
func pythonSubject(of subject: String) throws -> (value: String?, defects: [String], bytes: [UInt8]) {
  let bytes = messageBytes { header in
    header.append("From", .mailboxes([Mailbox(address: "press@example.org")]))
    header.append("Subject", .text(subject))
  }
  let inspected = try inspectMessage(bytes)
  return (inspected.header("Subject").first, inspected.defects, bytes)
}
