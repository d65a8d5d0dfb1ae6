import Foundation
import HeraldCompose
import HeraldWorkspace
import Testing

struct WorkspaceTests {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ws-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func initMakesTheLayoutAndAPrivateSecret() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = Workspace(root: root)
    let report = try workspace.initialize()
    for path in ["herald.yml", "Templates/release.html.mustache", "Templates/release.txt.mustache", "Lists", "Outbox", "Releases", WorkspaceDefaults.sampleReleasePath, ".gitignore"] {
      #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "\(path)")
    }
    let mode = try FileManager.default.attributesOfItem(atPath: workspace.secretFile.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try workspace.secret().count == 32)
    #expect(report.created.contains(".herald/secret"))
    #expect(String(decoding: try Data(contentsOf: root.appendingPathComponent(".gitignore")), as: UTF8.self).contains(".herald/"))
    // The new workspace works: configuration and templates load.
    _ = try workspace.configuration()
    _ = try workspace.templates()
  }

  @Test func initAgainKeepsEditedFilesAndTheSecret() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = Workspace(root: root)
    try workspace.initialize()
    let secret = try workspace.secret()
    try Data("organization: Mine\n".utf8).write(to: workspace.configurationFile)
    let report = try workspace.initialize()
    #expect(report.created.isEmpty)
    #expect(try workspace.secret() == secret)
    #expect(try String(contentsOf: workspace.configurationFile, encoding: .utf8) == "organization: Mine\n")
  }

  @Test func aSecretOthersCanReadIsRefused() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = Workspace(root: root)
    try workspace.initialize()
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: workspace.secretFile.path)
    let error = try #require(throws: WorkspaceError.self) { try workspace.secret() }
    #expect(error.code == .secret)
    #expect(error.description.contains("chmod 600"))
  }

  @Test func aFolderWithoutHeraldYmlSaysHowToMakeAWorkspace() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(throws: WorkspaceError.self) { try Workspace(root: root).configuration() }
    #expect(error.code == .notAWorkspace)
    #expect(error.description.contains("herald init"))
    // Nor is a store made there.
    #expect(throws: WorkspaceError.self) { try Workspace(root: root).openStore() }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Lists").path))
  }

  @Test func theRepositoryWorkspaceFilesAreTheShippedDefaults() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for file in WorkspaceDefaults.files where file.path != ".gitignore" {
      let onDisk = try [UInt8](Data(contentsOf: repository.appendingPathComponent(file.path)))
      #expect(onDisk == file.contents, "\(file.path) differs from the default compiled into herald")
    }
  }
}
