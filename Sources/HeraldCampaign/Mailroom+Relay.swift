import Foundation
import HeraldCurl
import HeraldDelivery

extension Mailroom {
  /// The relay that mail written now is delivered through at once, when one is named:
  /// `override` (--smtp) or herald.yml's `relay:`, with its credentials. Nil when neither
  /// names one: the mail waits in the Outbox for `herald deliver`. A relay that is named
  /// but cannot be used is an error, never a silent wait. Replies to inquiries and the
  /// web server's mail go out this way.
  /// - Throws: `DeliveryError` `.connection` for an address that is not SMTP;
  ///   `WorkspaceError` `.secret` for a password file others can read.
  package func configuredRelay(override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> RelayConfiguration?
  {
    guard override != nil || configuration.relay.url != nil else { return nil }
    return try relay(override: override, environment: environment)
  }

  /// The relay a send delivers through while it enqueues: nil for a scheduled plan (`herald
  /// deliver` sends it when it is due), else `relay(override:)`, which needs one to be
  /// named: a send that is to go now must not quietly wait.
  /// - Throws: `DeliveryError` `.connection` when no relay is named or the address is not
  ///   SMTP; `WorkspaceError` `.secret` for a password file others can read.
  package func relay(for plan: CampaignPlan, override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> RelayConfiguration?
  {
    plan.scheduled ? nil : try relay(override: override, environment: environment)
  }
}

extension Mailroom {
  /// What a delivery run finds before it starts.
  package struct DeliveryStart: Sendable {
    /// Messages a killed run had claimed, returned to the queue: at least once, never lost.
    package var recovered: Int
    /// Sends whose enqueueing was interrupted, said for people (run `herald send` again).
    package var interruptedSends: [String]
  }

  /// Readies the Outbox for a delivery run: what a killed run left claimed goes back to the
  /// queue (only when no other process has the Outbox open), and interrupted sends are named.
  /// - Throws: `DeliveryError` when the Outbox cannot be read or changed.
  package func startDelivery() throws -> DeliveryStart {
    let recovered = try outbox.recover()
    return DeliveryStart(recovered: recovered, interruptedSends: EnqueueMark.interrupted(outbox: outbox))
  }

  /// How many messages wait in the queue (a listing of the folder: for a progress line that
  /// someone sees, not on every run).
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  package func queuedCount() throws -> Int {
    try outbox.count(in: .queue)
  }

  /// The mailbox the inbox reads: `override` (--imap) or herald.yml's `inbox:`, with its
  /// login from the environment or the password file (see `Workspace.mailbox`).
  /// - Throws: `WorkspaceError` when none is named or the password file is unsafe.
  package func mailbox(override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MailboxConfiguration {
    try workspace.mailbox(configuration, override: override, environment: environment)
  }
}
