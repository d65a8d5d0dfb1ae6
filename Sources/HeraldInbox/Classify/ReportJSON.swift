import HeraldMail

/// The JSON of a bounce or complaint report as the inbox stores it (`InboundRecord.details`):
/// what `JSONEncoder` with sorted keys writes for them, and what `JSONDecoder` reads back,
/// written by hand because the inbox writes one for every bounce and Foundation's encoder
/// took a twentieth of an import's time.
struct ReportJSON {
  private var text = ""

  /// A bounce report.
  static func encode(_ report: BounceReport) -> String {
    var json = ReportJSON()
    json.object { json in
      json.field("format", report.format)
      json.field("originalMessageID", report.originalMessageID)
      json.key("recipients")
      json.text += "["
      for (index, recipient) in report.recipients.enumerated() {
        if index > 0 { json.text += "," }
        json.object { json in
          json.field("action", recipient.action.rawValue)
          json.field("address", recipient.address)
          json.field("blamesSender", recipient.blamesSender)
          json.field("declaredPermanent", recipient.declaredPermanent)
          json.field("diagnostic", recipient.diagnostic)
          json.field("remoteMTA", recipient.remoteMTA)
          json.field("status", recipient.status?.description)
        }
      }
      json.text += "]"
      json.field("reportingMTA", report.reportingMTA)
    }
    return json.text
  }

  /// A complaint report.
  static func encode(_ report: ComplaintReport) -> String {
    var json = ReportJSON()
    json.object { json in
      json.field("feedbackType", report.feedbackType)
      json.field("originalMessageID", report.originalMessageID)
      json.field("recipient", report.recipient)
      json.key("recipients")
      json.text += "["
      for (index, recipient) in report.recipients.enumerated() {
        if index > 0 { json.text += "," }
        json.string(recipient)
      }
      json.text += "]"
      json.field("userAgent", report.userAgent)
    }
    return json.text
  }

  private var needsComma = false

  private mutating func object(_ body: (inout ReportJSON) -> Void) {
    text += "{"
    let outer = needsComma
    needsComma = false
    body(&self)
    needsComma = outer
    text += "}"
  }

  private mutating func key(_ name: String) {
    if needsComma { text += "," }
    needsComma = true
    string(name)
    text += ":"
  }

  /// A field, left out when nil (as `encodeIfPresent` leaves it out).
  private mutating func field(_ name: String, _ value: String?) {
    guard let value else { return }
    key(name)
    string(value)
  }

  private mutating func field(_ name: String, _ value: Bool?) {
    guard let value else { return }
    key(name)
    text += value ? "true" : "false"
  }

  /// A JSON string: quotes, backslashes, slashes (as JSONEncoder writes them) and control
  /// characters escaped; the rest as it is.
  private mutating func string(_ value: String) {
    text += "\""
    var plain = value.utf8.startIndex
    for index in value.utf8.indices {
      let byte = value.utf8[index]
      let escape: String?
      switch byte {
      case UInt8(ascii: "\""): escape = "\\\""
      case UInt8(ascii: "\\"): escape = "\\\\"
      case UInt8(ascii: "/"): escape = "\\/"
      case 0x0A: escape = "\\n"
      case 0x0D: escape = "\\r"
      case 0x09: escape = "\\t"
      case 0x08: escape = "\\b"
      case 0x0C: escape = "\\f"
      case 0x00..<0x20: escape = "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
      default: escape = nil
      }
      guard let escape else { continue }
      text += value[plain..<index]
      text += escape
      plain = value.utf8.index(after: index)
    }
    text += value[plain...]
    text += "\""
  }
}
