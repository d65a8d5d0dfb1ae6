import Foundation
import HeraldTesting
import Testing

/// End-to-end: `herald dkim keygen` and `show` on a fresh workspace (sender press@example.org).
struct DKIMCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func keyFile(_ selector: String) -> URL {
    root.appendingPathComponent(".herald/dkim/\(selector).pem")
  }

  /// The public key openssl derives from the key file: its DER SubjectPublicKeyInfo.
  func opensslPublicKey(_ file: URL) throws -> [UInt8] {
    try python(
      "import subprocess, sys; sys.stdout.buffer.write(subprocess.run(['openssl', 'pkey', '-pubout', '-outform', 'DER', '-in', '\(file.path)'], check=True, capture_output=True).stdout)")
  }

  static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

  @Test(arguments: ["rsa", "ed25519"])
  func keygenWritesAPrivateKeyAndPrintsItsRecord(_ algorithm: String) throws {
    let result = try herald("dkim", "keygen", "--algorithm", algorithm)
    #expect(result.status == 0, "\(result.stderr)")
    let file = keyFile("herald")
    let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    let pem = try String(contentsOf: file, encoding: .utf8)
    #expect(pem.contains("PRIVATE KEY-----"))
    // The key never reaches the terminal.
    let body = pem.split(separator: "\n").dropFirst().dropLast().joined()
    #expect(!result.stdout.contains(String(body.prefix(40))))
    #expect(!result.stderr.contains(String(body.prefix(40))))

    #expect(result.stdout.contains("Name   herald._domainkey.example.org"))
    #expect(result.stdout.contains("  dkim:\n    - selector: herald\n      key: .herald/dkim/herald.pem"), "\(result.stdout)")
    // p= is the public half of the key written: what openssl derives from the file.
    let spki = try opensslPublicKey(file)
    let p = algorithm == "rsa" ? Self.base64(spki) : Self.base64(Array(spki.suffix(32)))
    #expect(result.stdout.contains("Value  v=DKIM1; k=\(algorithm); p=\(p)\n"))

    let shown = try herald("dkim", "show", "--json")
    #expect(shown.status == 0, "\(shown.stderr)")
    let keys = (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["keys"] as? [[String: Any]]
    let json = try #require(keys?.first)
    #expect(keys?.count == 1)
    #expect(json["name"] as? String == "herald._domainkey.example.org")
    #expect(json["value"] as? String == "v=DKIM1; k=\(algorithm); p=\(p)")
    let strings = json["strings"] as! [String]
    #expect(strings.joined() == json["value"] as? String)
    #expect(strings.allSatisfy { $0.utf8.count <= 255 })
    #expect(strings.count == (algorithm == "rsa" ? 2 : 1))
  }

  @Test func keygenRefusesToReplaceAKeyWithoutForce() throws {
    #expect(try herald("dkim", "keygen", "--selector", "s1", "--algorithm", "ed25519").status == 0)
    let first = try Data(contentsOf: keyFile("s1"))
    let again = try herald("dkim", "keygen", "--selector", "s1", "--algorithm", "ed25519")
    #expect(again.status == 1)
    #expect(again.stderr.contains("error: .herald/dkim/s1.pem already exists"), "\(again.stderr)")
    #expect(try Data(contentsOf: keyFile("s1")) == first)

    let forced = try herald("dkim", "keygen", "--selector", "s1", "--algorithm", "ed25519", "--force")
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try Data(contentsOf: keyFile("s1")) != first)
    let mode = try FileManager.default.attributesOfItem(atPath: keyFile("s1").path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    // No temporary files are left beside the key.
    #expect(try FileManager.default.contentsOfDirectory(atPath: keyFile("s1").deletingLastPathComponent().path) == ["s1.pem"])
  }

  @Test func zoneFileSplitsALongRecordIntoQuotedStrings() throws {
    let result = try herald("dkim", "keygen", "--bits", "4096", "--domain", "news.example.org")
    #expect(result.status == 0, "\(result.stderr)")
    let zone = try #require(result.stdout.components(separatedBy: "herald._domainkey.news.example.org. IN TXT ( ").last)
    let quoted = zone.components(separatedBy: " )").first!.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(quoted.count == 3)
    #expect(quoted.allSatisfy { $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.utf8.count <= 257 })
  }

  @Test func badInputIsRefusedWithAReason() throws {
    // Wrong arguments are usage errors: exit 64, the option named.
    let weak = try herald("dkim", "keygen", "--bits", "512")
    #expect(weak.status == 64)
    #expect(weak.stderr.contains("--bits must be from 1024 to 4096"), "\(weak.stderr)")
    #expect(!FileManager.default.fileExists(atPath: keyFile("herald").path))

    let selector = try herald("dkim", "keygen", "--selector", "../x")
    #expect(selector.status == 64)
    #expect(selector.stderr.contains("must be letters, digits"))

    // Runtime failures: exit 1, and the first line says what failed.
    let missing = try herald("dkim", "show", "--selector", "nope")
    #expect(missing.status == 1)
    #expect(missing.stderr.hasPrefix("error: .herald/dkim/nope.pem does not exist: make it with “herald dkim keygen --selector nope”"), "\(missing.stderr)")

    try Data("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".utf8).write(to: root.appendingPathComponent("public.pem"))
    let notPrivate = try herald("dkim", "show", "--key", "public.pem")
    #expect(notPrivate.status == 1)
    #expect(notPrivate.stderr.contains("public.pem: not a PEM private key"), "\(notPrivate.stderr)")
  }

  @Test func showReadsAKeyOpensslMadeAndWarnsWhenOthersCanReadIt() throws {
    let file = root.appendingPathComponent("openssl.pem")
    _ = try python("import subprocess; subprocess.run(['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', '\(file.path)'], check=True)")
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
    let shown = try herald("dkim", "show", "--key", "openssl.pem", "--selector", "mail")
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("Name   mail._domainkey.example.org"))
    #expect(shown.stdout.contains("Value  v=DKIM1; k=ed25519; p=\(Self.base64(Array(try opensslPublicKey(file).suffix(32))))"))
    #expect(shown.stderr.contains("can be read by others (mode 644)"))
  }

  /// Writes herald.yml's dkim: section.
  func configure(_ dkim: String) throws {
    let config = root.appendingPathComponent("herald.yml")
    try (try String(contentsOf: config, encoding: .utf8) + dkim).write(to: config, atomically: true, encoding: .utf8)
  }

  @Test func showAndKeygenUseTheDomainHeraldYmlGivesTheSelector() throws {
    // The key signs for mail.example.com, not the sender's example.org: the record must be
    // published under that name, or every message fails DKIM.
    try configure("dkim:\n  selector: s2026\n  key: keys/s2026.pem\n  domain: mail.example.com\n")
    let made = try herald("dkim", "keygen", "--selector", "s2026", "--algorithm", "ed25519")
    #expect(made.status == 0, "\(made.stderr)")
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("keys/s2026.pem").path), "the configured key file")
    #expect(made.stdout.contains("Name   s2026._domainkey.mail.example.com"), "\(made.stdout)")
    #expect(made.stdout.contains("herald.yml signs with it already"))
    let shown = try herald("dkim", "show")
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("Name   s2026._domainkey.mail.example.com"), "\(shown.stdout)")
    #expect(!shown.stdout.contains("example.org"))
  }

  @Test func showPrintsARecordForEveryConfiguredKey() throws {
    #expect(try herald("dkim", "keygen", "--selector", "rsa1").status == 0)
    #expect(try herald("dkim", "keygen", "--selector", "ed1", "--algorithm", "ed25519").status == 0)
    try configure("dkim:\n  - selector: rsa1\n    key: .herald/dkim/rsa1.pem\n  - selector: ed1\n    key: .herald/dkim/ed1.pem\n")
    let shown = try herald("dkim", "show", "--json")
    #expect(shown.status == 0, "\(shown.stderr)")
    let keys = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["keys"] as? [[String: Any]])
    #expect(keys.map { $0["name"] as? String } == ["rsa1._domainkey.example.org", "ed1._domainkey.example.org"])
    #expect((keys[0]["value"] as? String)?.hasPrefix("v=DKIM1; k=rsa;") == true)
    #expect((keys[1]["value"] as? String)?.hasPrefix("v=DKIM1; k=ed25519;") == true)
  }
}
