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
    #expect(result.stdout.contains("  dkim:\n    selector: herald\n    key: .herald/dkim/herald.pem"))
    // p= is the public half of the key written: what openssl derives from the file.
    let spki = try opensslPublicKey(file)
    let p = algorithm == "rsa" ? Self.base64(spki) : Self.base64(Array(spki.suffix(32)))
    #expect(result.stdout.contains("Value  v=DKIM1; k=\(algorithm); p=\(p)\n"))

    let shown = try herald("dkim", "show", "--json")
    #expect(shown.status == 0, "\(shown.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as! [String: Any]
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
    let weak = try herald("dkim", "keygen", "--bits", "512")
    #expect(weak.status == 1)
    #expect(weak.stderr.contains("too weak"), "\(weak.stderr)")
    #expect(!FileManager.default.fileExists(atPath: keyFile("herald").path))

    let selector = try herald("dkim", "keygen", "--selector", "../x")
    #expect(selector.status != 0)
    #expect(selector.stderr.contains("must be letters, digits"))

    let missing = try herald("dkim", "show", "--selector", "nope")
    #expect(missing.status == 1)
    #expect(missing.stderr.contains(".herald/dkim/nope.pem does not exist: make it with “herald dkim keygen --selector nope”"))

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
}
