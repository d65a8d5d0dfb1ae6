import Foundation
import HeraldCore
import HeraldMail

extension Workspace {
  /// The signing domain of a DKIM key: its own `domain`, else the sender's.
  package func dkimDomain(_ settings: DKIMSettings, configuration: Configuration) -> String {
    settings.domain ?? configuration.compose.from.domain
  }

  /// A signer for every key herald.yml's `dkim:` lists, in its order: every message
  /// carries one signature per key (RSA and Ed25519 together, as RFC 8463 recommends).
  /// - Throws: `WorkspaceError` `.secret` naming a key file that is missing, readable by
  ///   others, or not a key; `MailError` for a domain or selector that cannot be used.
  package func dkimSigners(_ configuration: Configuration) throws -> [DKIMSigner] {
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
  package static func dkimKeyPath(selector: String) -> String { ".herald/dkim/\(selector).pem" }

  // MARK: Key files

  /// Where a selector's key is and which domain it signs for: `key` and `domain` when
  /// given, else herald.yml's `dkim:` entry for the selector (and domain, when given), else
  /// .herald/dkim/SELECTOR.pem and the sender's domain.
  package func dkimKeyFile(selector: String, domain: String? = nil, key: String? = nil, configuration: Configuration) -> DKIMKeyFile {
    let configured = configuration.dkim.first { settings in
      settings.selector == selector && (domain == nil || dkimDomain(settings, configuration: configuration) == domain)
    }
    let path = key ?? configured?.key ?? Self.dkimKeyPath(selector: selector)
    return DKIMKeyFile(
      selector: selector, path: path, file: resolve(path),
      domain: domain ?? configured.map { dkimDomain($0, configuration: configuration) } ?? configuration.compose.from.domain,
      isConfigured: configured != nil)
  }

  /// The keys to show: the one `selector` names (a `key` or `domain` is about one key:
  /// "herald" unless `selector` names another); else every key herald.yml signs with; else
  /// "herald".
  package func dkimKeyFiles(selector: String? = nil, domain: String? = nil, key: String? = nil, configuration: Configuration) -> [DKIMKeyFile] {
    let selectors = selector.map { [$0] }
      ?? (configuration.dkim.isEmpty || key != nil || domain != nil ? ["herald"] : configuration.dkim.map(\.selector))
    return selectors.map { dkimKeyFile(selector: $0, domain: domain, key: key, configuration: configuration) }
  }

  /// The entry of herald.yml's `dkim:` that signs with a key: its selector and file, and
  /// its domain when that is not the sender's (signing uses the sender's otherwise).
  package func dkimSettings(for keyFile: DKIMKeyFile, configuration: Configuration) -> DKIMSettings {
    DKIMSettings(
      selector: keyFile.selector, key: keyFile.path, domain: keyFile.domain == configuration.compose.from.domain ? nil : keyFile.domain)
  }

  /// Makes a new key and writes it to its file, mode 0600 in a 0700 folder, durably.
  /// - Parameters:
  ///   - bits: The size of an RSA key (see `DKIMKey.generate`).
  ///   - replacing: Whether a key already there is replaced (mail signed with it stops
  ///     verifying once its DNS record changes).
  /// - Returns: the key, and the record to publish.
  /// - Throws: `WorkspaceError` `.files` when a key is there already (and `replacing` is
  ///   false) or the file cannot be written; `MailError` for a size, selector or domain that
  ///   cannot be used.
  @discardableResult
  package func makeDKIMKey(_ algorithm: DKIMKey.Algorithm, bits: Int = 2048, at keyFile: DKIMKeyFile, replacing: Bool = false) throws
    -> DKIMKeyFile.Contents
  {
    let exists = "\(keyFile.path) already exists: “herald dkim show --selector \(keyFile.selector)” prints its record; --force replaces it"
    // Checked before the key is made: a 4096-bit RSA key takes a while.
    if !replacing, FileManager.default.fileExists(atPath: keyFile.file.path) { throw WorkspaceError(.files, exists) }
    let key = try DKIMKey.generate(algorithm, bits: bits)
    let record = try DKIMRecord(selector: keyFile.selector, domain: keyFile.domain, key: key)
    do {
      try FileManager.default.createDirectory(
        at: keyFile.file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      guard try DurableFile.write(key.pemRepresentation, to: keyFile.file, mode: 0o600, replacing: replacing) else {
        throw WorkspaceError(.files, exists)
      }
    } catch let error as WorkspaceError {
      throw error
    } catch let error as FileError {
      throw WorkspaceError(.files, "\(keyFile.path) cannot be written: \(error.message)", underlying: error)
    } catch {
      throw WorkspaceError(.files, "the folder of \(keyFile.path) cannot be made: \((error as NSError).localizedDescription)")
    }
    return DKIMKeyFile.Contents(key: key, record: record, exposedMode: nil)
  }

  /// Reads a key file, and the record that publishes its key. A key others can read is
  /// read (signing refuses it): the contents say so.
  /// - Throws: `WorkspaceError` `.secret` for a file that is missing, cannot be read or
  ///   holds no usable private key; `MailError` for a selector or domain signing cannot use.
  package func readDKIMKey(_ keyFile: DKIMKeyFile) throws -> DKIMKeyFile.Contents {
    let path = keyFile.file.path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw WorkspaceError(.secret, FileManager.default.fileExists(atPath: path)
        ? "\(keyFile.path) cannot be read; check its owner and permissions"
        : "\(keyFile.path) does not exist: make it with “herald dkim keygen --selector \(keyFile.selector)”")
    }
    let key: DKIMKey
    do {
      key = try DKIMKey(pem: String(decoding: data, as: UTF8.self))
    } catch let error as MailError {
      throw WorkspaceError(.secret, "\(keyFile.path): \(error.message)", underlying: error)
    }
    let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    return DKIMKeyFile.Contents(
      key: key, record: try DKIMRecord(selector: keyFile.selector, domain: keyFile.domain, key: key),
      exposedMode: mode.flatMap { $0 & 0o077 != 0 ? $0 & 0o777 : nil })
  }
}
