import ArgumentParser
import Foundation
import HeraldCompose

/// The option every command takes: which workspace to work on.
struct WorkspaceOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The workspace folder.", valueName: "DIR"))
  var workspace: String = "."

  /// The workspace.
  var value: Workspace {
    Workspace(root: URL(fileURLWithPath: workspace, isDirectory: true))
  }

  /// A release path the user gave: as the shell means it when that file exists, else
  /// inside the workspace (so `--workspace DIR Releases/x.md` works from anywhere).
  func releasePath(_ path: String) -> String {
    if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
    let inside = value.root.appendingPathComponent(path).path
    return FileManager.default.fileExists(atPath: inside) ? inside : path
  }
}
