import Foundation
import HeraldCompose
import HeraldMail
import HeraldWorkspace

/// The rules bulk senders must follow (Gmail's and Yahoo's since 2024, and the law in many
/// places) that a configuration can break: mail signed with DKIM by a domain aligned with
/// the From address, one-click unsubscribe links that work (so https), a postal address in
/// every message. `herald check` and the summary before `herald send` show what is broken.
package enum SendingRules {
  /// What the configuration breaks for mail from `from`, each said plainly with what to do.
  package static func warnings(from: Mailbox, configuration: Configuration) -> [String] {
    var warnings: [String] = []
    let fromDomain = from.domain.lowercased()
    let domains = configuration.dkim.map { ($0.domain ?? configuration.compose.from.domain).lowercased() }
    if domains.isEmpty {
      warnings.append(
        "messages go out without a DKIM signature: Gmail and Yahoo require bulk senders to sign; make a key with “herald dkim keygen” and add the dkim: section it prints to herald.yml")
    } else if !domains.contains(where: { aligned($0, fromDomain) }) {
      warnings.append(
        "no DKIM key signs for \(fromDomain), the From address's domain (keys sign for \(Set(domains).sorted().joined(separator: ", "))): receivers checking DMARC see no aligned signature; add a key with “domain: \(fromDomain)” (herald dkim keygen --domain \(fromDomain))")
    }
    if !configuration.compose.baseURL.lowercased().hasPrefix("https://") {
      warnings.append(
        "base_url \(configuration.compose.baseURL) is not https: mail providers expect unsubscribe links over https, and readers' browsers warn; serve Herald behind TLS and write base_url: https://…")
    }
    if (configuration.compose.postalAddress ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      warnings.append(
        "herald.yml has no postal_address: bulk mail must show the sender's postal address (CAN-SPAM, and the providers' rules); add postal_address: \"1 Example Street, 10115 Berlin\"")
    }
    return warnings
  }

  /// The same, for a composed release (its own `from:` wins over herald.yml's).
  package static func warnings(composed: ComposedRelease, configuration: Configuration, signers: [DKIMSigner] = []) -> [String] {
    warnings(from: composed.release.from ?? configuration.compose.from, configuration: configuration)
  }

  /// Relaxed DMARC alignment (RFC 7489 §3.1.1): the two domains have the same
  /// organizational domain. Without the Public Suffix List, that is the last two labels,
  /// or three under a common two-label suffix (co.uk, com.au …).
  package static func aligned(_ a: String, _ b: String) -> Bool {
    organizationalDomain(a) == organizationalDomain(b)
  }

  /// The registrable part of a domain, as far as a short list of suffixes knows it.
  static func organizationalDomain(_ domain: String) -> String {
    let labels = domain.lowercased().split(separator: ".").map(String.init)
    guard labels.count > 2 else { return labels.joined(separator: ".") }
    let lastTwo = labels.suffix(2).joined(separator: ".")
    let keep = twoLabelSuffixes.contains(lastTwo) ? 3 : 2
    return labels.suffix(keep).joined(separator: ".")
  }

  private static let twoLabelSuffixes: Set<String> = [
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au",
    "co.nz", "org.nz", "co.jp", "or.jp", "ne.jp", "ac.jp", "co.za", "org.za", "com.br", "org.br", "com.mx", "com.ar",
    "co.in", "org.in", "com.cn", "org.cn", "com.tr", "co.kr", "or.kr", "com.sg", "com.hk", "co.il", "org.il",
  ]
}
