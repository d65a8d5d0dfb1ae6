import Foundation
import HeraldCampaign
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldWorkspace

extension Inbox {
  /// How reading a batch went.
  public struct Summary: Sendable, Equatable {
    /// Messages read for the first time, per class.
    public var read: [InboundClass: Int] = [:]
    /// Messages read before, skipped.
    public var duplicates = 0
    /// Messages that could not be kept (the disk, the store): they stay where they were.
    public var failed = 0
    public init() {}
    /// All messages read for the first time.
    public var total: Int { read.values.reduce(0, +) }

    mutating func count(_ outcome: Outcome) {
      if outcome.duplicate { duplicates += 1 } else { read[outcome.record.kind, default: 0] += 1 }
    }
  }

  /// Reads every message of a file, Maildir or mbox, one at a time.
  /// - Parameter onMessage: told of each message as it is read.
  /// - Throws: `InboxError` `.source` when the source cannot be read; what reading one
  ///   message throws (the disk, the store) stops the import, after the messages before it.
  public func importMessages(from source: MailSource, onMessage: (Outcome) -> Void = { _ in }) throws -> Summary {
    var summary = Summary()
    try source.forEach { item in
      let outcome = try read(item.bytes, origin: item.origin)
      summary.count(outcome)
      onMessage(outcome)
    }
    return summary
  }

  /// Reads the mail that is new in an IMAP mailbox, without marking it seen (BODY.PEEK[]),
  /// remembering the mailbox's UIDVALIDITY and the last UID read, so each message is read
  /// once. When UIDVALIDITY changes (the mailbox was rebuilt), every message is looked at
  /// again, and those read before are recognised by Message-ID or bytes. With herald.yml's
  /// `inbox.after: seen | move`, a message read is then marked or moved.
  /// - Throws: `InboxError` `.mailbox` when the mailbox cannot be reached or read; the
  ///   messages read before the failure are kept and remembered.
  /// - Parameters:
  ///   - shouldStop: asked between messages; true ends the fetch there (a shutdown), with
  ///     everything read so far kept and remembered.
  ///   - onMessage: told of each message read.
  public func fetch(
    _ configuration: MailboxConfiguration, after: InboxSettings.After = .keep, shouldStop: () -> Bool = { false },
    onMessage: (Outcome) -> Void = { _ in }
  ) throws -> Summary {
    let mailbox = try IMAPMailbox(configuration: configuration, logger: logger)
    let key = Self.stateKey(configuration)
    let status = try mailbox.status()
    let known = try mailroom.store.mailboxState(key)
    let first: UInt32 = known.map { $0.uidValidity == status.uidValidity ? $0.lastUID + 1 : 1 } ?? 1
    if let known, known.uidValidity != status.uidValidity {
      logger.notice("the mailbox's UIDVALIDITY changed: looking at every message again", metadata: ["mailbox": "\(key)"])
    }
    var summary = Summary()
    var last = first > 1 ? first - 1 : 0
    for uid in try mailbox.uids(from: first) {
      if shouldStop() { break }
      guard let bytes = try mailbox.fetch(uid: uid) else { continue }  // expunged meanwhile
      let outcome = try read(bytes, origin: "\(Self.redacted(configuration.url));UID=\(uid)")
      summary.count(outcome)
      switch after {
      case .keep: break
      case .seen: try mailbox.markSeen(uid: uid)
      case .move(let folder): try mailbox.move(uid: uid, to: folder)
      }
      last = uid
      // Remembered after each message: a failure later reads nothing twice.
      try mailroom.store.setMailboxState(key, uidValidity: status.uidValidity, lastUID: last)
      onMessage(outcome)
    }
    try mailroom.store.setMailboxState(key, uidValidity: status.uidValidity, lastUID: last)
    return summary
  }

  /// The mailbox as the store remembers it: its URL with the user name, without a password.
  static func stateKey(_ configuration: MailboxConfiguration) -> String {
    redacted(configuration.url) + (configuration.username.map { " (\($0))" } ?? "")
  }

  /// A URL without any password written into it.
  public static func redacted(_ url: String) -> String {
    guard var components = URLComponents(string: url), components.password != nil else { return url }
    components.password = nil
    return components.string ?? url
  }
}
