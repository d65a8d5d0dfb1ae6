import ArgumentParser
import Foundation
import HeraldCompose
import HeraldDelivery

/// Sending through the relay, shared by `herald send` and `herald deliver`: progress on a
/// terminal, SIGINT/SIGTERM stop cleanly (messages in flight finish, nothing stays claimed).
enum DeliveryRun {
  /// The relay: --smtp, else herald.yml's `relay`, with herald.yml's `delivery:` settings.
  /// The user name from HERALD_SMTP_USERNAME or `delivery.username`; the password only
  /// from HERALD_SMTP_PASSWORD or the 0600 file `delivery.password_file`.
  static func relay(_ override: String?, workspace: Workspace, configuration: Configuration) throws -> RelayConfiguration {
    guard let url = override ?? configuration.relay else {
      throw ValidationError("no relay: pass --smtp smtp://host:port, or set “relay:” in herald.yml")
    }
    guard let parsed = URL(string: url), ["smtp", "smtps"].contains(parsed.scheme ?? ""), parsed.host != nil else {
      throw ValidationError("--smtp must look like smtp://127.0.0.1:2525 or smtps://mail.example.org:465, not “\(url)”")
    }
    let settings = configuration.delivery
    let environment = ProcessInfo.processInfo.environment
    var password = environment["HERALD_SMTP_PASSWORD"]
    if password == nil, let file = settings.passwordFile {
      password = try Secrets.read(workspace.resolve(file), what: "the SMTP password file (delivery.password_file in herald.yml)")
    }
    var relay = RelayConfiguration(
      url: url, tls: settings.tls.flatMap(RelayConfiguration.TLS.init(rawValue:)),
      username: environment["HERALD_SMTP_USERNAME"] ?? settings.username, password: password,
      caFile: settings.caFile.map { workspace.resolve($0).path })
    relay.connectTimeout = Int(settings.connectTimeout.rounded(.up))
    relay.commandTimeout = Int(settings.commandTimeout.rounded(.up))
    relay.messageTimeout = Int(settings.messageTimeout.rounded(.up))
    relay.messagesPerConnection = settings.messagesPerConnection
    return relay
  }

  /// Connections, rate limits, pausing and retries from herald.yml's `delivery:` section.
  static func policy(_ configuration: Configuration) -> DeliveryPolicy {
    let settings = configuration.delivery
    var policy = DeliveryPolicy()
    policy.connections = settings.connections
    policy.perSecond = settings.perSecond
    policy.perHour = settings.perHour
    policy.pauseAfterConsecutiveRelayFailures = settings.pauseAfterFailures
    policy.retry = RetryPolicy(
      minimalBackoff: settings.minimalBackoff, maximalBackoff: settings.maximalBackoff, queueLifetime: settings.queueLifetime)
    return policy
  }

}
