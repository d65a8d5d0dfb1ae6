import Foundation
import HeraldMail

extension Classifier {
  /// An Amazon SES notification that came by email: the JSON that SES publishes to an SNS
  /// topic (its "Amazon SNS notification contents": `notificationType` Bounce, Complaint or
  /// Delivery; or event publishing's `eventType`, with DeliveryDelay too), mailed by an SNS
  /// email subscription, either bare (protocol "email", then SNS's footer after "--") or
  /// inside SNS's envelope (protocol "email-json", the notification in its `Message`).
  ///
  /// A bounce names each of `bouncedRecipients` with its action, status and diagnostic when
  /// SES had them, permanent as `bounceType` says (Transient and Undetermined are not); a
  /// complaint names `complainedRecipients`; a delivery is nothing to act on. The original
  /// Message-ID is the one in `mail.commonHeaders` (or `mail.headers`), as we sent it.
  ///
  /// Only a text whose first character is "{" is parsed, so other mail costs one byte.
  static func amazonSESNotification(_ parts: MessageParts) -> Classification? {
    guard let plain = parts.plain, let first = parts.text.first(where: { !ByteText.isSpace($0) }), first == UInt8(ascii: "{") else {
      return nil
    }
    let body = plain.body.count <= sesLimit ? plain.body : Array(plain.body.prefix(sesLimit))
    guard ByteText.find(notificationKey, in: body) != nil || ByteText.find(eventKey, in: body) != nil,
      var object = jsonObject(in: body)
    else { return nil }
    // SNS's envelope ("Type": "Notification"): the notification is the string in Message.
    if object["notificationType"] == nil && object["eventType"] == nil, let inner = object["Message"] as? String,
      let decoded = jsonObject(in: Array(inner.utf8))
    {
      object = decoded
    }
    guard let type = (object["notificationType"] ?? object["eventType"]) as? String else { return nil }
    let mail = object["mail"] as? [String: Any]
    let originalMessageID = sesMessageID(mail)
    switch type {
    case "Bounce":
      let bounce = object["bounce"] as? [String: Any] ?? [:]
      let bounceType = bounce["bounceType"] as? String ?? "Undetermined"
      let subType = bounce["bounceSubType"] as? String
      let recipients = (bounce["bouncedRecipients"] as? [[String: Any]] ?? []).compactMap { entry -> BounceRecipient? in
        guard let address = sesAddress(entry["emailAddress"]) else { return nil }
        let diagnostic = (entry["diagnosticCode"] as? String).map(ReportFields.untyped).flatMap { $0.isEmpty ? nil : $0 }
        let status = (entry["status"] as? String).flatMap { EnhancedStatusCode($0) } ?? diagnostic.flatMap { ByteText.enhancedCode(in: $0) }
        let action = (entry["action"] as? String).flatMap { DeliveryAction(rawValue: $0.lowercased()) } ?? .failed
        return BounceRecipient(
          address: address, action: action, status: status, diagnostic: diagnostic ?? subType.map { "\(bounceType) bounce: \($0)" },
          declaredPermanent: bounceType == "Permanent")
      }
      let reportingMTA = (bounce["reportingMTA"] as? String).flatMap(ReportFields.host)
      let report = BounceReport(format: "Amazon SES", recipients: recipients, originalMessageID: originalMessageID, reportingMTA: reportingMTA)
      let kind = "an Amazon SES bounce notification (\(bounceType)\(subType.map { "/\($0)" } ?? ""))"
      let reason = recipients.isEmpty ? "\(kind) whose recipients could not be read" : kind
      return Classification(kind: .bounce, reason: reason, bounce: report)
    case "DeliveryDelay":
      let delay = object["deliveryDelay"] as? [String: Any] ?? [:]
      let recipients = (delay["delayedRecipients"] as? [[String: Any]] ?? []).compactMap { entry -> BounceRecipient? in
        guard let address = sesAddress(entry["emailAddress"]) else { return nil }
        let diagnostic = (entry["diagnosticCode"] as? String).map(ReportFields.untyped)
        let status = (entry["status"] as? String).flatMap { EnhancedStatusCode($0) }
        return BounceRecipient(address: address, action: .delayed, status: status, diagnostic: diagnostic)
      }
      let report = BounceReport(format: "Amazon SES", recipients: recipients, originalMessageID: originalMessageID)
      return Classification(kind: .bounce, reason: "an Amazon SES delivery delay notification", bounce: report)
    case "Complaint":
      let complaint = object["complaint"] as? [String: Any] ?? [:]
      let recipients = (complaint["complainedRecipients"] as? [[String: Any]] ?? []).compactMap { sesAddress($0["emailAddress"]) }
      let feedbackType = (complaint["complaintFeedbackType"] as? String)?.lowercased() ?? "unknown"
      let report = ComplaintReport(
        feedbackType: feedbackType, recipients: recipients, originalMessageID: originalMessageID,
        userAgent: complaint["userAgent"] as? String)
      return Classification(kind: .complaint, reason: "an Amazon SES complaint notification (\(feedbackType))", complaint: report)
    case "Delivery":
      return Classification(kind: .autoReply, reason: "an Amazon SES delivery notification: delivered, nothing to act on")
    default:
      return nil
    }
  }

  /// How much of a notification is read: SES truncates the headers it copies long before.
  private static let sesLimit = 1 << 20
  // Without quotes: inside SNS's envelope they are escaped (\"notificationType\").
  private static let notificationKey = Array("notificationType".utf8)
  private static let eventKey = Array("eventType".utf8)

  /// The JSON object that starts at the first "{" of `bytes` and ends at its matching "}"
  /// (whatever follows it, such as SNS's footer, is left out).
  static func jsonObject(in bytes: [UInt8]) -> [String: Any]? {
    guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
    var depth = 0
    var inString = false
    var escaped = false
    var end: Int?
    for index in start..<bytes.count {
      let byte = bytes[index]
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: "}"):
        depth -= 1
        if depth == 0 { end = index + 1 }
      default: break
      }
      if end != nil { break }
    }
    guard let end else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(bytes[start..<end]))) as? [String: Any]
  }

  /// A recipient of a notification, lowercased: "x@example.com", or with a name or type
  /// around it ("Name <x@example.com>", "rfc822; x@example.com").
  private static func sesAddress(_ value: Any?) -> String? {
    guard let text = value as? String else { return nil }
    if let address = ReportFields.address(text) { return address }
    return (try? Mailbox(parsing: text)).map { $0.address.lowercased() }
  }

  /// The Message-ID of the message a notification is about, as we wrote it: SES's own
  /// `mail.messageId` is not it.
  private static func sesMessageID(_ mail: [String: Any]?) -> String? {
    if let common = mail?["commonHeaders"] as? [String: Any], let id = common["messageId"] as? String,
      let parsed = ReportFields.messageID(id)
    {
      return parsed
    }
    for header in mail?["headers"] as? [[String: Any]] ?? [] {
      guard let name = header["name"] as? String, name.lowercased() == "message-id", let value = header["value"] as? String else { continue }
      return ReportFields.messageID(value)
    }
    return nil
  }
}
