import Foundation
import HeraldMail

/// The workspace configuration, herald.yml. Secrets never live here: the link-signing key
/// is in `.herald/secret`, SMTP passwords come from the environment or a 0600 file.
public struct Configuration: Sendable {
  /// The organisation's name, shown in the footer and as the default sender name.
  public var organization: String
  /// The sender, `Name <press@example.org>`; its domain is used for Message-IDs and List-Id.
  public var from: Mailbox
  /// Where replies go when the release does not say; none by default (replies go to `from`).
  public var replyTo: Mailbox?
  /// The public web address of Herald's endpoints, used for unsubscribe and archive links.
  public var baseURL: String
  /// The postal address shown in every footer (CAN-SPAM and good practice), one line or several.
  public var postalAddress: String
  /// The address for mailto unsubscribe requests; default `unsubscribe@` the sender's domain.
  public var unsubscribeAddress: String
  /// Whether raw HTML in a release's Markdown is kept; default false (it is dropped, with a warning).
  public var allowRawHTML: Bool
  /// The time zone of Date headers and release dates; default the machine's.
  public var timeZone: TimeZone
  /// The SMTP relay, `smtp://host:port` or `smtps://host:465`; none by default (then
  /// `herald send` and `herald deliver` need `--smtp URL`).
  public var relay: String?
  /// How delivery behaves: TLS, AUTH, connections, rate limits, timeouts, retries.
  public var delivery = DeliverySettings()
  /// DKIM signing; none by default (messages go out unsigned, and `herald check` says so).
  public var dkim: DKIMSettings?

  /// The keys herald.yml may contain.
  static let knownKeys: Set<String> = [
    "organization", "from", "reply_to", "base_url", "postal_address", "unsubscribe_address",
    "allow_raw_html", "time_zone", "relay", "delivery", "dkim",
  ]

  /// Makes a configuration in code, with defaults for the optional fields.
  public init(
    organization: String, from: Mailbox, replyTo: Mailbox? = nil, baseURL: String, postalAddress: String,
    unsubscribeAddress: String? = nil, allowRawHTML: Bool = false, timeZone: TimeZone = .current
  ) {
    self.organization = organization
    self.from = from
    self.replyTo = replyTo
    self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    self.postalAddress = postalAddress
    self.unsubscribeAddress = unsubscribeAddress ?? "unsubscribe@\(from.domain)"
    self.allowRawHTML = allowRawHTML
    self.timeZone = timeZone
  }

  /// Reads and checks herald.yml.
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - file: Its path, for messages.
  /// - Throws: `ComposeError` `.configuration` naming the key, the file and the line.
  public init(yaml text: String, file: String) throws {
    let yaml = try YAMLMapping(yaml: text, file: file, firstLine: 1, known: Self.knownKeys, code: .configuration)
    func mailbox(_ key: String, _ value: String) throws -> Mailbox {
      do { return try Mailbox(parsing: value) } catch let error as MailError {
        throw yaml.error(key, "is not a valid sender: \(error.message)")
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
    let postalAddress = yaml.collect(&problems) {
      try yaml.requiredString("postal_address", hint: "\"1 Example Street, 10115 Berlin, Germany\"")
    }
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
    let relay = yaml.collect(&problems) { () throws -> String? in
      guard let relay = try yaml.string("relay") else { return nil }
      guard let url = URL(string: relay), ["smtp", "smtps"].contains(url.scheme ?? ""), url.host != nil else {
        throw yaml.error("relay", "must be an SMTP address like smtp://mail.example.org:587 or smtps://mail.example.org:465")
      }
      return relay
    } ?? nil
    var delivery = DeliverySettings()
    if let section = yaml.collect(&problems, { try yaml.section("delivery", known: DeliverySettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      delivery = DeliverySettings(section, problems: &problems)
    }
    var dkim: DKIMSettings?
    if let section = yaml.collect(&problems, { try yaml.section("dkim", known: DKIMSettings.knownKeys) }) ?? nil {
      problems.append(contentsOf: section.keyProblems)
      dkim = DKIMSettings.read(section, problems: &problems)
    }
    guard problems.isEmpty, let organization, let from, let baseURL, let postalAddress, let timeZone else {
      throw ComposeError(.configuration, problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }
    self.init(
      organization: organization, from: from, replyTo: replyTo, baseURL: baseURL, postalAddress: postalAddress,
      unsubscribeAddress: unsubscribeAddress, allowRawHTML: allowRawHTML ?? false, timeZone: timeZone)
    self.relay = relay
    self.delivery = delivery
    self.dkim = dkim
  }
}
