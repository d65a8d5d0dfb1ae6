import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail

/// A Herald workspace: a folder with herald.yml, Templates/, Lists/, Outbox/, Releases/ and
/// the private .herald/secret. The Herald repository is itself one.
package struct Workspace: Sendable {
  /// The folder.
  package let root: URL

  /// A workspace at `root`; nothing is read until asked.
  package init(root: URL) {
    self.root = root.standardizedFileURL
  }

  package var configurationFile: URL { root.appendingPathComponent("herald.yml") }
  package var templatesDirectory: URL { root.appendingPathComponent("Templates") }
  package var listsDirectory: URL { root.appendingPathComponent("Lists") }
  /// The subscriber store, Lists/herald.sqlite (ignored by git).
  package var databaseFile: URL { listsDirectory.appendingPathComponent("herald.sqlite") }
  package var outboxDirectory: URL { root.appendingPathComponent("Outbox") }
  package var releasesDirectory: URL { root.appendingPathComponent("Releases") }
  /// Published files and image renditions by content (SHA-256), `Media/ab/abcdef…`: made
  /// once, reused by every check, send and page; ignored by git (rebuilt from Releases/).
  package var mediaDirectory: URL { root.appendingPathComponent("Media") }
  /// The private folder for the secret; ignored by git.
  package var privateDirectory: URL { root.appendingPathComponent(".herald") }
  /// The link-signing secret: 32 random bytes, file mode 0600.
  package var secretFile: URL { privateDirectory.appendingPathComponent("secret") }

  /// A path from herald.yml: relative to the workspace unless it starts with “/”.
  package func resolve(_ path: String) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
  }

  /// Whether the folder is a workspace (has herald.yml).
  package var exists: Bool { FileManager.default.fileExists(atPath: configurationFile.path) }

  /// The workspace that holds `folder`, found as git finds its repository: the folder
  /// itself or the nearest one above it with a herald.yml; nil when there is none up to
  /// the file system's root.
  package static func enclosing(_ folder: URL) -> Workspace? {
    var candidate = folder.standardizedFileURL
    while true {
      let workspace = Workspace(root: candidate)
      if workspace.exists { return workspace }
      let parent = candidate.deletingLastPathComponent().standardizedFileURL
      if parent.path == candidate.path { return nil }
      candidate = parent
    }
  }

  /// Throws unless the folder is a workspace: a typo in --workspace must not silently
  /// make a database or an Outbox somewhere new. Inside another workspace, the advice is
  /// that workspace, never to make one inside it.
  /// - Throws: `WorkspaceError` `.notAWorkspace` saying what to do.
  package func checkExists() throws {
    guard !exists else { return }
    if let outer = Workspace.enclosing(root.deletingLastPathComponent()) {
      throw WorkspaceError(.notAWorkspace,
        "\(configurationFile.path) is missing: this folder is not a Herald workspace, but it is inside the workspace \(outer.root.path). Run herald there or in any folder inside it without --workspace, or pass --workspace \(outer.root.path)")
    }
    throw WorkspaceError(.notAWorkspace,
      "\(configurationFile.path) is missing: this folder is not a Herald workspace, and no folder above it is one. Run “herald init \(root.path)” to make one, or pass --workspace DIR")
  }

  /// Reads herald.yml.
  /// - Throws: `WorkspaceError` `.notAWorkspace` when it is missing, `.configuration`
  ///   naming the file, key and line of every problem.
  package func configuration() throws -> Configuration {
    try checkExists()
    guard let data = FileManager.default.contents(atPath: configurationFile.path) else {
      throw WorkspaceError(.files, "cannot read \(configurationFile.path); check its permissions")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw WorkspaceError(.configuration, diagnostics: [Diagnostic(.error, file: configurationFile.path, line: nil, "is not valid UTF-8; save it as UTF-8")])
    }
    return try Configuration(yaml: text, file: configurationFile.path)
  }

  /// Loads Templates/.
  package func templates() throws -> ReleaseTemplates {
    try ReleaseTemplates(directory: templatesDirectory)
  }

  /// Reads the link-signing secret.
  /// - Throws: `WorkspaceError` `.secret` when it is missing, unreadable, too short, or
  ///   readable by others (links signed with a leaked key can be forged).
  package func secret() throws -> [UInt8] {
    let path = secretFile.path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw WorkspaceError(.secret,
        "\(path) is missing: the workspace's link-signing secret has not been made. Run “herald init \(root.path)” (it keeps your files and adds what is missing)")
    }
    if let permissions = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int,
      permissions & 0o077 != 0
    {
      throw WorkspaceError(.secret, "\(path) can be read by other users (mode \(String(permissions, radix: 8))); run “chmod 600 \(path)”")
    }
    guard data.count >= 32 else {
      throw WorkspaceError(.secret, "\(path) is too short (\(data.count) bytes, need 32); delete it and run “herald init”")
    }
    return [UInt8](data)
  }

  /// A signer for this workspace's links.
  package func linkSigner() throws -> LinkSigner {
    LinkSigner(secret: try secret())
  }

  /// What `initialize` did, for the report.
  package struct InitializationReport: Sendable {
    /// Files and folders made, relative to the workspace.
    package var created: [String] = []
    /// Files that were there already and were kept as they are.
    package var kept: [String] = []
  }

  /// Makes the workspace layout with the default files. Existing files are never
  /// overwritten, so running it again on a workspace only adds what is missing.
  /// - Throws: `WorkspaceError` `.files` when a file or folder cannot be written.
  @discardableResult
  package func initialize() throws -> InitializationReport {
    var report = InitializationReport()
    let fileManager = FileManager.default
    do {
      for directory in ["", "Templates", "Templates/web", "Templates/strings", "Lists", "Outbox", "Releases", ".herald"] {
        let url = directory.isEmpty ? root : root.appendingPathComponent(directory)
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
          guard isDirectory.boolValue else {
            throw WorkspaceError(.files, "\(url.path) exists and is not a folder; move it away and run “herald init” again")
          }
        } else {
          try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
          if !directory.isEmpty { report.created.append(directory + "/") }
        }
      }
      try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: privateDirectory.path)
      for file in WorkspaceDefaults.files {
        let url = root.appendingPathComponent(file.path)
        if fileManager.fileExists(atPath: url.path) {
          report.kept.append(file.path)
        } else {
          try DurableFile.write(file.contents, to: url)
          report.created.append(file.path)
        }
      }
      if fileManager.fileExists(atPath: secretFile.path) {
        report.kept.append(".herald/secret")
      } else {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try DurableFile.write(secret, to: secretFile, mode: 0o600, replacing: false)
        report.created.append(".herald/secret")
      }
    } catch let error as WorkspaceError {
      throw error
    } catch let error as FileError {
      throw WorkspaceError(.files, "\(root.path) cannot be set up: \(error.message)", underlying: error)
    } catch {
      throw WorkspaceError(.files, "\(root.path) cannot be set up: \((error as NSError).localizedDescription)")
    }
    return report
  }
}
