import Foundation
import HeraldCompose
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldMail
import HeraldYAML

/// The workspace configuration, herald.yml, decoded once into the types that use it: the
/// organisation's settings for composing, the relay, the delivery policy and the DKIM keys.
/// Each default is written once, in those types; herald.yml only overrides.
///
/// Secrets never live here: the link-signing key is in `.herald/secret`, SMTP passwords
/// come from the environment or a 0600 file, DKIM keys from 0600 files.
package struct Configuration: Sendable {
  /// The organisation, sender, public and postal addresses (the top-level keys).
  package var compose: ComposeSettings
  /// The relay (`relay:`) and how to talk to it (`delivery:` tls, ca_file, username,
  /// timeouts, messages_per_connection); its URL is nil when herald.yml names none.
  package var relay = RelayConfiguration()
  /// The file holding the relay's AUTH password (`delivery.password_file`), mode 0600.
  package var relayPasswordFile: String?
  /// Connections, rate limits, pausing and retries (`delivery:`).
  package var delivery = DeliveryPolicy()
  /// The DKIM keys every message is signed with, one signature each (`dkim:`); none by
  /// default (messages go out unsigned, and `herald check` says so).
  package var dkim: [DKIMSettings] = []
  /// The mailbox the inbox reads (`inbox:`); none by default (then only `herald inbox import`).
  package var inbox: InboxSettings?
  /// How `herald serve` listens and protects its forms (`web:`).
  package var web = WebSettings()
  /// The signed-in desk's listener and sessions (`desk:`).
  package var desk = DeskSettings()
  /// How answers to inquiries are written (`replies:`).
  package var replies = ReplySettings()
  /// The SpamAssassin score above which `herald check --spam` fails (`spam_threshold`).
  package var spamThreshold = SpamThreshold.default

  /// Makes a configuration in code, with the defaults for everything but the organisation.
  package init(compose: ComposeSettings) {
    self.compose = compose
  }

  /// The keys herald.yml may contain.
  static let knownKeys: Set<String> = [
    "organization", "from", "reply_to", "base_url", "postal_address", "unsubscribe_address",
    "allow_raw_html", "time_zone", "embargo_prefix", "spam_threshold", "relay", "delivery", "dkim", "inbox", "web", "desk", "replies", "press_kit",
  ]

  /// The keys of the `delivery:` section.
  static let deliveryKeys: Set<String> = [
    "tls", "ca_file", "username", "password_file", "connections", "per_second", "per_hour",
    "messages_per_connection", "pause_after_failures", "connect_timeout", "command_timeout",
    "message_timeout", "minimal_backoff", "maximal_backoff", "queue_lifetime",
  ]

  /// Reads and checks herald.yml; every problem is reported at once.
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - file: Its path, for messages.
  /// - Throws: `WorkspaceError` `.configuration` naming each key, the file and the line.
  package init(yaml text: String, file: String) throws {
    let yaml: YAMLMapping
    do {
      yaml = try YAMLMapping(yaml: text, file: file, firstLine: 1, known: Self.knownKeys)
    } catch let error as YAMLError {
      throw WorkspaceError(.configuration, diagnostics: error.diagnostics)
    }
    func mailbox(_ key: String, _ value: String) throws -> Mailbox {
      do { return try Mailbox(parsing: value) } catch let error as MailError {
        throw yaml.error(key, "is not a valid address: \(error.message)")
      }
    }
    var problems = yaml.keyProblems
    let organization = yaml.collect(&problems) { try yaml.requiredString("organization", hint: "\"Example Institute\"") }
    let from = yaml.collect(&problems) {
      try mailbox("from", try yaml.requiredString("from", hint: "\"Press Office <press@example.org>\""))
    }
    let replyTo = yaml.collect(&problems) { try yaml.string("reply_to").map { try mailbox("reply_to", $0) } } ?? nil
    let baseURL = yaml.collect(&problems) { () throws -> String in
      let baseURL = try yaml.requiredString("base_url", hint: "https://news.example.org")
      guard let url = URL(string: baseURL), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
        throw yaml.error("base_url", "must be a web address starting with https://, like https://news.example.org")
      }
      return baseURL
    }
    // Optional: the bulk senders' rules want one, and `herald check` warns without it.
    let postalAddress = yaml.collect(&problems) { try yaml.string("postal_address") } ?? nil
    let unsubscribeAddress = yaml.collect(&problems) { () throws -> String? in
      let value = try yaml.string("unsubscribe_address")
      if let value { _ = try mailbox("unsubscribe_address", value) }
      return value
    } ?? nil
    let timeZone = yaml.collect(&problems) { () throws -> TimeZone in
      guard let name = try yaml.string("time_zone") else { return .current }
      guard let zone = TimeZone(identifier: name) else {
        throw yaml.error("time_zone", "“\(name)” is not a time zone name; use one like Europe/Berlin or UTC")
      }
      return zone
    }
    let allowRawHTML = yaml.collect(&problems) { try yaml.bool("allow_raw_html") } ?? nil
    let embargoPrefix = yaml.collect(&problems) { () throws -> String? in
      guard let prefix = try yaml.string("embargo_prefix") else { return nil }
      let trimmed = prefix.trimmingCharacters(in: .whitespaces)
      guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
        throw yaml.error("embargo_prefix", "must be one line of text, like “EMBARGOED until” (the time it lifts and a colon follow it)")
      }
      return trimmed
    } ?? nil
    let spamThreshold = yaml.collect(&problems) { () throws -> Double? in
      guard let value = try yaml.double("spam_threshold") else { return nil }
      guard value > 0, value < 100 else {
        throw yaml.error("spam_threshold", "must be a SpamAssassin score between 0 and 100, like 5.0 (its default) or 3.5 (stricter)")
      }
      return value
    } ?? nil
    var relay = RelayConfiguration()
    relay.url = yaml.collect(&problems) { () throws -> String? in
      guard let url = try yaml.string("relay") else { return nil }
      guard RelayConfiguration.isValid(url: url) else {
        throw yaml.error("relay", "must be an SMTP address like smtp://mail.example.org:587 or smtps://mail.example.org:465")
      }
      return url
    } ?? nil
    var passwordFile: String?
    var delivery = DeliveryPolicy()
    if let section = yaml.collect(&problems, { try yaml.section("delivery", known: Self.deliveryKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      Self.readDelivery(section, relay: &relay, passwordFile: &passwordFile, policy: &delivery, problems: &problems)
    }
    var dkim: [DKIMSettings] = []
    if let sections = yaml.collect(&problems, { try yaml.sections("dkim", known: DKIMSettings.knownKeys) }) ?? nil {
      for section in sections {
        problems.append(contentsOf: section.keyProblems)
        if let settings = DKIMSettings.read(section, problems: &problems) {
          if dkim.contains(where: { $0.selector == settings.selector && $0.domain == settings.domain }) {
            problems.append(contentsOf: section.error("selector", "“\(settings.selector)” is listed twice for the same domain; keep one").diagnostics)
          }
          dkim.append(settings)
        }
      }
    }
    var inbox: InboxSettings?
    if let section = yaml.collect(&problems, { try yaml.section("inbox", known: InboxSettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      inbox = InboxSettings.read(section, problems: &problems)
    }
    var web = WebSettings()
    if let section = yaml.collect(&problems, { try yaml.section("web", known: WebSettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      web = WebSettings.read(section, problems: &problems)
    }
    var desk = DeskSettings()
    if let section = yaml.collect(&problems, { try yaml.section("desk", known: DeskSettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      desk = DeskSettings.read(section, problems: &problems)
    }
    var replies = ReplySettings()
    if let section = yaml.collect(&problems, { try yaml.section("replies", known: ReplySettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      replies = ReplySettings.read(section, problems: &problems)
    }
    var media = MediaSettings()
    if let section = yaml.collect(&problems, { try yaml.section("press_kit", known: MediaSettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      media = MediaSettings.read(section, problems: &problems)
    }
    guard problems.isEmpty, let organization, let from, let baseURL, let timeZone else {
      throw WorkspaceError(.configuration, diagnostics: problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }
    self.init(compose: ComposeSettings(
      organization: organization, from: from, replyTo: replyTo, baseURL: baseURL, postalAddress: postalAddress,
      unsubscribeAddress: unsubscribeAddress, allowRawHTML: allowRawHTML ?? false, timeZone: timeZone,
      embargoPrefix: embargoPrefix ?? ComposeSettings.defaultEmbargoPrefix))
    self.compose.media = media
    self.relay = relay
    self.relayPasswordFile = passwordFile
    self.delivery = delivery
    self.dkim = dkim
    self.inbox = inbox
    self.web = web
    self.desk = desk
    self.replies = replies
    self.spamThreshold = spamThreshold ?? SpamThreshold.default
  }

  /// Reads `delivery:` straight into the relay configuration and the delivery policy:
  /// only the keys given change their defaults.
  private static func readDelivery(
    _ yaml: YAMLMapping, relay: inout RelayConfiguration, passwordFile: inout String?, policy: inout DeliveryPolicy,
    problems: inout [Diagnostic]
  ) {
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
    let tls = yaml.collect(&problems) { () throws -> RelayConfiguration.TLS? in
      guard let value = try yaml.string("tls") else { return nil }
      guard let tls = RelayConfiguration.TLS(rawValue: value) else {
        throw yaml.error("tls", "must be required, opportunistic or none, not “\(value)”")
      }
      return tls
    } ?? nil
    if let tls { relay.tls = tls }
    relay.caFile = yaml.collect(&problems) { try yaml.string("ca_file") } ?? nil
    relay.username = yaml.collect(&problems) { try yaml.string("username") } ?? nil
    passwordFile = yaml.collect(&problems) { try yaml.string("password_file") } ?? nil
    if let value = count("messages_per_connection", 1...1_000_000) { relay.messagesPerConnection = value }
    if let value = positive("connect_timeout", yaml.duration) { relay.connectTimeout = value }
    if let value = positive("command_timeout", yaml.duration) { relay.commandTimeout = value }
    if let value = positive("message_timeout", yaml.duration) { relay.messageTimeout = value }
    if let value = count("connections", 1...64) { policy.connections = value }
    policy.perSecond = positive("per_second", yaml.double)
    policy.perHour = positive("per_hour", yaml.double)
    if let value = count("pause_after_failures", 1...1_000_000) { policy.pauseAfterConsecutiveRelayFailures = value }
    if let value = positive("minimal_backoff", yaml.duration) { policy.retry.minimalBackoff = value }
    if let value = positive("maximal_backoff", yaml.duration) { policy.retry.maximalBackoff = value }
    if let value = positive("queue_lifetime", yaml.duration) { policy.retry.queueLifetime = value }
    if policy.retry.maximalBackoff < policy.retry.minimalBackoff {
      problems.append(contentsOf: yaml.error("maximal_backoff", "must not be shorter than minimal_backoff").diagnostics)
    }
  }
}

/// SpamAssassin's own: a score above 5 is spam to most filters that use it.
package enum SpamThreshold {
  package static let `default` = 5.0
}
