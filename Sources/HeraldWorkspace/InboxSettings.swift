import Foundation
import HeraldCore
import HeraldYAML
import HeraldCurl

/// herald.yml's `inbox:` section: the mailbox replies, bounces and inquiries are read from,
/// and what the inbox does. Each default is written here once.
package struct InboxSettings: Sendable, Equatable {
  /// What becomes of a message once it is read.
  package enum After: Sendable, Equatable {
    /// Nothing: it stays unread, as it was (the default).
    case keep
    /// It is marked as read (\Seen).
    case seen
    /// It is moved to a folder.
    case move(to: String)
  }

  /// The mailbox and how to reach it.
  package var mailbox: MailboxConfiguration
  /// The file holding the mailbox password (mode 0600); HERALD_IMAP_PASSWORD wins.
  package var passwordFile: String?
  /// What becomes of a message once it is read (`after:`, and `move_to:` with `after: move`).
  package var after: After = .keep
  /// How often `herald inbox fetch --watch` looks for new mail, in seconds.
  package var interval: TimeInterval = 300
  /// Temporary failures on this many campaigns in a row mark an address bounced.
  package var softBounceLimit = Self.defaultSoftBounceLimit
  /// The soft bounce limit when herald.yml has no inbox: section or does not say.
  package static let defaultSoftBounceLimit = 3

  /// Settings for a mailbox, with the defaults for the rest.
  package init(mailbox: MailboxConfiguration) {
    self.mailbox = mailbox
  }

  static let knownKeys: Set<String> = [
    "url", "tls", "username", "password_file", "ca_file", "connect_timeout", "command_timeout", "after", "move_to", "interval",
    "soft_bounce_limit",
  ]

  /// Reads the section; nil (with problems added) when it is not usable.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> InboxSettings? {
    let url = yaml.collect(&problems) { () throws -> String in
      let value = try yaml.requiredString("url", hint: "imaps://mail.example.org/INBOX")
      guard MailboxConfiguration.isValid(url: value) else {
        throw yaml.error("url", "must be an IMAP address like imaps://mail.example.org/INBOX, not “\(value)”")
      }
      return value
    }
    var mailbox = MailboxConfiguration(url: url ?? "imaps://invalid.example/INBOX")
    if let tls = yaml.collect(&problems, { () throws -> MailboxConfiguration.TLS? in
      guard let value = try yaml.string("tls") else { return nil }
      // No opportunistic TLS for a mailbox: a login must never fall back to plain text.
      guard let tls = MailboxConfiguration.TLS(rawValue: value), tls != .opportunistic else {
        throw yaml.error("tls", "must be required or none, not “\(value)”")
      }
      return tls
    }) ?? nil {
      mailbox.tls = tls
    }
    if let url, mailbox.tls == .none, !Loopback.isURLHost(url) {
      problems.append(contentsOf: yaml.error("tls", "may be none only for a mailbox on this machine (127.0.0.1): the password would cross the network in the clear").diagnostics)
    }
    mailbox.username = yaml.collect(&problems) { try yaml.string("username") } ?? nil
    mailbox.caFile = yaml.collect(&problems) { try yaml.string("ca_file") } ?? nil
    func positive(_ key: String) -> TimeInterval? { yaml.collect(&problems) { try yaml.positiveDuration(key) } ?? nil }
    if let value = positive("connect_timeout") { mailbox.connectTimeout = value }
    if let value = positive("command_timeout") { mailbox.commandTimeout = value }
    var settings = InboxSettings(mailbox: mailbox)
    settings.passwordFile = yaml.collect(&problems) { try yaml.string("password_file") } ?? nil
    let after = yaml.collect(&problems) { () throws -> String? in
      guard let value = try yaml.string("after") else { return nil }
      guard ["keep", "seen", "move"].contains(value) else { throw yaml.error("after", "must be keep, seen or move, not “\(value)”") }
      return value
    } ?? nil
    let moveTo = yaml.collect(&problems) { try yaml.string("move_to") } ?? nil
    switch after {
    case "seen": settings.after = .seen
    case "move":
      if let moveTo, !moveTo.isEmpty {
        settings.after = .move(to: moveTo)
      } else {
        problems.append(contentsOf: yaml.error("move_to", "is required with “after: move”: name the folder, like move_to: Herald").diagnostics)
      }
    default:
      if moveTo != nil {
        problems.append(contentsOf: yaml.error("move_to", "is used only with “after: move”; add that, or remove move_to").diagnostics)
      }
    }
    if let value = positive("interval") { settings.interval = value }
    if let value = yaml.collect(&problems, { () throws -> Int? in
      guard let value = try yaml.int("soft_bounce_limit") else { return nil }
      guard (1...100).contains(value) else { throw yaml.error("soft_bounce_limit", "must be from 1 to 100") }
      return value
    }) ?? nil {
      settings.softBounceLimit = value
    }
    return url == nil ? nil : settings
  }
}
