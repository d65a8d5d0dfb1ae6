import Foundation
import HeraldCore
import HeraldYAML

/// herald.yml's `desk:` section: the signed-in desk that `herald serve` runs on a listener
/// of its own. Each default is written here once; the section and every key are optional.
package struct DeskSettings: Sendable, Equatable {
  /// Whether `herald serve` runs the desk.
  package var enabled = true
  /// The address to listen on: loopback, so that publishing the public site never exposes
  /// the desk by accident; a TLS proxy in front of it is how people elsewhere reach it.
  package var host = "127.0.0.1"
  /// The port (0: a free one).
  package var port = 8081
  /// The desk's own address as browsers see it ("https://desk.example.org"); by default
  /// http://HOST:PORT. Forms are accepted only from this origin.
  package var baseURL: String?
  /// Whether the session cookie is `Secure` (and named with the `__Host-` prefix); nil: when
  /// the desk's address is https.
  package var secureCookies: Bool?
  /// A session not used for this long ends.
  package var sessionIdle: TimeInterval = 30 * 60
  /// A session ends this long after sign-in.
  package var sessionLifetime: TimeInterval = 12 * 3600
  /// The lowest role that must sign in in two steps (password, then a code from an
  /// authenticator app); nil: nobody must, anyone may turn it on (`two_step: off`).
  package var twoStepFrom: DeskRole?
  /// `notify.assignments`: whether a desk user given an inquiry by someone else gets a short
  /// notice by email (through the Outbox).
  package var notifyAssignments = true
  /// `notify.reminders`: how long before an inquiry's deadline its assignee is reminded by
  /// email; nil (`off`): never.
  package var reminderLead: TimeInterval? = 3600

  /// The defaults.
  package init() {}

  /// The desk's address as browsers see it.
  package var address: String {
    baseURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
  }

  /// Whether cookies are `Secure`: as configured, else when the address is https.
  package var usesSecureCookies: Bool {
    secureCookies ?? address.lowercased().hasPrefix("https://")
  }

  static let knownKeys: Set<String> = ["enabled", "host", "port", "base_url", "secure_cookies", "session_idle", "session_lifetime", "two_step", "notify"]
  static let notifyKeys: Set<String> = ["assignments", "reminders"]

  /// Reads the section; problems are added for what cannot be used.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> DeskSettings {
    var settings = DeskSettings()
    if let value = yaml.collect(&problems, { try yaml.bool("enabled") }) ?? nil { settings.enabled = value }
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
    settings.baseURL = yaml.collect(&problems, { () throws -> String? in
      guard let value = try yaml.string("base_url") else { return nil }
      guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme), url.host != nil else {
        throw yaml.error("base_url", "must be the desk's web address, like https://desk.example.org")
      }
      return value
    }) ?? nil
    settings.secureCookies = yaml.collect(&problems, { try yaml.bool("secure_cookies") }) ?? nil
    if let value = yaml.collect(&problems, { try yaml.positiveDuration("session_idle") }) ?? nil { settings.sessionIdle = value }
    if let value = yaml.collect(&problems, { try yaml.positiveDuration("session_lifetime") }) ?? nil { settings.sessionLifetime = value }
    if let value = yaml.collect(&problems, { () throws -> TwoStep? in
      guard let value = try yaml.string("two_step") else { return nil }
      guard let choice = TwoStep(rawValue: value.trimmingCharacters(in: .whitespaces).lowercased()) else {
        throw yaml.error("two_step", "must be off, admins (administrators must sign in with a code from an authenticator app) or everyone, not “\(value)”")
      }
      return choice
    }) ?? nil {
      settings.twoStepFrom = value.lowestRole
    }
    if let notify = yaml.collect(&problems, { try yaml.section("notify", known: notifyKeys) }) ?? nil {
      if let value = notify.collect(&problems, { try notify.bool("assignments") }) ?? nil { settings.notifyAssignments = value }
      if notify.has("reminders") {
        // "off" (YAML's false) turns reminders off; otherwise a duration before the deadline.
        if let value = notify.collect(&problems, { () throws -> TimeInterval?? in
          if let off = try? notify.bool("reminders"), off == false { return .some(nil) }
          guard let lead = try notify.positiveDuration("reminders") else { return nil }
          return .some(lead)
        }) ?? nil {
          settings.reminderLead = value
        }
      }
    }
    return settings
  }
}

/// herald.yml's `desk.two_step`: who must sign in with a code as well as a password.
private enum TwoStep: String {
  case off, admins, everyone

  var lowestRole: DeskRole? {
    switch self {
    case .off: return nil
    case .admins: return .admin
    case .everyone: return .viewer
    }
  }
}
