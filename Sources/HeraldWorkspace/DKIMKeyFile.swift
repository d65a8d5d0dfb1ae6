import Foundation
import HeraldMail

/// A DKIM key as `herald dkim` makes and shows it: the file that holds it, its selector, the
/// domain it signs for, and whether herald.yml signs with it.
package struct DKIMKeyFile: Sendable, Equatable {
  /// The selector: the DNS record is `SELECTOR._domainkey.DOMAIN`.
  package var selector: String
  /// The file as herald.yml or the command line names it: relative to the workspace, or absolute.
  package var path: String
  /// The file.
  package var file: URL
  /// The signing domain (d=).
  package var domain: String
  /// Whether herald.yml's `dkim:` lists this key, so that messages are signed with it.
  package var isConfigured: Bool

  /// Makes a key file's description in code.
  package init(selector: String, path: String, file: URL, domain: String, isConfigured: Bool) {
    self.selector = selector
    self.path = path
    self.file = file
    self.domain = domain
    self.isConfigured = isConfigured
  }

  /// A key read from its file, with the record that publishes it.
  package struct Contents: Sendable {
    /// The private key.
    package var key: DKIMKey
    /// The DNS TXT record to publish.
    package var record: DKIMRecord
    /// The file's permission bits when users other than its owner may read it (signing
    /// refuses such a key until `chmod 600`); nil when only its owner may.
    package var exposedMode: Int?
  }
}
