import ArgumentParser
import Foundation
import HeraldCompose
import HeraldStore

/// The option every command takes: which workspace to work on.
struct WorkspaceOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The workspace folder.", valueName: "DIR"))
  var workspace: String = "."

  /// The workspace.
  var value: Workspace {
    Workspace(root: URL(fileURLWithPath: workspace, isDirectory: true))
  }

  /// The workspace's subscriber store, opened (and created or migrated) on first use.
  func store() throws -> SubscriberStore {
    let workspace = value
    // A typo in --workspace should not silently create a database somewhere new.
    guard FileManager.default.fileExists(atPath: workspace.configurationFile.path) else {
      throw ComposeError(.configuration, file: workspace.configurationFile.path,
        "is missing: this folder is not a Herald workspace. Run “herald init \(workspace.root.path)” to make one, or pass --workspace DIR")
    }
    return try SubscriberStore(path: workspace.databaseFile.path)
  }

  /// A release path the user gave: as the shell means it when that file exists, else
  /// inside the workspace (so `--workspace DIR Releases/x.md` works from anywhere).
  func releasePath(_ path: String) -> String {
    if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
    let inside = value.root.appendingPathComponent(path).path
    return FileManager.default.fileExists(atPath: inside) ? inside : path
  }
}
