import HeraldCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// The spool file format, version 1:
//
//   HERALD-OUTBOX 1
//   Id: 01JH5Q8X3Z0000000000000000
//   Campaign: 2025-spring-launch
//   Sender: bounces@example.org
//   Recipient: ada@example.com
//   Subscriber: 42                  (optional)
//   List: press                     (optional)
//   Language: ru                    (optional: the translation it is in)
//   Created: 2025-03-01T09:00:00.000Z
//   Next-Attempt: 2025-03-01T09:05:00.000Z
//   Attempt: 2025-03-01T09:00:01.250Z deferred 451 4.7.1 Try later   (one per attempt)
//   Size: 12345
//   (empty line)
//   exactly Size bytes of message, CRLF line ends
//   Attempt: 2025-03-01T09:05:01.100Z deferred 421 4.4.2 Timeout     (the trailer: results
//   Next-Attempt: 2025-03-01T09:10:01.100Z                             appended after sending)
//
// Header and trailer lines end in LF. Values are UTF-8 with "%", control characters and DEL
// written as %XX, so no value can add a line. Unknown keys are ignored, so version 1 can
// grow. The trailer holds the attempts made since the file was written, each appended in
// one write(2) so that recording a result never rewrites the message; a Next-Attempt
// there replaces the header's. A last line without its LF (a write cut short) is ignored.
extension OutboxMessage {
  /// The first line of every spool file.
  static let fileMagic = Array("HERALD-OUTBOX 1\n".utf8)

  /// The header of the spool file, up to and including the empty line.
  func encodedHeader() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256 + attempts.count * 64)
    out.append(contentsOf: Self.fileMagic)
    func line(_ key: String, _ value: String) {
      out.append(contentsOf: key.utf8)
      out.append(UInt8(ascii: ":"))
      out.append(UInt8(ascii: " "))
      SpoolText.escape(value, into: &out)
      out.append(UInt8(ascii: "\n"))
    }
    line("Id", id)
    line("Campaign", campaign.rawValue)
    line("Sender", sender)
    line("Recipient", recipient)
    if let subscriber { line("Subscriber", subscriber.description) }
    if let list { line("List", list) }
    if let language { line("Language", language) }
    line("Created", SpoolText.format(created))
    line("Next-Attempt", SpoolText.format(nextAttempt))
    for attempt in attempts {
      line("Attempt", "\(SpoolText.format(attempt.at)) \(attempt.outcome.rawValue) \(attempt.reply)")
    }
    line("Size", String(bytes.count))
    out.append(UInt8(ascii: "\n"))
    return out
  }

  /// The trailer lines that record `attempt` (and the next attempt, for a deferral).
  static func encodedTrailer(_ attempt: Attempt, nextAttempt: Date?) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(160)
    out.append(contentsOf: "Attempt: ".utf8)
    SpoolText.escape("\(SpoolText.format(attempt.at)) \(attempt.outcome.rawValue) \(attempt.reply)", into: &out)
    out.append(UInt8(ascii: "\n"))
    if let nextAttempt {
      out.append(contentsOf: "Next-Attempt: \(SpoolText.format(nextAttempt))\n".utf8)
    }
    return out
  }

  /// The whole spool file: header and message bytes.
  func encodedFile() -> [UInt8] {
    encodedHeader() + bytes
  }

  /// The result of reading a header: the message without its bytes, where the bytes start
  /// and how many there are.
  struct ParsedHeader {
    var message: OutboxMessage
    var bodyOffset: Int
    var size: Int
  }

  /// Reads a whole spool file.
  /// - Throws: `DeliveryError` `.corrupt` naming `file` if it is not a complete spool file.
  static func decodeFile(_ data: [UInt8], file: @autoclosure () -> String) throws -> OutboxMessage {
    guard let header = try decodeHeader(data, file: file()) else {
      throw DeliveryError(.corrupt, "\(file()): the header has no end (the file is truncated or not an Outbox file); move it out of the Outbox and look at it")
    }
    let available = data.count - header.bodyOffset
    guard available >= header.size else {
      throw DeliveryError(.corrupt, "\(file()): the header says Size: \(header.size) but only \(available) bytes follow it (the file is truncated); move it out of the Outbox and look at it")
    }
    var message = header.message
    let bodyEnd = header.bodyOffset + header.size
    message.bytes = Array(data[header.bodyOffset..<bodyEnd])
    try decodeTrailer(data[bodyEnd...], into: &message, file: file())
    return message
  }

  /// Reads the attempts appended after the message.
  private static func decodeTrailer(_ data: ArraySlice<UInt8>, into message: inout OutboxMessage, file: @autoclosure () -> String) throws {
    var start = data.startIndex
    // A last line without LF is a write cut short: it never happened.
    while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
      let line = data[start..<end]
      start = end + 1
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon + 1 < end, data[colon + 1] == UInt8(ascii: " "),
            let value = SpoolText.unescape(data[(colon + 2)..<end])
      else {
        throw DeliveryError(.corrupt, "\(file()): the line “\(String(decoding: line.prefix(80), as: UTF8.self))” after the message is not “Attempt: …” or “Next-Attempt: …”; move the file out of the Outbox and look at it")
      }
      switch String(decoding: data[line.startIndex..<colon], as: UTF8.self) {
      case "Attempt":
        guard let attempt = parseAttempt(value) else {
          throw DeliveryError(.corrupt, "\(file()): “Attempt: \(value.prefix(80))” is not “TIME OUTCOME REPLY”; move the file out of the Outbox and look at it")
        }
        message.attempts.append(attempt)
      case "Next-Attempt":
        guard let date = SpoolText.parseDate(value) else {
          throw DeliveryError(.corrupt, "\(file()): “Next-Attempt: \(value.prefix(80))” is not a time like 2025-03-01T09:00:00.000Z; move the file out of the Outbox and look at it")
        }
        message.nextAttempt = date
      default:
        continue  // a key a later version added
      }
    }
  }

  /// Reads the header at the start of `data`.
  /// - Returns: nil if `data` ends before the header does (read more and try again).
  /// - Throws: `DeliveryError` `.corrupt` naming `file` for anything that is not a valid header.
  static func decodeHeader(_ data: [UInt8], file: @autoclosure () -> String) throws -> ParsedHeader? {
    func corrupt(_ why: String) -> DeliveryError {
      DeliveryError(.corrupt, "\(file()): \(why); it is not a valid Outbox file (version 1). Move it out of the Outbox and look at it")
    }
    // The magic line first, so that a file of another kind is named as such.
    let magicPrefix = Array("HERALD-OUTBOX ".utf8)
    let checked = min(data.count, magicPrefix.count)
    guard data[0..<checked].elementsEqual(magicPrefix[0..<checked]) else {
      throw corrupt("it does not start with “HERALD-OUTBOX 1”")
    }
    guard let firstEnd = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
    guard data[0...firstEnd].elementsEqual(fileMagic) else {
      let version = String(decoding: data[magicPrefix.count..<firstEnd], as: UTF8.self)
      throw corrupt("its format version is “\(version)”, this Herald reads version 1")
    }

    // The known keys, each at most once; unknown keys are skipped (a later version's). No
    // dictionary and no key strings: this runs for every message claimed.
    var fields = [String?](repeating: nil, count: HeaderKey.allCases.count)
    var attempts: [Attempt] = []
    var start = firstEnd + 1
    while true {
      guard let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      if end == start { start = end + 1; break }  // the empty line: the header ends
      let lineBytes = data[start..<end]
      guard let colon = lineBytes.firstIndex(of: UInt8(ascii: ":")),
            colon + 1 < end, data[colon + 1] == UInt8(ascii: " ")
      else {
        throw corrupt("header line “\(String(decoding: lineBytes.prefix(80), as: UTF8.self))” is not “Key: value”")
      }
      let keyBytes = data[start..<colon]
      let key = HeaderKey.allCases.first { $0.bytes.elementsEqual(keyBytes) }
      guard key != nil || keyBytes.elementsEqual(Self.attemptKey) else {
        start = end + 1
        continue
      }
      guard let value = SpoolText.unescape(data[(colon + 2)..<end]) else {
        throw corrupt("the \(String(decoding: keyBytes, as: UTF8.self)) value has a bad %-escape")
      }
      if let key {
        guard fields[key.rawValue] == nil else { throw corrupt("\(key.name) appears twice") }
        fields[key.rawValue] = value
      } else {
        guard let attempt = parseAttempt(value) else {
          throw corrupt("“Attempt: \(value.prefix(80))” is not “TIME OUTCOME REPLY”")
        }
        attempts.append(attempt)
      }
      start = end + 1
    }

    func required(_ key: HeaderKey) throws -> String {
      guard let value = fields[key.rawValue] else { throw corrupt("the header has no \(key.name)") }
      return value
    }
    func date(_ key: HeaderKey) throws -> Date {
      let text = try required(key)
      guard let date = SpoolText.parseDate(text) else { throw corrupt("\(key.name) “\(text)” is not a time like 2025-03-01T09:00:00.000Z") }
      return date
    }
    let id = try required(.id)
    guard OutboxMessage.isValidID(id) else { throw corrupt("Id “\(id)” is not a valid id") }
    let sizeText = try required(.size)
    guard let size = Int(sizeText), size >= 0 else { throw corrupt("Size “\(sizeText)” is not a byte count") }
    let campaignText = try required(.campaign)
    guard let campaign = CampaignID(campaignText) else { throw corrupt("Campaign “\(campaignText)” is not a campaign name") }
    let message = OutboxMessage(
      id: id, campaign: campaign, sender: try required(.sender),
      recipient: try required(.recipient), subscriber: fields[HeaderKey.subscriber.rawValue].flatMap(SubscriberID.init),
      list: fields[HeaderKey.list.rawValue], language: fields[HeaderKey.language.rawValue], created: try date(.created), attempts: attempts, nextAttempt: try date(.nextAttempt), bytes: [])
    return ParsedHeader(message: message, bodyOffset: start, size: size)
  }

  /// The header's keys, but Attempt (which may repeat).
  private enum HeaderKey: Int, CaseIterable {
    case id, campaign, sender, recipient, subscriber, list, created, nextAttempt, size, language

    var name: String {
      switch self {
      case .id: "Id"
      case .campaign: "Campaign"
      case .sender: "Sender"
      case .recipient: "Recipient"
      case .subscriber: "Subscriber"
      case .list: "List"
      case .created: "Created"
      case .nextAttempt: "Next-Attempt"
      case .size: "Size"
      case .language: "Language"
      }
    }

    var bytes: String.UTF8View { name.utf8 }
  }

  private static let attemptKey = Array("Attempt".utf8)

  private static func parseAttempt(_ value: String) -> Attempt? {
    let parts = value.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2, let at = SpoolText.parseDate(String(parts[0])),
          let outcome = DeliveryOutcome(rawValue: String(parts[1]))
    else { return nil }
    return Attempt(at: at, reply: parts.count == 3 ? String(parts[2]) : "", outcome: outcome)
  }
}

/// Escaping and times for spool headers.
enum SpoolText {
  private static let hex = Array("0123456789ABCDEF".utf8)

  /// Appends `value` with "%", control characters and DEL as %XX.
  static func escape(_ value: String, into out: inout [UInt8]) {
    for byte in value.utf8 {
      if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") {
        out.append(UInt8(ascii: "%"))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 15)])
      } else {
        out.append(byte)
      }
    }
  }

  /// Undoes `escape`; nil for a bad escape.
  static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
    guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let byte = bytes[i]
      if byte == UInt8(ascii: "%") {
        guard i + 2 < bytes.endIndex,
              let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
        else { return nil }
        out.append(high << 4 | low)
        i += 3
      } else {
        out.append(byte)
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
  }

  /// "2025-03-01T09:00:00.000Z": UTC, to the millisecond.
  static func format(_ date: Date) -> String {
    let ms = date.millisecondsSince1970
    var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
    let millis = Int(ms - Int64(seconds) * 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    var out: [UInt8] = []
    out.reserveCapacity(24)
    func digits(_ value: Int, _ count: Int) {
      var divisor = 1
      for _ in 1..<count { divisor *= 10 }
      var v = value
      for _ in 0..<count {
        out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
        v %= divisor
        divisor /= 10
        if divisor == 0 { divisor = 1 }
      }
    }
    digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
    digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
    digits(millis, 3); out.append(UInt8(ascii: "Z"))
    return String(decoding: out, as: UTF8.self)
  }

  /// Parses what `format` writes; nil for anything else.
  static func parseDate(_ text: String) -> Date? {
    let b = Array(text.utf8)
    guard b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
          b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."),
          b[23] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for i in range {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
        value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
          let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
          let millis = number(20..<23), (1...12).contains(month), (1...31).contains(day),
          hour < 24, minute < 60, second < 61
    else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    let seconds = Int64(timegm(&parts))
    return Date(timeIntervalSince1970: Double(seconds * 1000 + Int64(millis)) / 1000)
  }
}
