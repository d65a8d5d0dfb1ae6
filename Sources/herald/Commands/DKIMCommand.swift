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
      guard (DKIMKey.minimumRSABits...DKIMKey.maximumRSABits).contains(bits) else {
        throw ValidationError("--bits must be from \(DKIMKey.minimumRSABits) to \(DKIMKey.maximumRSABits)")
      }
    }

    func run() throws {
      let workspace = options.value
      let configuration = try workspace.configuration()
      let keyFile = workspace.dkimKeyFile(selector: selector, domain: domain, configuration: configuration)
      let made = try workspace.makeDKIMKey(algorithm, bits: bits, at: keyFile, replacing: force)
      if json {
        try JSONOutput.print(DKIMKeyJSON(keyFile: keyFile, record: made.record, created: true))
        return
      }
      Terminal.say("Wrote a new \(made.key) to \(Terminal.display(keyFile.file)) (mode 0600; keep it private and out of git).")
      DKIMCommand.print(made.record)
      guard !keyFile.isConfigured else {
        Terminal.say()
        Terminal.say("herald.yml signs with it already (dkim: selector \(selector)).")
        return
      }
      let settings = workspace.dkimSettings(for: keyFile, configuration: configuration)
      Terminal.say()
      Terminal.say("Then sign with it: add to herald.yml (as one more item of the list, if dkim: has keys already)")
      Terminal.say("  dkim:")
      Terminal.say("    - selector: \(settings.selector)")
      Terminal.say("      key: \(settings.key)")
      if let domain = settings.domain { Terminal.say("      domain: \(domain)") }
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
      let keys = try workspace.dkimKeyFiles(selector: selector, domain: domain, key: key, configuration: configuration).map { keyFile in
        let contents = try workspace.readDKIMKey(keyFile)
        if let mode = contents.exposedMode {
          Terminal.warning("\(Terminal.display(keyFile.file)) can be read by others (mode \(String(mode, radix: 8))); run “chmod 600 \(keyFile.file.path)”")
        }
        return (keyFile, contents)
      }
      if json {
        try JSONOutput.print(DKIMKeysJSON(keys: keys.map { DKIMKeyJSON(keyFile: $0.0, record: $0.1.record, created: false) }))
        return
      }
      for (index, (keyFile, contents)) in keys.enumerated() {
        if index > 0 { Terminal.say() }
        Terminal.say("\(Terminal.display(keyFile.file)) holds an \(contents.key).")
        DKIMCommand.print(contents.record)
      }
    }
  }

  /// A selector that cannot name a file and a DNS label is a usage error.
  static func check(selector: String) throws {
    guard DKIMSettings.isValidSelector(selector) else {
      throw ValidationError("the selector “\(selector)” must be letters, digits, “-” and “_”, like herald or 2026-11")
    }
  }

  /// Prints the record, and how a zone file writes it: its value in quoted strings.
  static func print(_ record: DKIMRecord) {
    Terminal.say()
    Terminal.say("Publish this DNS TXT record:")
    Terminal.say("  Name   \(record.name)")
    Terminal.say("  Value  \(record.value)")
    Terminal.say()
    Terminal.say("In a zone file (long values are split into strings of up to 255 characters):")
    Terminal.say("  \(record.name). IN TXT ( " + record.strings.map { "\"\($0)\"" }.joined(separator: "\n      ") + " )")
  }
}
