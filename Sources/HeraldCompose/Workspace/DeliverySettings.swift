import Foundation

/// herald.yml's `delivery:` section: how Herald talks to the relay and how fast. Plain
/// values here; `herald` turns them into the delivery library's relay configuration and
/// policy. The SMTP password is not among them: it comes from the environment
/// (HERALD_SMTP_PASSWORD) or from the 0600 file `password_file` names.
public struct DeliverySettings: Sendable, Equatable {
  /// STARTTLS policy: "required", "opportunistic" or "none"; nil for the default
  /// (required, except on loopback).
  public var tls: String?
  /// A CA bundle to trust for the relay's certificate (a private relay).
  public var caFile: String?
  /// The AUTH user name (HERALD_SMTP_USERNAME overrides it).
  public var username: String?
  /// A file holding the AUTH password, readable by its owner only (mode 0600).
  public var passwordFile: String?
  /// Parallel connections to the relay.
  public var connections = 4
  /// Messages per second across all connections; nil for no limit.
  public var perSecond: Double?
  /// Messages per hour across all connections; nil for no limit.
  public var perHour: Double?
  /// Messages on one connection before it is closed and opened anew.
  public var messagesPerConnection = 1000
  /// Relay failures in a row (no answer, 421, AUTH refused) before a run pauses.
  public var pauseAfterFailures = 10
  /// Seconds to connect and read the greeting.
  public var connectTimeout: TimeInterval = 60
  /// Seconds to wait for the answer to one SMTP command (RFC 5321 §4.5.3.2: 5 minutes).
  public var commandTimeout: TimeInterval = 300
  /// Seconds one whole message may take, from MAIL FROM to the answer after its data.
  public var messageTimeout: TimeInterval = 600
  /// The shortest wait before retrying a deferred message (Postfix minimal_backoff_time).
  public var minimalBackoff: TimeInterval = 300
  /// The longest wait between retries (Postfix maximal_backoff_time).
  public var maximalBackoff: TimeInterval = 4020
  /// How long a message may stay undelivered before it fails (Postfix maximal_queue_lifetime).
  public var queueLifetime: TimeInterval = 5 * 86_400

  /// The defaults: 4 connections, no rate limit, RFC 5321 timeouts, Postfix's retries.
  public init() {}

  static let knownKeys: Set<String> = [
    "tls", "ca_file", "username", "password_file", "connections", "per_second", "per_hour",
    "messages_per_connection", "pause_after_failures", "connect_timeout", "command_timeout",
    "message_timeout", "minimal_backoff", "maximal_backoff", "queue_lifetime",
  ]

  /// Reads the section; every problem goes to `problems`.
  init(_ yaml: YAMLMapping, problems: inout [Diagnostic]) {
    func positive(_ key: String, _ read: (String) throws -> Double?) -> Double? {
      yaml.collect(&problems) { () throws -> Double? in
        guard let value = try read(key) else { return nil }
        guard value > 0 else { throw yaml.error(key, "must be more than 0") }
        return value
      } ?? nil
    }
    func count(_ key: String, _ range: ClosedRange<Int>) -> Int? {
      yaml.collect(&problems) { () throws -> Int? in
        guard let value = try yaml.int(key) else { return nil }
        guard range.contains(value) else { throw yaml.error(key, "must be from \(range.lowerBound) to \(range.upperBound)") }
        return value
      } ?? nil
    }
    tls = yaml.collect(&problems) { () throws -> String? in
      guard let value = try yaml.string("tls") else { return nil }
      guard ["required", "opportunistic", "none"].contains(value) else {
        throw yaml.error("tls", "must be required, opportunistic or none, not “\(value)”")
      }
      return value
    } ?? nil
    caFile = yaml.collect(&problems) { try yaml.string("ca_file") } ?? nil
    username = yaml.collect(&problems) { try yaml.string("username") } ?? nil
    passwordFile = yaml.collect(&problems) { try yaml.string("password_file") } ?? nil
    if let value = count("connections", 1...64) { connections = value }
    perSecond = positive("per_second", yaml.double)
    perHour = positive("per_hour", yaml.double)
    if let value = count("messages_per_connection", 1...1_000_000) { messagesPerConnection = value }
    if let value = count("pause_after_failures", 1...1_000_000) { pauseAfterFailures = value }
    if let value = positive("connect_timeout", yaml.duration) { connectTimeout = value }
    if let value = positive("command_timeout", yaml.duration) { commandTimeout = value }
    if let value = positive("message_timeout", yaml.duration) { messageTimeout = value }
    if let value = positive("minimal_backoff", yaml.duration) { minimalBackoff = value }
    if let value = positive("maximal_backoff", yaml.duration) { maximalBackoff = value }
    if let value = positive("queue_lifetime", yaml.duration) { queueLifetime = value }
    if maximalBackoff < minimalBackoff {
      problems.append(contentsOf: yaml.error("maximal_backoff", "must not be shorter than minimal_backoff").diagnostics)
    }
  }
}
