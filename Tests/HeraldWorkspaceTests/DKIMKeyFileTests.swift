import Foundation
import HeraldMail
import HeraldWorkspace
import Testing

/// Which key file, selector and domain `herald dkim` works with, and how keys are written and read.
struct DKIMKeyFileTests {
  let workspace: Workspace

  init() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString)")
    workspace = Workspace(root: root)
    try workspace.initialize()
  }

  /// herald.yml with `dkim` appended; the sender is press@example.org.
  func configuration(_ dkim: String = "") throws -> Configuration {
    let text = try String(contentsOf: workspace.configurationFile, encoding: .utf8)
    try (text + dkim).write(to: workspace.configurationFile, atomically: true, encoding: .utf8)
    return try workspace.configuration()
  }

  @Test func anUnconfiguredSelectorIsKeptInHeraldDkimAndSignsForTheSender() throws {
    let keyFile = workspace.dkimKeyFile(selector: "s1", configuration: try configuration())
    #expect(keyFile == DKIMKeyFile(
      selector: "s1", path: ".herald/dkim/s1.pem", file: workspace.root.appendingPathComponent(".herald/dkim/s1.pem"),
      domain: "example.org", isConfigured: false))
  }

  @Test func heraldYmlGivesAConfiguredSelectorItsFileAndDomain() throws {
    let configuration = try configuration("dkim:\n  selector: s2026\n  key: keys/s2026.pem\n  domain: mail.example.com\n")
    let keyFile = workspace.dkimKeyFile(selector: "s2026", configuration: configuration)
    #expect(keyFile.path == "keys/s2026.pem" && keyFile.domain == "mail.example.com" && keyFile.isConfigured)
    // Another domain is another key: not the configured one.
    let other = workspace.dkimKeyFile(selector: "s2026", domain: "example.net", configuration: configuration)
    #expect(other.path == ".herald/dkim/s2026.pem" && other.domain == "example.net" && !other.isConfigured)
    // The command line wins over herald.yml.
    let given = workspace.dkimKeyFile(selector: "s2026", key: "/etc/keys/k.pem", configuration: configuration)
    #expect(given.file.path == "/etc/keys/k.pem" && given.domain == "mail.example.com" && given.isConfigured)
  }

  @Test func showListsTheConfiguredKeysUnlessOneIsAskedFor() throws {
    #expect(workspace.dkimKeyFiles(configuration: try configuration()).map(\.selector) == ["herald"])
    let configuration = try configuration("dkim:\n  - selector: rsa1\n    key: a.pem\n  - selector: ed1\n    key: b.pem\n")
    #expect(workspace.dkimKeyFiles(configuration: configuration).map(\.path) == ["a.pem", "b.pem"])
    #expect(workspace.dkimKeyFiles(selector: "ed1", configuration: configuration).map(\.path) == ["b.pem"])
    // A key or domain is about one key: "herald" unless a selector is named.
    #expect(workspace.dkimKeyFiles(key: "c.pem", configuration: configuration).map(\.selector) == ["herald"])
    #expect(workspace.dkimKeyFiles(domain: "example.net", configuration: configuration).map(\.selector) == ["herald"])
  }

  @Test func theSettingsToAddNameTheDomainOnlyWhenItIsNotTheSenders() throws {
    let configuration = try configuration()
    let own = workspace.dkimSettings(for: workspace.dkimKeyFile(selector: "a", configuration: configuration), configuration: configuration)
    #expect(own == DKIMSettings(selector: "a", key: ".herald/dkim/a.pem"))
    let other = workspace.dkimKeyFile(selector: "a", domain: "news.example.org", configuration: configuration)
    #expect(workspace.dkimSettings(for: other, configuration: configuration).domain == "news.example.org")
  }

  @Test(arguments: DKIMKey.Algorithm.allCases)
  func aKeyIsWrittenPrivatelyAndReadBackWithItsRecord(_ algorithm: DKIMKey.Algorithm) throws {
    let keyFile = workspace.dkimKeyFile(selector: "herald", configuration: try configuration())
    let made = try workspace.makeDKIMKey(algorithm, at: keyFile)
    #expect(made.record.name == "herald._domainkey.example.org")
    #expect(try FileManager.default.attributesOfItem(atPath: keyFile.file.path)[.posixPermissions] as? Int == 0o600)
    #expect(try FileManager.default.attributesOfItem(atPath: keyFile.file.deletingLastPathComponent().path)[.posixPermissions] as? Int == 0o700)
    let read = try workspace.readDKIMKey(keyFile)
    #expect(read.record == made.record && read.key.publicKeyBytes == made.key.publicKeyBytes)
    #expect(read.exposedMode == nil)
  }

  @Test func anExistingKeyIsReplacedOnlyWhenAsked() throws {
    let keyFile = workspace.dkimKeyFile(selector: "s1", configuration: try configuration())
    let first = try workspace.makeDKIMKey(.ed25519, at: keyFile)
    let refused = try #require(throws: WorkspaceError.self) { try workspace.makeDKIMKey(.ed25519, at: keyFile) }
    #expect(refused.message.hasPrefix(".herald/dkim/s1.pem already exists"))
    #expect(try workspace.readDKIMKey(keyFile).record == first.record)
    let second = try workspace.makeDKIMKey(.ed25519, at: keyFile, replacing: true)
    #expect(second.record != first.record)
    #expect(try workspace.readDKIMKey(keyFile).record == second.record)
  }

  @Test func aMissingOrWrongFileIsNamedAndAKeyOthersCanReadIsReportedNotRefused() throws {
    let configuration = try configuration()
    let missing = try #require(throws: WorkspaceError.self) {
      try workspace.readDKIMKey(workspace.dkimKeyFile(selector: "nope", configuration: configuration))
    }
    #expect(missing.message == ".herald/dkim/nope.pem does not exist: make it with “herald dkim keygen --selector nope”")

    let publicKey = workspace.root.appendingPathComponent("public.pem")
    try "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".write(to: publicKey, atomically: true, encoding: .utf8)
    let wrong = try #require(throws: WorkspaceError.self) {
      try workspace.readDKIMKey(workspace.dkimKeyFile(selector: "x", key: "public.pem", configuration: configuration))
    }
    #expect(wrong.message.hasPrefix("public.pem: not a PEM private key"))

    let keyFile = workspace.dkimKeyFile(selector: "open", configuration: configuration)
    try workspace.makeDKIMKey(.ed25519, at: keyFile)
    chmod(keyFile.file.path, 0o644)
    #expect(try workspace.readDKIMKey(keyFile).exposedMode == 0o644)
  }

  @Test(arguments: ["herald", "2026-11", "s_1.mail", "A-b"])
  func selectorsThatNameAFileAndADNSLabelAreValid(_ selector: String) {
    #expect(DKIMSettings.isValidSelector(selector))
  }

  @Test(arguments: ["", "../x", "a..b", ".a", "a.", "a b", "sélecteur", "a/b", String(repeating: "a", count: 64)])
  func otherSelectorsAreNot(_ selector: String) {
    #expect(!DKIMSettings.isValidSelector(selector))
  }
}
