import Foundation
import HeraldMail

extension Workspace {
  /// The signing domain of a DKIM key: its own `domain`, else the sender's.
  public func dkimDomain(_ settings: DKIMSettings, configuration: Configuration) -> String {
    settings.domain ?? configuration.compose.from.domain
  }

  /// A signer for every key herald.yml's `dkim:` lists, in its order: every message
  /// carries one signature per key (RSA and Ed25519 together, as RFC 8463 recommends).
  /// - Throws: `WorkspaceError` `.secret` naming a key file that is missing, readable by
  ///   others, or not a key; `MailError` for a domain or selector that cannot be used.
  public func dkimSigners(_ configuration: Configuration) throws -> [DKIMSigner] {
    try configuration.dkim.map { settings in
      let file = resolve(settings.key)
      let pem = try Secrets.read(file, what: "the DKIM key (dkim.key in herald.yml)")
      let key: DKIMKey
      do {
        key = try DKIMKey(pem: pem)
      } catch let error as MailError {
        throw WorkspaceError(.secret, "\(file.path): \(error.message)", underlying: error)
      }
      return try DKIMSigner(domain: dkimDomain(settings, configuration: configuration), selector: settings.selector, key: key)
    }
  }

  /// Where `herald dkim keygen` keeps a selector's key, relative to the workspace.
  public static func dkimKeyPath(selector: String) -> String { ".herald/dkim/\(selector).pem" }
}
