import Foundation
import HeraldCore
import HeraldYAML

/// herald.yml's `web:` section: how `herald serve` listens and protects its forms. Each
/// default is written here once; the section and every key in it are optional.
package struct WebSettings: Sendable, Equatable {
  /// The address to listen on. The server is meant to sit behind a TLS reverse proxy on
  /// the same machine, so it listens on loopback unless told otherwise.
  package var host = "127.0.0.1"
  /// The port to listen on.
  package var port = 8080
  /// The reverse proxies whose X-Forwarded-For is believed: addresses or ranges
  /// ("127.0.0.1", "10.0.0.0/8"). Nobody else's is.
  package var trustedProxies: [String] = []
  /// Form submissions one address may make per minute (subscribe, contact, the
  /// unsubscribe and confirmation pages' buttons), after a burst of `formBurst`.
  package var formsPerMinute: Double = 6
  /// Form submissions one address may make at once before the rate applies.
  package var formBurst = 5
  /// Seconds a person takes at least to fill in a form: one sent back sooner is a
  /// program's, and refused.
  package var formMinimumAge: TimeInterval = 2
  /// How long a confirmation link stays good.
  package var confirmationLifetime: TimeInterval = 7 * 86_400
  /// A second subscription request for the same address and list within this time sends
  /// no second confirmation (so nobody can flood a stranger's mailbox through the form).
  package var confirmationCooldown: TimeInterval = 3_600
  /// The X-Robots-Tag of the archive's pages ("noindex", say); none by default.
  package var robots: String?
  /// The language of the pages (their `lang`), when the lists do not say.
  package var language = "en"
  /// Where contact-form notifications go; by default the Reply-To, else the From address.
  package var notify: String?

  /// The defaults.
  package init() {}

  static let knownKeys: Set<String> = [
    "host", "port", "trusted_proxies", "forms_per_minute", "form_burst", "form_minimum_age", "confirmation_lifetime", "confirmation_cooldown",
    "robots", "language", "notify",
  ]

  /// Reads the section; problems are added for what cannot be used.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> WebSettings {
    var settings = WebSettings()
    if let host = yaml.collect(&problems, { try yaml.string("host") }) ?? nil {
      if host.isEmpty { problems.append(contentsOf: yaml.error("host", "is empty; write an address like 127.0.0.1").diagnostics) }
      settings.host = host
    }
    if let port = yaml.collect(&problems, { () throws -> Int? in
      guard let value = try yaml.int("port") else { return nil }
      guard (0...65_535).contains(value) else { throw yaml.error("port", "must be from 0 to 65535, not \(value)") }
      return value
    }) ?? nil {
      settings.port = port
    }
    if let proxies = yaml.collect(&problems, { try yaml.strings("trusted_proxies") }) ?? nil {
      settings.trustedProxies = proxies
    }
    if let rate = yaml.collect(&problems, { () throws -> Double? in
      guard let value = try yaml.double("forms_per_minute") else { return nil }
      guard value > 0 else { throw yaml.error("forms_per_minute", "must be more than 0") }
      return value
    }) ?? nil {
      settings.formsPerMinute = rate
    }
    if let burst = yaml.collect(&problems, { () throws -> Int? in
      guard let value = try yaml.int("form_burst") else { return nil }
      guard (1...1_000).contains(value) else { throw yaml.error("form_burst", "must be from 1 to 1000") }
      return value
    }) ?? nil {
      settings.formBurst = burst
    }
    func positive(_ key: String) -> TimeInterval? { yaml.collect(&problems) { try yaml.positiveDuration(key) } ?? nil }
    if let value = positive("confirmation_lifetime") { settings.confirmationLifetime = value }
    if let value = yaml.collect(&problems, { try yaml.duration("confirmation_cooldown") }) ?? nil { settings.confirmationCooldown = max(value, 0) }
    if let value = yaml.collect(&problems, { () throws -> TimeInterval? in
      guard let value = try yaml.duration("form_minimum_age") else { return nil }
      // A form's page is good for two hours: the minimum must leave time to send it.
      guard value <= 600 else { throw yaml.error("form_minimum_age", "must be at most 10 minutes (600s)") }
      return value
    }) ?? nil {
      settings.formMinimumAge = value
    }
    settings.robots = yaml.collect(&problems) { try yaml.string("robots") } ?? nil
    if let language = yaml.collect(&problems, { try yaml.string("language") }) ?? nil { settings.language = language }
    settings.notify = yaml.collect(&problems) { try yaml.string("notify") } ?? nil
    return settings
  }
}
