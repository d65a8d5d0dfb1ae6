import Foundation
import HeraldCompose
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldMail
import HeraldStore
import Logging

extension Workspace {
  /// The subscriber store, Lists/herald.sqlite, opened (and created or migrated).
  /// - Throws: `WorkspaceError` `.notAWorkspace` when the folder has no herald.yml (a typo
  ///   in --workspace must not create a database somewhere new), `StoreError` otherwise.
  package func openStore(
    busyTimeout: TimeInterval = SubscriberStore.defaultBusyTimeout, logger: Logger = Logger(label: "herald.store")
  ) throws -> SubscriberStore {
    try checkExists()
    return try SubscriberStore(path: databaseFile.path, busyTimeout: busyTimeout, logger: logger)
  }

  /// The Outbox, opened (its folders made if needed).
  /// - Throws: `WorkspaceError` `.notAWorkspace`, or `DeliveryError` `.spool`.
  package func openOutbox(logger: Logger = Logger(label: "herald.outbox")) throws -> Outbox {
    try checkExists()
    return try Outbox(directory: outboxDirectory, logger: logger)
  }

  /// Reads a release and composes it once with this workspace's templates and settings.
  /// - Parameters:
  ///   - path: The release file: as given when it exists, else inside the workspace.
  ///   - signed: Whether its links are signed with the workspace secret; a check that
  ///     writes no message signs with a throwaway key, and needs no secret.
  /// - Throws: `ComposeError` with every problem found in the file, or the first in the
  ///   workspace (configuration, templates), `WorkspaceError` for the secret.
  package func composeRelease(_ path: String, configuration: Configuration, signed: Bool = true) throws -> ComposedRelease {
    let templates = try templates()
    let release = try Release(contentsOf: releasePath(path))
    let signer = signed ? try linkSigner() : LinkSigner(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
    return try ComposedRelease(
      release: release, templates: templates, settings: configuration.compose, signer: signer,
      strings: try strings().table(for: release.language), mediaFolder: MediaFolder(directory: mediaDirectory))
  }

  /// A release path as a person gave it: as the shell means it when that file exists, else
  /// inside the workspace (so `--workspace DIR Releases/x.md` works from anywhere).
  package func releasePath(_ path: String) -> String {
    if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
    let inside = root.appendingPathComponent(path).path
    return FileManager.default.fileExists(atPath: inside) ? inside : path
  }

  /// The relay to send through, with its AUTH credentials: `override` (--smtp) or
  /// herald.yml's `relay:`, with the `delivery:` settings. The user name comes from
  /// HERALD_SMTP_USERNAME or `delivery.username`; the password only from
  /// HERALD_SMTP_PASSWORD or the 0600 file `delivery.password_file`.
  /// - Parameter environment: the process environment.
  /// - Throws: `WorkspaceError` `.secret` for a password file others can read;
  ///   `DeliveryError` `.connection` when no relay is named or the address is not SMTP.
  package func relay(_ configuration: Configuration, override: String? = nil, environment: [String: String]) throws -> RelayConfiguration {
    var relay = configuration.relay
    if let override { relay.url = override }
    guard let url = relay.url else {
      throw DeliveryError(.connection, "no relay to send through: pass --smtp smtp://host:port, or set “relay:” in herald.yml")
    }
    guard RelayConfiguration.isValid(url: url) else {
      throw DeliveryError(.connection, "the relay must look like smtp://127.0.0.1:2525 or smtps://mail.example.org:465, not “\(url)”")
    }
    if let username = environment["HERALD_SMTP_USERNAME"] { relay.username = username }
    if let password = environment["HERALD_SMTP_PASSWORD"] {
      relay.password = password
    } else if let file = configuration.relayPasswordFile {
      relay.password = try Secrets.read(resolve(file), what: "the SMTP password file (delivery.password_file in herald.yml)")
    }
    return relay
  }
}

extension Workspace {
  /// The mailbox to read, with its credentials: herald.yml's `inbox:`; the user name from
  /// HERALD_IMAP_USERNAME or `inbox.username`, the password only from HERALD_IMAP_PASSWORD
  /// or the 0600 file `inbox.password_file`. `override` (--imap) replaces the address.
  /// - Throws: `WorkspaceError` `.secret` for a password file others can read; `.files`
  ///   when herald.yml has no `inbox:` section and no address is given.
  package func mailbox(_ configuration: Configuration, override: String? = nil, environment: [String: String]) throws -> MailboxConfiguration {
    var mailbox: MailboxConfiguration
    if let settings = configuration.inbox {
      mailbox = settings.mailbox
      if let override { mailbox.url = override }
    } else if let override {
      mailbox = MailboxConfiguration(url: override)
    } else {
      throw WorkspaceError(.files, "no mailbox to read: add an “inbox:” section to herald.yml (url: imaps://mail.example.org/INBOX, username, password_file), or pass --imap URL")
    }
    if let username = environment["HERALD_IMAP_USERNAME"] { mailbox.username = username }
    if let password = environment["HERALD_IMAP_PASSWORD"] {
      mailbox.password = password
    } else if let file = configuration.inbox?.passwordFile {
      mailbox.password = try Secrets.read(resolve(file), what: "the mailbox password file (inbox.password_file in herald.yml)")
    }
    return mailbox
  }

  /// Inbox/: what the inbox read (messages/) and the attachments of inquiries.
  package var inboxDirectory: URL { root.appendingPathComponent("Inbox") }
}
