import HeraldMail

extension Classifier {
  /// How much of a notice's text is read: the recipients and the reply come first, the
  /// returned message after them.
  static let noticeLimit = 16_384

  /// Subjects of bounces, lowercased, as they start.
  static let bounceSubjects = ByteText.patterns([
    "undelivered mail", "undeliverable", "delivery status notification", "mail delivery failed", "mail delivery failure",
    "returned mail", "failure notice", "delivery failure", "delivery failed", "delayed mail", "non-delivery",
    "nondeliverable", "mail system error", "warning: could not send message",
  ])

  /// Microsoft's "Undeliverable:" in the languages of Exchange and Outlook, lowercased.
  static let microsoftBounceSubjects = ByteText.patterns([
    "undeliverable:", "unzustellbar:", "non remis :", "non remis:", "onbestelbaar:", "no se puede entregar:",
    "non recapitabile:", "não é possível entregar:", "olevererbart:", "nie można dostarczyć:", "не доставлено:",
    "kan ikke leveres:", "ikke levert:", "toimitus epäonnistui:", "nedoručitelné:",
  ])

  private static let mailDelivery = Array("mail delivery".utf8)

  /// A bounce, if it is one: a delivery status report, else a mail system's notice in words.
  static func bounce(
    _ fields: HeaderSummary, parts: MessageParts, fromAddress: String?, fromName: String?, subject: [UInt8],
    context: ClassifierContext
  ) -> Classification? {
    let microsoft = fields.exchangeNDR || microsoftBounceSubjects.contains { ByteText.hasPrefix(subject, $0) }

    if let statusPart = parts.deliveryStatus {
      let report = ReportFields(statusPart.body)
      let recipients = report.recipientGroups.compactMap(recipient)
      if !recipients.isEmpty {
        let reportingMTA = report.first("reporting-mta").flatMap(ReportFields.host)
        let isGlobal = statusPart.contentType.subtype == "global-delivery-status"
        let format =
          vendor(fromAddress: fromAddress, reportingMTA: reportingMTA, microsoft: microsoft)
          ?? (isGlobal ? "RFC 6533" : "RFC 3464")
        let bounce = BounceReport(
          format: format, recipients: recipients,
          originalMessageID: originalMessageID(parts, fields: report), reportingMTA: reportingMTA)
        let kind = isGlobal ? "an RFC 6533 delivery status notification" : "an RFC 3464 delivery status notification"
        let reason = format.hasPrefix("RFC") ? kind : "\(kind) (\(format))"
        return Classification(kind: .bounce, reason: reason, bounce: bounce)
      }
    }

    // A notice in words. Look only where a mail system may have written it: how strongly
    // the header says so decides how much the text must show.
    let failedRecipients = fields.failedRecipients.flatMap { value in
      value.split(separator: ",").compactMap { TextBounceNotice.standaloneAddress($0) }
    }
    let local = fromAddress.map { $0.prefix { $0 != "@" } } ?? ""
    let isDaemon =
      local == "mailer-daemon" || local == "mail-daemon"
      || (fromName.map { ByteText.find(mailDelivery, in: Array($0.utf8), ignoringCase: true) != nil } ?? false)
    let strong = !failedRecipients.isEmpty || isDaemon || parts.deliveryStatus != nil
    // postmaster@ also writes by hand; a bounce subject may be a person's forward.
    let medium = local == "postmaster" || microsoft || bounceSubjects.contains { ByteText.hasPrefix(subject, $0) }
    // Automatic replies come from <> too.
    let weak = fields.returnPath.map { ByteText.trimmed(Substring($0)) == "<>" } ?? false
    guard strong || medium || weak else { return nil }

    var excluded = Set(context.ownAddresses)
    if let fromAddress { excluded.insert(fromAddress) }
    let notice = TextBounceNotice(
      text: parts.noticeText, failedRecipients: failedRecipients, excluded: excluded, microsoft: microsoft)
    let isKnownFormat = notice.format != "text"
    let found = !notice.recipients.isEmpty
    guard strong || (medium && (notice.hasMarker || found)) || (weak && isKnownFormat && found) else { return nil }

    let format = isKnownFormat ? notice.format : vendor(fromAddress: fromAddress, reportingMTA: nil, microsoft: microsoft) ?? "text"
    let report = BounceReport(
      format: format, recipients: notice.recipients, originalMessageID: originalMessageID(parts, fields: nil),
      reportingMTA: fromAddress.flatMap(domain))
    let reason: String
    if !found {
      reason = "a notice from a mail system whose recipients could not be read"
    } else if format == "text" {
      reason = "a delivery notice in words"
    } else {
      reason = "a delivery notice in \(format)'s words"
    }
    return Classification(kind: .bounce, reason: reason, bounce: report)
  }

  /// The domain of an address.
  static func domain(_ address: String) -> String? {
    guard let at = address.lastIndex(of: "@") else { return nil }
    let domain = address[address.index(after: at)...]
    return domain.isEmpty ? nil : String(domain)
  }

  /// One recipient of a delivery status report: its address (Original-Recipient, the one
  /// we sent to, else Final-Recipient), action, status, diagnostic and remote server.
  private static func recipient(_ group: ReportFields.Group) -> BounceRecipient? {
    guard
      let address = group["original-recipient"].flatMap(ReportFields.address)
        ?? group["final-recipient"].flatMap(ReportFields.address)
    else { return nil }
    let diagnostic = group["diagnostic-code"].map(ReportFields.untyped).flatMap { $0.isEmpty ? nil : $0 }
    let status = group["status"].flatMap { value in EnhancedStatusCode(value.prefix { $0 != " " && $0 != "\t" && $0 != "(" }) }
      ?? diagnostic.flatMap { ByteText.enhancedCode(in: $0) }
    let written = group["action"].flatMap { value in DeliveryAction(rawValue: value.prefix { $0 != " " && $0 != "(" }.lowercased()) }
    let action: DeliveryAction
    if let written {
      action = written
    } else {
      switch status?.statusClass {
      case .transient?: action = .delayed
      case .success?: action = .delivered
      default: action = .failed
      }
    }
    return BounceRecipient(
      address: address, action: action, status: status, diagnostic: diagnostic,
      remoteMTA: group["remote-mta"].flatMap(ReportFields.host))
  }

  /// The mail system that sent a report, when it is one with a name of its own (by a label
  /// of its domain or host: "amazonses", "googlemail", "yahoo").
  private static func vendor(fromAddress: String?, reportingMTA: String?, microsoft: Bool) -> String? {
    let names = [fromAddress.flatMap(domain) ?? "", reportingMTA?.lowercased() ?? ""].map { Array($0.utf8) }
    func named(_ label: String) -> Bool {
      let pattern = Array(label.utf8)
      return names.contains { ByteText.find(pattern, in: $0) != nil }
    }
    if named("amazonses") { return "Amazon SES" }
    if named("googlemail") || named("google.com") || named("gmail") { return "Gmail" }
    if named("yahoo") { return "Yahoo" }
    if microsoft { return "Microsoft" }
    return nil
  }

  /// The Message-ID of the message a report is about: from the returned message or its
  /// headers, Gmail's `X-Original-Message-ID`, or a "Message-ID:" line quoted in the text.
  static func originalMessageID(_ parts: MessageParts, fields: ReportFields?) -> String? {
    if let returned = parts.returned {
      if let id = returned.message?.messageID { return id }
      if let id = quotedMessageID(in: returned.body) { return id }
    }
    if let id = fields?.first("x-original-message-id").flatMap(ReportFields.messageID) { return id }
    if let plain = parts.plain { return quotedMessageID(in: plain.body) }
    return nil
  }

  /// How "Message-ID:" is spelled; searched exactly, which is faster than without case.
  private static let messageIDSpellings = ByteText.patterns(["Message-ID:", "Message-Id:", "Message-id:", "MESSAGE-ID:", "message-id:"])

  /// The id of the first "Message-ID:" line (after spaces at most) in the first 64 kB of
  /// `bytes`, without angle brackets.
  static func quotedMessageID(in bytes: [UInt8]) -> String? {
    let end = min(bytes.count, 4 * noticeLimit)
    var best: String?
    var bestPosition = end
    for spelling in messageIDSpellings {
      var from = 0
      while let found = ByteText.find(spelling, in: bytes, from: from, to: bestPosition) {
        from = found + spelling.count
        var lineStart = found
        while lineStart > 0 && (bytes[lineStart - 1] == 0x20 || bytes[lineStart - 1] == 0x09) { lineStart -= 1 }
        guard lineStart == 0 || bytes[lineStart - 1] == 0x0A else { continue }
        let (line, _) = ByteText.line(in: bytes, from: found + spelling.count, to: end)
        if let id = messageID(in: bytes, line) {
          best = id
          bestPosition = found
        }
        break
      }
    }
    return best
  }

  /// The id in a Message-ID value: inside its angle brackets, else its first word; nil
  /// unless it has an "@".
  private static func messageID(in bytes: [UInt8], _ range: Range<Int>) -> String? {
    let value = ByteText.trimmed(bytes, range)
    guard !value.isEmpty else { return nil }
    var start = value.lowerBound
    var end = value.upperBound
    if let open = bytes[value].firstIndex(of: UInt8(ascii: "<")),
      let close = bytes[open..<value.upperBound].firstIndex(of: UInt8(ascii: ">"))
    {
      start = open + 1
      end = close
    } else if let space = bytes[value].firstIndex(where: ByteText.isSpace) {
      end = space
    }
    guard start < end, bytes[start..<end].contains(UInt8(ascii: "@")) else { return nil }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
