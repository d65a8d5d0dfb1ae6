import HeraldMail

extension Classifier {
  /// How many characters of new text a reply may have and still be a request to unsubscribe.
  static let shortReplyLimit = 300

  /// Prefixes of subjects a person did not write themselves (replies, forwards), lowercased.
  static let replySubjectPrefixes = ByteText.patterns([
    "re:", "re :", "aw:", "fw:", "fwd:", "wg:", "tr:", "sv:", "vs:", "odp:", "ответ:", "r:", "rif:", "res:", "enc:", "antw:",
  ])

  /// An unsubscribe, if the message went to one of the List-Unsubscribe addresses (To, Cc,
  /// Delivered-To or X-Original-To); the token is the word after "unsubscribe" in the Subject.
  static func unsubscribeByAddress(_ message: ReceivedMessage, fields: HeaderSummary, subject: String, context: ClassifierContext)
    -> Classification?
  {
    guard !context.unsubscribeAddresses.isEmpty else { return nil }
    // Most messages name no unsubscribe address at all: look before parsing addresses.
    let patterns = context.unsubscribeAddresses.map { Array($0.utf8) }
    guard
      fields.recipientFields.contains(where: { field in
        let bytes = Array(field.utf8)
        return patterns.contains { ByteText.find($0, in: bytes, ignoringCase: true) != nil }
      })
    else { return nil }
    var addressed = (message.to + message.cc).map { $0.address.lowercased() }
    for value in fields.deliveredTo {
      if let address = TextBounceNotice.standaloneAddress(Substring(value)) { addressed.append(address) }
    }
    guard let address = addressed.first(where: context.unsubscribeAddresses.contains) else { return nil }
    return Classification(
      kind: .unsubscribe, reason: "mail to the unsubscribe address \(address)", unsubscribeToken: unsubscribeToken(subject))
  }

  /// The token of a Subject "unsubscribe TOKEN" (any case), nil if there is none.
  static func unsubscribeToken(_ subject: String) -> String? {
    let text = ByteText.trimmed(Substring(subject))
    guard ByteText.hasPrefix(text, lowercased: "unsubscribe") else { return nil }
    let rest = ByteText.trimmed(text.dropFirst("unsubscribe".count))
    let token = rest.prefix { $0 != " " && $0 != "\t" }
    return token.isEmpty ? nil : String(token)
  }

  /// An unsubscribe, if the message is a short reply whose new text asks to be taken off the
  /// list, in English or one of the context's languages, and asks nothing else.
  static func unsubscribeByWords(_ parts: MessageParts, subject: String, loweredSubject: [UInt8], context: ClassifierContext)
    -> Classification?
  {
    let reply =
      parts.isHTML
      ? ReplyText(html: parts.text, limit: shortReplyLimit) : ReplyText(plain: parts.text, limit: shortReplyLimit)
    guard !reply.isLong else { return nil }
    let body = normalized(reply.text.utf8)
    // A subject the person wrote ("Unsubscribe", "Bitte austragen") counts; a reply's does not.
    let isReplySubject = replySubjectPrefixes.contains { ByteText.hasPrefix(loweredSubject, $0) }
    let ownSubject = isReplySubject ? [] : normalized(loweredSubject)
    if body.isEmpty && ownSubject.isEmpty { return nil }

    let languages = context.languages.contains("en") ? context.languages : ["en"] + context.languages
    // A question about anything but leaving ("Is the figure for 2019 final?") is an inquiry.
    var sentenceStart = 0
    for (index, byte) in body.enumerated() {
      switch byte {
      case UInt8(ascii: "?"):
        if UnsubscribeWords.language(of: Array(body[sentenceStart...index]), in: languages) == nil { return nil }
        sentenceStart = index + 1
      case UInt8(ascii: "."), UInt8(ascii: "!"), 0x0A:
        sentenceStart = index + 1
      default:
        continue
      }
    }

    let token = unsubscribeToken(subject)
    if let language = UnsubscribeWords.language(of: body, in: languages) {
      return Classification(kind: .unsubscribe, reason: "a short reply asking to be removed (\(language))", unsubscribeToken: token)
    }
    if !ownSubject.isEmpty, let language = UnsubscribeWords.language(of: ownSubject, in: languages) {
      return Classification(
        kind: .unsubscribe, reason: "a short message whose subject asks to be removed (\(language))", unsubscribeToken: token)
    }
    let word = String(decoding: body.filter { $0 >= 0x80 || ($0 >= 0x61 && $0 <= 0x7A) }, as: UTF8.self)
    let subjectWord = String(decoding: ownSubject.filter { $0 >= 0x80 || ($0 >= 0x61 && $0 <= 0x7A) }, as: UTF8.self)
    if UnsubscribeWords.singleWords.contains(word) || (body.isEmpty && UnsubscribeWords.singleWords.contains(subjectWord)) {
      return Classification(
        kind: .unsubscribe, reason: "a one-word reply asking to be removed (“\(word.isEmpty ? subjectWord : word)”)",
        unsubscribeToken: token)
    }
    return nil
  }

  /// Text lowercased (`ByteText.lowercased`), typographic apostrophes made plain, runs of
  /// spaces (and no-break spaces) made one, as UTF-8.
  private static func normalized(_ text: some Collection<UInt8>) -> [UInt8] {
    let lowered = ByteText.lowercased(text)
    var output: [UInt8] = []
    output.reserveCapacity(lowered.count)
    var lastWasSpace = false
    var index = 0
    while index < lowered.count {
      let byte = lowered[index]
      let isNoBreakSpace = byte == 0xC2 && index + 1 < lowered.count && lowered[index + 1] == 0xA0
      if byte == 0x20 || byte == 0x09 || isNoBreakSpace {
        if !lastWasSpace { output.append(0x20) }
        lastWasSpace = true
        index += isNoBreakSpace ? 2 : 1
        continue
      }
      lastWasSpace = false
      // ’ and ‘ (E2 80 99, E2 80 98).
      if byte == 0xE2, index + 2 < lowered.count, lowered[index + 1] == 0x80, lowered[index + 2] == 0x98 || lowered[index + 2] == 0x99 {
        output.append(UInt8(ascii: "'"))
        index += 3
        continue
      }
      output.append(byte)
      index += 1
    }
    return output
  }
}
