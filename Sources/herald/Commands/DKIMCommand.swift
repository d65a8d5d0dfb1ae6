import ArgumentParser
import Foundation
import HeraldCompose
import HeraldMail

struct DKIMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dkim",
    abstract: "DKIM signing keys: make one, and show the DNS record that publishes it.",
    discussion: """
      Keys live in .herald/dkim/SELECTOR.pem (mode 0600, never in git). Their public half \
      goes in DNS as a TXT record at SELECTOR._domainkey.DOMAIN, DOMAIN being that of the \
      sender in herald.yml.
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
    @Option(help: ArgumentHelp("The signing domain (default: the domain of “from” in herald.yml).", valueName: "DOMAIN"))
    var domain: String?
    @Flag(help: "Replace an existing key with this selector (mail signed with it stops verifying once its record changes).")
    var force = false
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
      try DKIMCommand.check(selector: selector)
      let workspace = options.value
      let url = DKIMCommand.keyFile(selector, in: workspace)
      if !force, FileManager.default.fileExists(atPath: url.path) {
        throw DKIMCommand.failure(
          "\(Terminal.display(url)) already exists: “herald dkim show --selector \(selector)” prints its record; --force replaces it")
      }
      let domain = try DKIMCommand.domain(domain, workspace: workspace)
      let key = try reportingErrors { try DKIMKey.generate(algorithm, bits: bits) }
      let record = try DKIMRecord(selector: selector, domain: domain, key: key)
      try reportingErrors {
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard try PrivateFile.write(Array(key.pemRepresentation.utf8), to: url, replacing: force) else {
          throw ComposeError(.workspace, file: url.path, "appeared while the key was being made; run the command again")
        }
      }
      if json {
        try printJSON(record.json(keyFile: url, created: true))
        return
      }
      Terminal.say("Wrote a new \(key) to \(Terminal.display(url)) (mode 0600; keep it private and out of git).")
      record.print()
      Terminal.say()
      Terminal.say("Then sign with it: add to herald.yml")
      Terminal.say("  dkim:")
      Terminal.say("    selector: \(selector)")
      Terminal.say("    key: \(DKIMCommand.relativePath(selector))")
      // A domain given here must be given there too: signing uses the sender's otherwise.
      if let given = self.domain { Terminal.say("    domain: \(given)") }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print the DNS record for an existing signing key.")

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The selector of the key.", valueName: "NAME"))
    var selector = "herald"
    @Option(help: ArgumentHelp("The key file (default: .herald/dkim/SELECTOR.pem).", valueName: "FILE"))
    var key: String?
    @Option(help: ArgumentHelp("The signing domain (default: the domain of “from” in herald.yml).", valueName: "DOMAIN"))
    var domain: String?
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
      try DKIMCommand.check(selector: selector)
      let workspace = options.value
      let url = key.map { workspace.resolve($0) } ?? DKIMCommand.keyFile(selector, in: workspace)
      guard let data = FileManager.default.contents(atPath: url.path) else {
        let exists = FileManager.default.fileExists(atPath: url.path)
        throw DKIMCommand.failure(exists
          ? "\(Terminal.display(url)) cannot be read; check its owner and permissions"
          : "\(Terminal.display(url)) does not exist: make it with “herald dkim keygen --selector \(selector)”")
      }
      if let mode = try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, mode & 0o077 != 0 {
        Terminal.warn(Terminal.paint("warning:", .yellow, on: STDERR_FILENO)
          + " \(Terminal.display(url)) can be read by others (mode \(String(mode, radix: 8))); run “chmod 600 \(url.path)”")
      }
      let key = try reportingErrors { () throws -> DKIMKey in
        do {
          return try DKIMKey(pem: String(decoding: data, as: UTF8.self))
        } catch let error as MailError {
          throw MailError(error.code, "\(Terminal.display(url)): \(error.message)")
        }
      }
      let domain = try DKIMCommand.domain(domain, workspace: workspace)
      let record = try DKIMRecord(selector: selector, domain: domain, key: key)
      if json {
        try printJSON(record.json(keyFile: url, created: false))
        return
      }
      Terminal.say("\(Terminal.display(url)) holds an \(key).")
      record.print()
    }
  }

  /// Where `keygen` puts a selector's key, relative to the workspace.
  static func relativePath(_ selector: String) -> String { ".herald/dkim/\(selector).pem" }

  static func keyFile(_ selector: String, in workspace: Workspace) -> URL {
    workspace.root.appendingPathComponent(relativePath(selector))
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

  /// The signing domain: the one given, else the domain of the sender in herald.yml.
  static func domain(_ given: String?, workspace: Workspace) throws -> String {
    if let given { return given }
    return try reportingErrors { try workspace.configuration().from.domain }
  }

  /// An error of this command, reported like the others.
  static func failure(_ message: String) -> ExitCode {
    Terminal.warn(Terminal.paint("error:", .red, on: STDERR_FILENO) + " " + message)
    return ExitCode.failure
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
    let signer = try reportingErrors { try DKIMSigner(domain: domain, selector: selector, key: key) }
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

/// Writes secrets: a 0600 file from the first byte, made beside the target and moved into
/// place, so that nobody ever reads a half-written or world-readable key.
enum PrivateFile {
  /// Writes `bytes` to `url`; when `replacing` is false and a file is there, writes nothing.
  /// - Returns: false when the file existed and was kept.
  /// - Throws: `ComposeError` `.workspace` when a system call fails.
  static func write(_ bytes: [UInt8], to url: URL, replacing: Bool) throws -> Bool {
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    // O_EXCL: never write through a file or link someone else put at the temporary name.
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw error("cannot create", temporary) }
    var written = 0
    var failed = fchmod(descriptor, 0o600) != 0  // exact, whatever the umask
    while !failed && written < bytes.count {
      let result = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written) }
      if result < 0 && errno != EINTR { failed = true }
      if result > 0 { written += result }
    }
    if failed || fsync(descriptor) != 0 {
      let failure = error("cannot write", temporary)
      close(descriptor)
      unlink(temporary)
      throw failure
    }
    close(descriptor)
    defer { unlink(temporary) }
    if replacing {
      guard rename(temporary, url.path) == 0 else { throw error("cannot move the key into place at", url.path) }
    } else if link(temporary, url.path) != 0 {
      // link() refuses to replace a file: no race with another keygen.
      if errno == EEXIST { return false }
      throw error("cannot create", url.path)
    }
    let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
      fsync(directoryDescriptor)
      close(directoryDescriptor)
    }
    return true
  }

  private static func error(_ what: String, _ path: String) -> ComposeError {
    ComposeError(.workspace, file: path, "\(what): \(String(cString: strerror(errno)))")
  }
}

extension DKIMKey.Algorithm: ExpressibleByArgument {}
