import HeraldCore
import HeraldYAML

/// One key of herald.yml's `dkim:` section: every message is signed with it (RFC 6376). The key
/// file stays out of herald.yml and out of git (`herald dkim keygen` writes it, mode 0600).
package struct DKIMSettings: Sendable, Equatable {
  /// The selector: the DNS record is `SELECTOR._domainkey.DOMAIN`.
  package var selector: String
  /// The private key file (PEM), relative to the workspace or absolute.
  package var key: String
  /// The signing domain (d=); default the sender's domain.
  package var domain: String?

  /// Makes settings in code.
  package init(selector: String, key: String, domain: String? = nil) {
    self.selector = selector
    self.key = key
    self.domain = domain
  }

  /// Whether `selector` can name a key file and a DNS label: ASCII letters, digits, "-"
  /// and "_", in parts joined by dots (none empty), at most 63 bytes in all.
  package static func isValidSelector(_ selector: String) -> Bool {
    let labels = selector.split(separator: ".", omittingEmptySubsequences: false)
    return !selector.isEmpty && selector.utf8.count <= 63 && labels.allSatisfy { label in
      !label.isEmpty && label.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
      }
    }
  }

  static let knownKeys: Set<String> = ["selector", "key", "domain"]

  /// Reads the section; nil (with problems added) when it is not usable.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> DKIMSettings? {
    let selector = yaml.collect(&problems) { () throws -> String in
      let value = try yaml.requiredString("selector", hint: "herald")
      guard isValidSelector(value) else {
        throw yaml.error("selector", "must be letters, digits, “-” and “_”, with dots between parts, like herald or 2026-11")
      }
      return value
    }
    let key = yaml.collect(&problems) { try yaml.requiredString("key", hint: ".herald/dkim/herald.pem") }
    let domain = yaml.collect(&problems) { try yaml.string("domain") } ?? nil
    guard let selector, let key else { return nil }
    return DKIMSettings(selector: selector, key: key, domain: domain)
  }
}
