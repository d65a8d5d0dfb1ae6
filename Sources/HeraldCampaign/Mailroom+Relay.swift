import Foundation
import HeraldDelivery

extension Mailroom {
  /// The relay that mail written now is delivered through at once, when one is named:
  /// `override` (--smtp) or herald.yml's `relay:`, with its credentials. Nil when neither
  /// names one: the mail waits in the Outbox for `herald deliver`. A relay that is named
  /// but cannot be used is an error, never a silent wait. Replies to inquiries and the
  /// web server's mail go out this way.
  /// - Throws: `DeliveryError` `.connection` for an address that is not SMTP;
  ///   `WorkspaceError` `.secret` for a password file others can read.
  public func configuredRelay(override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws
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
  public func relay(for plan: CampaignPlan, override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> RelayConfiguration?
  {
    plan.scheduled ? nil : try relay(override: override, environment: environment)
  }
}
