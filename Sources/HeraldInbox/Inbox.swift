import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldWorkspace
import Logging

/// The way back from readers: every received message (a journalist's question, a bounce,
/// a complaint, an out-of-office, a request to be removed) is read once, kept in Inbox/,
/// classified, tied to the release and the subscriber it concerns, and acted on through
/// the same store as a send's results: a bounce marks the membership bounced (and
/// suppresses a mailbox that is gone), a complaint suppresses, an emailed unsubscribe
/// unsubscribes, a question opens or continues an inquiry. `herald inbox import`,
/// `herald inbox fetch` and the web contact form all come through here.
package final class Inbox: Sendable {
  /// The workspace's outgoing mail: configuration, store, Outbox.
  package let mailroom: Mailroom
  let logger: Logger
  let signer: LinkSigner
  let context: ClassifierContext
  let fromDomain: String
  let releases: ReleaseIndex
  let softBounceLimit: Int

  /// Opens the inbox of a workspace.
  /// - Throws: `WorkspaceError` for a missing link secret (Herald's own Message-IDs and
  ///   unsubscribe tokens are checked with it).
  package init(mailroom: Mailroom, logger: Logger = Logger(label: "herald.inbox")) throws {
    self.mailroom = mailroom
    self.logger = logger
    let configuration = mailroom.configuration
    signer = try mailroom.linkSigner()
    fromDomain = configuration.compose.from.domain.lowercased()
    let languages = Set(["en"] + ((try? mailroom.store.lists()) ?? []).compactMap { $0.language?.lowercased() })
    context = ClassifierContext(
      unsubscribeAddresses: [configuration.compose.unsubscribeAddress.lowercased()],
      ownAddresses: [configuration.compose.from.address.lowercased()] + [configuration.compose.replyTo?.address.lowercased()].compactMap { $0 },
      languages: languages.sorted())
    releases = ReleaseIndex(workspace: mailroom.workspace, sharedAddresses: context.ownAddresses + context.unsubscribeAddresses)
    softBounceLimit = configuration.inbox?.softBounceLimit ?? InboxSettings.defaultSoftBounceLimit
  }

  // MARK: Reading one message

  /// What reading one message came to, for people and scripts.
  package struct Outcome: Sendable {
    /// The stored message (for a duplicate: the one read before).
    package var record: InboundRecord
    /// It was read before: nothing was done again.
    package var duplicate: Bool
    /// A bounce's recipients, with what was done for each.
    package var recipients: [BouncedRecipient]
    /// The inquiry it opened or joined.
    package var inquiry: Int64?
    /// What it changed in the store.
    package var actions: [InboundAction]
    /// Where it was read from.
    package var origin: String
  }

  /// A failed recipient of a bounce and what came of it.
  package struct BouncedRecipient: Sendable, Codable {
    /// The failed recipient.
    package var address: String
    /// The enhanced status code, "5.1.1", when the report gave one.
    package var status: String?
    /// The report's action: "failed", "delayed", …
    package var action: String
    /// Whether the failure is permanent.
    package var permanent: Bool
    /// What the inbox did.
    package var result: BounceAction
    /// With a soft bounce: the temporary failures in a row, and the limit that bounces.
    package var softBounces: Int?
    package var softBounceLimit: Int?

    /// "bounced and suppressed", "soft bounce 2 of 3", …: the result for people.
    package var resultDescription: String {
      guard let softBounces, let softBounceLimit else { return result.description }
      return "\(result) (\(softBounces) of \(softBounceLimit))"
    }
  }

  /// Reads one message: keeps its bytes, classifies it, ties it to a release and a
  /// subscriber, acts on it, and records all of that in one transaction. A message read
  /// before (same Message-ID, or same bytes) changes nothing.
  /// - Parameters:
  ///   - origin: where it came from, for the record ("inbox.mbox:1204", "imaps://…;UID=7").
  ///   - now: the time of reading.
  /// - Throws: `FileError` when Inbox/ cannot be written, `StoreError` when the store cannot.
  package func read(_ bytes: [UInt8], origin: String, now: Date = Date()) throws -> Outcome {
    try read(bytes, origin: origin, now: now, classification: nil, release: nil)
  }

  /// Reads one message whose class is known already (the web contact form's are
  /// inquiries, whatever their words say), tied to `release` when given.
  func read(_ bytes: [UInt8], origin: String, now: Date, classification known: Classification?, release given: String?) throws -> Outcome {
    var outcome: Outcome?
    var failure: Failure?
    try readBatch(
      [Arrival(bytes: bytes, origin: origin, classification: known, release: given)], now: now,
      onMessage: { outcome = $1 }, onFailure: { failure = $1 })
    if let failure { throw failure.error }
    guard let outcome else { throw InboxError(.source, "\(origin) was neither read nor refused; this is a bug in Herald") }
    return outcome
  }

  /// What a message of a class does, inside the transaction that records it.
  /// - Parameter attachments: an inquiry's attachments, kept already; nil to keep them now.
  func apply(
    _ classification: Classification, message: ReceivedMessage, record: InboundRecord, digest: String, attachments kept: [String]? = nil,
    changes: inout SubscriberStore.InboxChanges
  ) throws -> ([BouncedRecipient], Int64?) {
    let evidence = "\(record.messageID.map { "<\($0)>" } ?? "message \(String(digest.prefix(12)))")"
    switch classification.kind {
    case .bounce:
      guard let bounce = classification.bounce else { return ([], nil) }
      let list = listName(of: bounce, in: message)
      var results: [BouncedRecipient] = []
      for recipient in bounce.recipients {
        let result: BounceAction
        var softBounces: Int?
        let subscriber = try changes.subscriber(address: recipient.address)
        let diagnostic = recipient.diagnostic ?? recipient.status?.description ?? recipient.action.rawValue
        if recipient.action != .failed {
          result = .notAFailure
        } else if subscriber == nil {
          result = .notASubscriber
        } else if recipient.blamesSender {
          try changes.senderProblem(address: recipient.address, detail: diagnostic)
          result = .senderProblem
        } else if recipient.isPermanent {
          try changes.setStatus(.bounced, address: recipient.address, list: list, source: .bounce("\(diagnostic) (bounce \(evidence))"))
          if recipient.status?.isPermanentMailboxFailure ?? true {
            try changes.suppress(recipient.address, reason: "hard bounce: \(diagnostic)")
            result = .bouncedAndSuppressed
          } else {
            result = .bounced
          }
        } else if let subscriber, let campaign = try campaign(of: subscriber, release: record.release) {
          let inARow = try changes.softBounce(subscriber, campaign: campaign, window: softBounceLimit)
          softBounces = inARow
          if inARow >= softBounceLimit {
            try changes.setStatus(.bounced, address: recipient.address, list: nil, source: .bounce("temporary failures on \(inARow) campaigns in a row; last: \(diagnostic)"))
            result = .bouncedAfterSoftBounces
          } else {
            result = .softBounce
          }
        } else {
          result = .noKnownCampaign
        }
        results.append(BouncedRecipient(
          address: recipient.address, status: recipient.status?.description, action: recipient.action.rawValue, permanent: recipient.isPermanent,
          result: result, softBounces: softBounces, softBounceLimit: softBounces.map { _ in softBounceLimit }))
      }
      return (results, nil)
    case .complaint:
      // Every recipient the report names (Amazon SES may name several), else its sender.
      var addresses = classification.complaint?.recipients ?? []
      if addresses.isEmpty, let address = classification.complaint?.recipient ?? message.from.first?.address { addresses = [address] }
      for address in addresses {
        try changes.setStatus(.complained, address: address, list: nil, source: ConsentSource(.complaint, detail: "feedback report \(evidence)"))
        try changes.suppress(address, reason: "complaint: marked as spam (\(classification.complaint?.feedbackType ?? "abuse"))")
      }
      return ([], nil)
    case .unsubscribe:
      let source = ConsentSource(.email, detail: "\(record.fromAddress ?? "unknown sender"), \(evidence)")
      if let token = classification.unsubscribeToken, let (subscriberID, list) = try? signer.verifyUnsubscribeToken(token),
        let id = SubscriberID(subscriberID), let address = try mailroom.store.email(of: id)
      {
        try changes.setStatus(.unsubscribed, address: address, list: list, source: source)
      } else if let address = record.fromAddress {
        try changes.setStatus(.unsubscribed, address: address, list: nil, source: source)
      }
      return ([], nil)
    case .inquiry:
      let attachments = try kept ?? keepAttachments(message, digest: digest)
      let inquiry = try SubscriberStore.addToInquiry(
        .init(
          fromAddress: record.fromAddress ?? "unknown", fromName: record.fromName, subject: record.subject ?? "(no subject)", release: record.release,
          messageID: record.messageID, answers: message.inReplyTo + message.references.reversed(), text: message.bodyText,
          // When Herald received it, never the sender's Date: header (a wrong clock or a
          // forged date would make the time to the first answer a fiction).
          attachments: attachments, at: record.importedAt, organization: message.header["Organization"]),
        inbound: changes.inbound, changes: &changes)
      return ([], inquiry)
    case .autoReply, .unreadable:
      return ([], nil)
    }
  }
}

extension Inbox {
  // MARK: Ties

  /// The release a message is about, and the address of the subscriber it concerns when
  /// that is not its sender (a bounce's failed recipient, a complaint's recipient).
  ///
  /// Herald's Message-IDs say what they were sent as (`MailKind`): a release's names the
  /// release and a key of the recipient. The returned copy of a bounce, a complaint's
  /// original, or a reply's In-Reply-To and References carry one. A message that answers
  /// only our one-off mail (a confirmation, a contact notice) is about no release. Without
  /// an id of ours, a reply's recipients and subject ("Re: …", "AW: …") are compared with
  /// the releases'.
  func tie(_ message: ReceivedMessage, _ classification: Classification) -> (release: String?, recipient: String?) {
    var ids: [String] = []
    var recipient: String?
    if let bounce = classification.bounce {
      ids += [bounce.originalMessageID].compactMap { $0 }
      recipient = bounce.recipients.first(where: { $0.action == .failed })?.address ?? bounce.recipients.first?.address
    }
    if let complaint = classification.complaint {
      ids += [complaint.originalMessageID].compactMap { $0 }
      recipient = complaint.recipient
    }
    ids += message.inReplyTo + message.references.reversed()
    var answersOurMail = false
    for id in ids {
      guard let ours = MessageID(parsing: id), ours.domain.lowercased() == fromDomain else { continue }
      answersOurMail = true
      // One-off mail is about no release; a thread may still name one further back (a
      // journalist's answer to our reply to their answer to a release).
      guard ours.kind == .release, let release = ours.release else { continue }
      // The key names the recipient without revealing them: when the address we have
      // matches it, the bounce is surely about that message. (An HMAC a message: only
      // worth its time when someone reads the debug log.)
      if logger.logLevel <= .debug, let address = recipient, signer.recipientKey(for: address) != ours.recipient {
        logger.debug("a returned Message-ID names another recipient", metadata: ["id": "\(id)"])
      }
      return (release, recipient)
    }
    guard !answersOurMail, classification.kind == .inquiry || classification.kind == .autoReply || classification.kind == .unsubscribe else {
      return (nil, recipient)
    }
    // A release with a reply_to of its own: mail to that address answers it.
    for address in (message.to + message.cc).map({ $0.address.lowercased() }) {
      if let release = releases.byAddress[address] { return (release, recipient) }
    }
    if let subject = message.subject, let release = releases.bySubject[Self.subjectKey(subject)] {
      return (release, recipient)
    }
    return (nil, recipient)
  }

  /// A subject without its reply and forward markers, lowercased: "AW: Re: Fwd: New study" → "new study".
  static func subjectKey(_ subject: String) -> String {
    var text = trimmingSpaces(Substring(subject))
    while let colon = text.firstIndex(of: ":"), text.distance(from: text.startIndex, to: colon) <= 7 {
      let word = trimmingSpaces(text[..<colon]).lowercased()
      let bare = word.hasSuffix("]") ? String(word.prefix { $0 != "[" }) : word  // "Re[2]:"
      guard subjectMarkers.contains(bare) else { break }
      text = text[text.index(after: colon)...].drop { $0 == " " }
    }
    return trimmingSpaces(text).lowercased()
  }

  private static let subjectMarkers: Set<String> = [
    "re", "aw", "sv", "vs", "antw", "réf", "ref", "r", "fwd", "fw", "wg", "tr", "rv", "enc", "doorst", "vl", "i",
  ]

  /// Text without the spaces and tabs at either end (CharacterSet.whitespaces' characters:
  /// tab and Unicode's space separators), without Foundation's bridging, which is slow here.
  private static func trimmingSpaces(_ text: Substring) -> Substring {
    func isSpace(_ character: Character) -> Bool {
      character.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
    return text[first...last]
  }

  /// What a reply can be matched to a release by, when it names no Message-ID of ours:
  /// the subjects and titles of the releases in Releases/ (keyed by `subjectKey`; the newest
  /// release wins a subject two share), and the reply_to addresses releases have of their
  /// own (not the workspace's, which every release shares).
  struct ReleaseIndex: Sendable {
    var bySubject: [String: String] = [:]
    var byAddress: [String: String] = [:]

    init(workspace: Workspace, sharedAddresses: [String]) {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: workspace.releasesDirectory.path) else { return }
      let shared = Set(sharedAddresses)
      var ambiguous: Set<String> = []
      // Oldest first, so that a later release's subject replaces an earlier one's.
      let releases = names.filter { $0.hasSuffix(".md") }.compactMap { name in
        try? Release(contentsOf: workspace.releasesDirectory.appendingPathComponent(name).path)
      }.sorted { ($0.date, $0.slug) < ($1.date, $1.slug) }
      for release in releases {
        bySubject[Inbox.subjectKey(release.subject)] = release.slug
        bySubject[Inbox.subjectKey(release.title)] = release.slug
        if let address = release.replyTo?.address.lowercased(), !shared.contains(address) {
          if byAddress[address] != nil { ambiguous.insert(address) }
          byAddress[address] = release.slug
        }
      }
      // An address several releases answer at does not say which.
      for address in ambiguous { byAddress[address] = nil }
    }
  }

  /// The list a bounced message went through: the List-Id of the returned copy, when it is ours.
  func listName(of bounce: BounceReport, in message: ReceivedMessage) -> String? {
    for part in message.allParts {
      guard let returned = part.message, let listID = returned.header["List-Id"] else { continue }
      // "<press-en.example.org>" → "press-en"
      let value = listID.split(separator: "<").last.map { $0.split(separator: ">").first ?? "" } ?? ""
      let suffix = "." + fromDomain
      if value.lowercased().hasSuffix(suffix) { return String(value.dropLast(suffix.count)) }
    }
    return nil
  }

  /// The most recent campaign of `release` sent to a subscriber (for counting soft bounces).
  func campaign(of subscriber: SubscriberID, release: String?) throws -> String? {
    try mailroom.store.lastCampaign(subscriber: subscriber, release: release)
  }

  // MARK: Files

  /// Keeps an inquiry's attachments in Inbox/attachments/DIGEST/, named as sent (made safe
  /// for a file system); returns their paths relative to the workspace.
  func keepAttachments(_ message: ReceivedMessage, digest: String) throws -> [String] {
    var kept: [String] = []
    for (index, part) in message.attachments.enumerated() {
      let name = Self.safeFileName(part.filename ?? "attachment-\(index + 1)")
      let relative = "Inbox/attachments/\(digest.prefix(16))/\(name)"
      let url = mailroom.workspace.root.appendingPathComponent(relative)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      try DurableFile.write(part.body, to: url, mode: 0o600)
      kept.append(relative)
    }
    return kept
  }

  /// A file name that stays in its folder: no slashes, no leading dots, no control characters.
  package static func safeFileName(_ name: String) -> String {
    let cleaned = String(name.unicodeScalars.map { scalar -> Character in
      scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F ? "_" : Character(scalar)
    }).trimmingCharacters(in: .whitespaces)
    let trimmed = cleaned.drop { $0 == "." }
    return trimmed.isEmpty ? "attachment" : String(trimmed.prefix(120))
  }
}
