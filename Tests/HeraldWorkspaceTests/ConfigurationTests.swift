import Foundation
import HeraldCompose
import HeraldCurl
import HeraldDelivery
import HeraldWorkspace
import Testing

struct ConfigurationTests {
  static let valid = """
    organization: "Example Institute"
    from: "Example Institute <press@example.org>"
    base_url: "https://news.example.org/"
    postal_address: "1 Example Street, Berlin"

    """

  @Test func readsRequiredKeysAndDefaultsTheRest() throws {
    let configuration = try Configuration(yaml: Self.valid, file: "herald.yml").compose
    #expect(configuration.organization == "Example Institute")
    #expect(configuration.from.address == "press@example.org")
    #expect(configuration.baseURL == "https://news.example.org")  // trailing slash removed
    #expect(configuration.unsubscribeAddress == "unsubscribe@example.org")
    #expect(configuration.allowRawHTML == false)
    #expect(configuration.replyTo == nil)
    #expect(configuration.postalAddress == "1 Example Street, Berlin")
  }

  @Test func everyProblemInHeraldYmlIsReportedAtOnce() throws {
    let yaml = "organization: \"\"\nfrom: nobody\nbase_url: ftp://x\ncolour: blue\n"
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: yaml, file: "herald.yml") }
    // organization empty, from invalid, base_url not https, unknown key (postal_address is
    // optional: `herald check` warns without it).
    #expect(error.diagnostics.count == 4, "\(error)")
    #expect(error.diagnostics.map(\.line) == error.diagnostics.map(\.line).sorted { ($0 ?? 0) < ($1 ?? 0) })
  }

  @Test func deliveryAndDKIMSectionsAreRead() throws {
    let yaml = Self.valid + """
      delivery:
        tls: opportunistic
        ca_file: certs/relay.pem
        username: herald
        password_file: .herald/smtp-password
        connections: 8
        per_second: 12.5
        per_hour: 20000
        messages_per_connection: 250
        pause_after_failures: 3
        connect_timeout: 30s
        command_timeout: 2m
        message_timeout: 600
        minimal_backoff: 1m
        maximal_backoff: 2h
        queue_lifetime: 3d
      dkim:
        selector: "2026-11"
        key: .herald/dkim/2026-11.pem

      """
    let configuration = try Configuration(yaml: yaml, file: "herald.yml")
    // Straight into the relay configuration and the delivery policy.
    let relay = configuration.relay
    #expect(relay.url == nil)
    #expect(relay.tls == .opportunistic && relay.caFile == "certs/relay.pem")
    #expect(relay.username == "herald" && configuration.relayPasswordFile == ".herald/smtp-password")
    #expect(relay.messagesPerConnection == 250)
    #expect(relay.connectTimeout == 30 && relay.commandTimeout == 120 && relay.messageTimeout == 600)
    let policy = configuration.delivery
    #expect(policy.connections == 8 && policy.perSecond == 12.5 && policy.perHour == 20_000)
    #expect(policy.pauseAfterConsecutiveRelayFailures == 3)
    #expect(policy.retry == RetryPolicy(minimalBackoff: 60, maximalBackoff: 7200, queueLifetime: 3 * 86_400))
    #expect(configuration.dkim == [DKIMSettings(selector: "2026-11", key: ".herald/dkim/2026-11.pem")])
  }

  @Test func withoutTheSectionsDeliveryHasTheLibrariesDefaultsAndNothingIsSigned() throws {
    let configuration = try Configuration(yaml: Self.valid, file: "herald.yml")
    // Each default is written once, in the type that uses it.
    #expect(configuration.relay == RelayConfiguration())
    #expect(configuration.delivery.connections == DeliveryPolicy().connections)
    #expect(configuration.delivery.retry == RetryPolicy())
    #expect(configuration.dkim.isEmpty)
  }

  @Test func aRelayOnLoopbackDefaultsToPlainTextAndElsewhereToRequiredTLS() throws {
    let local = try Configuration(yaml: Self.valid + "relay: smtp://127.0.0.1:2525\n", file: "herald.yml")
    #expect(local.relay.url == "smtp://127.0.0.1:2525" && local.relay.tls == .none)
    let remote = try Configuration(yaml: Self.valid + "relay: smtp://mail.example.org:587\n", file: "herald.yml")
    #expect(remote.relay.tls == .required)
  }

  @Test func severalDKIMKeysAreReadInOrder() throws {
    let yaml = Self.valid + """
      dkim:
        - selector: rsa2026
          key: .herald/dkim/rsa2026.pem
        - selector: ed2026
          key: .herald/dkim/ed2026.pem
          domain: mail.example.org

      """
    let configuration = try Configuration(yaml: yaml, file: "herald.yml")
    #expect(configuration.dkim == [
      DKIMSettings(selector: "rsa2026", key: ".herald/dkim/rsa2026.pem"),
      DKIMSettings(selector: "ed2026", key: ".herald/dkim/ed2026.pem", domain: "mail.example.org"),
    ])
  }

  @Test(arguments: [
    ("delivery:\n  conections: 4\n", 6, "unknown key “delivery.conections” (did you mean “connections”?)"),
    ("delivery:\n  tls: always\n", 6, "“delivery.tls” must be required, opportunistic or none"),
    ("delivery:\n  connections: 0\n", 6, "“delivery.connections” must be from 1 to 64"),
    ("delivery:\n  per_second: -1\n", 6, "“delivery.per_second” must be more than 0"),
    ("delivery:\n  minimal_backoff: soon\n", 6, "must be a span of time like 300s, 5m, 2h or 5d"),
    ("delivery:\n  minimal_backoff: 2h\n  maximal_backoff: 1h\n", 7, "must not be shorter than minimal_backoff"),
    ("delivery: fast\n", 5, "“delivery” must be a section"),
    ("dkim:\n  selector: herald\n", 5, "“dkim.key” is required"),
    ("dkim:\n  selector: \"a b\"\n  key: k.pem\n", 6, "“dkim.selector” must be letters, digits"),
    ("dkim:\n  - selector: a\n    key: a.pem\n  - selector: b\n", 8, "“dkim[2].key” is required"),
    ("dkim:\n  - selector: a\n    key: a.pem\n  - selector: a\n    key: b.pem\n", 8, "listed twice"),
    ("inbox:\n  url: imaps://mail.example.org/INBOX\n  tls: opportunistic\n", 7, "“inbox.tls” must be required or none"),
    ("inbox:\n  url: imaps://mail.example.org/INBOX\n  after: move\n", 5, "“inbox.move_to” is required with “after: move”"),
    ("inbox:\n  url: imap://mail.example.org/INBOX\n  tls: none\n", 7, "may be none only for a mailbox on this machine"),
    ("inbox:\n  url: imaps://mail.example.org/INBOX\n  move_to: Done\n", 7, "“inbox.move_to” is used only with “after: move”"),
  ])
  func badSectionsNameTheFullKeyAndLine(_ section: String, _ line: Int, _ mentions: String) throws {
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: Self.valid + section, file: "/ws/herald.yml") }
    #expect(error.diagnostics.count == 1, "\(error)")
    #expect(error.diagnostics[0].line == line, "\(error)")
    #expect(error.description.contains(mentions), "\(error)")
  }

  @Test func aMoveAfterReadingCarriesItsFolder() throws {
    let configuration = try Configuration(
      yaml: Self.valid + "inbox:\n  url: imap://127.0.0.1:1143/INBOX\n  after: move\n  move_to: Herald Read\n", file: "herald.yml")
    #expect(configuration.inbox?.after == .move(to: "Herald Read"))
    let seen = try Configuration(yaml: Self.valid + "inbox:\n  url: imap://127.0.0.1:1143/INBOX\n  after: seen\n", file: "herald.yml")
    #expect(seen.inbox?.after == .seen)
  }

  @Test func theShippedDefaultIsValid() throws {
    let defaults = WorkspaceDefaults.files.first { $0.path == "herald.yml" }!
    let configuration = try Configuration(yaml: String(decoding: defaults.contents, as: UTF8.self), file: "herald.yml").compose
    #expect(configuration.timeZone.identifier == "Europe/Berlin")
    #expect(configuration.replyTo?.address == "pressoffice@example.org")
  }

  @Test(arguments: [
    (valid + "colour: blue\n", 5, "unknown key “colour”"),
    (valid + "allow_raw_htm: true\n", 5, "did you mean “allow_raw_html”"),
    (valid + "allow_raw_html: yes please\n", 5, "must be true or false"),
    (valid + "time_zone: Mars/Olympus\n", 5, "not a time zone"),
    (valid.replacingOccurrences(of: "base_url: \"https://news.example.org/\"", with: "base_url: news"), 3, "must be a web address"),
    (valid.replacingOccurrences(of: "organization: \"Example Institute\"\n", with: ""), 1, "“organization” is required"),
    (valid.replacingOccurrences(of: "press@example.org", with: "press at example.org"), 2, "not a valid address"),
    ("organization: [a, b]\n", 1, "must be text"),
    ("organization: \"unterminated\nfrom: x\n", 1, "YAML is not valid"),
  ])
  func badConfigurationNamesKeyFileAndLine(_ yaml: String, _ line: Int, _ mentions: String) throws {
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: yaml, file: "/ws/herald.yml") }
    #expect(error.code == .configuration)
    #expect(error.diagnostics[0].file == "/ws/herald.yml")
    #expect(error.diagnostics[0].line == line, "\(error)")
    #expect(error.description.contains(mentions), "\(error)")
  }
}

struct WebConfigurationTests {
  @Test func theWebSectionIsReadAndEveryKeyHasADefault() throws {
    let defaults = try Configuration(yaml: ConfigurationTests.valid, file: "herald.yml").web
    #expect(defaults == WebSettings())
    #expect(defaults.host == "127.0.0.1" && defaults.port == 8080 && defaults.trustedProxies.isEmpty)
    #expect(defaults.confirmationLifetime == 7 * 86_400 && defaults.robots == nil)
    let yaml = ConfigurationTests.valid + """
      web:
        host: 0.0.0.0
        port: 8081
        trusted_proxies: [127.0.0.1, "10.0.0.0/8"]
        forms_per_minute: 2.5
        form_burst: 3
        confirmation_lifetime: 2d
        confirmation_cooldown: 10m
        robots: noindex
        language: de
        notify: desk@example.org

      """
    let web = try Configuration(yaml: yaml, file: "herald.yml").web
    #expect(web.host == "0.0.0.0" && web.port == 8081 && web.trustedProxies == ["127.0.0.1", "10.0.0.0/8"])
    #expect(web.formsPerMinute == 2.5 && web.formBurst == 3 && web.confirmationLifetime == 2 * 86_400 && web.confirmationCooldown == 600)
    #expect(web.robots == "noindex" && web.language == "de" && web.notify == "desk@example.org")
  }

  @Test(arguments: [
    ("web:\n  port: 70000\n", "web.port"),
    ("web:\n  form_burst: 0\n", "web.form_burst"),
    ("web:\n  forms_per_minute: -1\n", "web.forms_per_minute"),
    ("web:\n  confirmation_lifetime: 0\n", "web.confirmation_lifetime"),
    ("web:\n  colour: blue\n", "colour"),
  ])
  func aWrongWebValueNamesItsKeyAndLine(_ section: String, _ key: String) throws {
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: ConfigurationTests.valid + section, file: "/ws/herald.yml") }
    #expect("\(error)".contains(key), "\(error)")
    #expect(error.diagnostics.first?.line == 6, "\(error)")
  }
}
