import ArgumentParser
import Foundation
import HeraldCore
import HeraldMail
import HeraldWorkspace

struct DKIMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dkim",
    abstract: "DKIM signing keys: make one, and show the DNS records that publish them.",
    discussion: """
      Keys live in .herald/dkim/SELECTOR.pem (mode 0600, never in git). Their public half \
      goes in DNS as a TXT record at SELECTOR._domainkey.DOMAIN. DOMAIN and the key file are \
      those herald.yml's dkim: section gives for the selector; otherwise the sender's domain \
      and .herald/dkim/SELECTOR.pem.
      """,
    subcommands: [Keygen.self, Show.self]
  )

  struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keygen", abstract: "Make a signing key and print the DNS record to publish.")

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The selector: names the key and its DNS record.", valueName: "NAME"))
    var selector = "herald"
    @Option(help: "rsa (every verifier checks it) or ed25519 (RFC 8463, best beside an RSA key).")
    var algorithm: DKIMKey.Algorithm = .rsa
    @Option(help: "The size of an RSA key: 1024 to 4096 bits.")
    var bits = 2048
    @Option(help: ArgumentHelp("The signing domain (default: herald.yml's for this selector, else the sender's).", valueName: "DOMAIN"))
    var domain: String?
    @Flag(help: "Replace an existing key with this selector (mail signed with it stops verifying once its record changes).")
    var force = false
    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
      try DKIMCommand.check(selector: selector)
      guard (1024...4096).contains(bits) else { throw ValidationError("--bits must be from 1024 to 4096") }
    }

    func run() throws {
      let workspace = options.value
      let configuration = try workspace.configuration()
      let target = DKIMCommand.target(selector: selector, domain: domain, key: nil, workspace: workspace, configuration: configuration)
      if !force, FileManager.default.fileExists(atPath: target.file.path) {
        throw CommandFailure(
          "\(Terminal.display(target.file)) already exists: “herald dkim show --selector \(selector)” prints its record; --force replaces it")
      }
      let key = try DKIMKey.generate(algorithm, bits: bits)
      let record = try DKIMRecord(selector: selector, domain: target.domain, key: key)
      try FileManager.default.createDirectory(
        at: target.file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      guard try DurableFile.write(key.pemRepresentation, to: target.file, mode: 0o600, replacing: force) else {
        throw CommandFailure("\(Terminal.display(target.file)) appeared while the key was being made; run the command again")
      }
      if json {
        try printJSON(record.json(keyFile: target.file, created: true))
        return
      }
      Terminal.say("Wrote a new \(key) to \(Terminal.display(target.file)) (mode 0600; keep it private and out of git).")
      record.print()
      guard !target.configured else {
        Terminal.say()
        Terminal.say("herald.yml signs with it already (dkim: selector \(selector)).")
        return
      }
      Terminal.say()
      Terminal.say("Then sign with it: add to herald.yml (as one more item of the list, if dkim: has keys already)")
      Terminal.say("  dkim:")
      Terminal.say("    - selector: \(selector)")
      Terminal.say("      key: \(Workspace.dkimKeyPath(selector: selector))")
      // A domain given here must be given there too: signing uses the sender's otherwise.
      if target.domain != configuration.compose.from.domain { Terminal.say("      domain: \(target.domain)") }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print the DNS records of the signing keys herald.yml names (or of one selector).")

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("Only the key with this selector.", valueName: "NAME"))
    var selector: String?
    @Option(help: ArgumentHelp("The key file (default: herald.yml's for the selector, else .herald/dkim/SELECTOR.pem).", valueName: "FILE"))
    var key: String?
    @Option(help: ArgumentHelp("The signing domain (default: herald.yml's for the selector, else the sender's).", valueName: "DOMAIN"))
    var domain: String?
    @Flag(help: "Print the result as JSON: {\"keys\": [{name, value, strings, key_file, …}]}.")
    var json = false

    func validate() throws {
      if let selector { try DKIMCommand.check(selector: selector) }
    }

    func run() throws {
      let workspace = options.value
      let configuration = try workspace.configuration()
      // One selector when asked (a --key or --domain is about one key: “herald” unless
      // --selector names another); else the keys herald.yml signs with; else “herald”.
      let selectors = selector.map { [$0] }
        ?? (configuration.dkim.isEmpty || key != nil || domain != nil ? ["herald"] : configuration.dkim.map(\.selector))
      var records: [(DKIMRecord, URL, DKIMKey)] = []
      for name in selectors {
        let target = DKIMCommand.target(selector: name, domain: domain, key: key, workspace: workspace, configuration: configuration)
        guard let data = FileManager.default.contents(atPath: target.file.path) else {
          let exists = FileManager.default.fileExists(atPath: target.file.path)
          throw CommandFailure(exists
            ? "\(Terminal.display(target.file)) cannot be read; check its owner and permissions"
            : "\(Terminal.display(target.file)) does not exist: make it with “herald dkim keygen --selector \(name)”")
        }
        if let mode = try? FileManager.default.attributesOfItem(atPath: target.file.path)[.posixPermissions] as? Int, mode & 0o077 != 0 {
          Terminal.warning("\(Terminal.display(target.file)) can be read by others (mode \(String(mode, radix: 8))); run “chmod 600 \(target.file.path)”")
        }
        let key: DKIMKey
        do {
          key = try DKIMKey(pem: String(decoding: data, as: UTF8.self))
        } catch let error as MailError {
          throw MailError(error.code, "\(Terminal.display(target.file)): \(error.message)", underlying: error)
        }
        records.append((try DKIMRecord(selector: name, domain: target.domain, key: key), target.file, key))
      }
      if json {
        try printJSON(["keys": records.map { $0.0.json(keyFile: $0.1, created: false) }])
        return
      }
      for (index, (record, file, key)) in records.enumerated() {
        if index > 0 { Terminal.say() }
        Terminal.say("\(Terminal.display(file)) holds an \(key).")
        record.print()
      }
    }
  }

  /// Where a selector's key is and which domain it signs for: what the command line says,
  /// else herald.yml's dkim: entry for the selector, else the defaults.
  static func target(
    selector: String, domain: String?, key: String?, workspace: Workspace, configuration: Configuration
  ) -> (file: URL, domain: String, configured: Bool) {
    let configured = configuration.dkim.first { $0.selector == selector && (domain == nil || workspace.dkimDomain($0, configuration: configuration) == domain) }
    let file = key.map(workspace.resolve) ?? configured.map { workspace.resolve($0.key) }
      ?? workspace.resolve(Workspace.dkimKeyPath(selector: selector))
    let signingDomain = domain ?? configured.map { workspace.dkimDomain($0, configuration: configuration) } ?? configuration.compose.from.domain
    return (file, signingDomain, configured != nil)
  }

  /// The selector names a file and a DNS label: letters, digits, "-" and "_", dots between.
  static func check(selector: String) throws {
    let labels = selector.split(separator: ".", omittingEmptySubsequences: false)
    let valid = !selector.isEmpty && selector.utf8.count <= 63 && labels.allSatisfy { label in
      !label.isEmpty && label.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
      }
    }
    guard valid else {
      throw ValidationError("the selector “\(selector)” must be letters, digits, “-” and “_”, like herald or 2026-11")
    }
  }
}

/// The DNS TXT record that publishes a key: its name and value.
struct DKIMRecord {
  /// `SELECTOR._domainkey.DOMAIN`, the domain in ASCII.
  var name: String
  /// `v=DKIM1; k=rsa; p=…`.
  var value: String

  init(selector: String, domain: String, key: DKIMKey) throws {
    // The signer checks the domain and selector exactly as signing will use them.
    let signer = try DKIMSigner(domain: domain, selector: selector, key: key)
    name = "\(signer.selector)._domainkey.\(signer.domain)"
    value = key.dnsRecord
  }

  /// The value as zone files need it: quoted strings of at most 255 bytes each (RFC 1035
  /// §3.3.14), which resolvers join back together.
  var strings: [String] {
    let bytes = Array(value.utf8)
    return stride(from: 0, to: bytes.count, by: 255).map { start in
      String(decoding: bytes[start..<min(start + 255, bytes.count)], as: UTF8.self)
    }
  }

  func print() {
    Terminal.say()
    Terminal.say("Publish this DNS TXT record:")
    Terminal.say("  Name   \(name)")
    Terminal.say("  Value  \(value)")
    Terminal.say()
    Terminal.say("In a zone file (long values are split into strings of up to 255 characters):")
    Terminal.say("  \(name). IN TXT ( " + strings.map { "\"\($0)\"" }.joined(separator: "\n      ") + " )")
  }

  func json(keyFile: URL, created: Bool) -> [String: Any] {
    ["name": name, "value": value, "strings": strings, "key_file": keyFile.path, "created": created]
  }
}
