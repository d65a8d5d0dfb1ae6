import ArgumentParser
import Foundation
import HeraldWorkspace

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make a workspace: herald.yml, Templates/, Lists/, Outbox/, Releases/ and a private signing secret.",
    discussion: "Files that exist are kept as they are, so running it on a workspace only adds what is missing."
  )

  @Argument(help: ArgumentHelp("The folder to make the workspace in.", valueName: "DIR"))
  var directory: String = "."

  @Flag(help: "Print what was done as JSON.")
  var json = false

  func run() throws {
    let workspace = Workspace(root: URL(fileURLWithPath: directory, isDirectory: true))
    let report = try workspace.initialize()
    if json {
      try JSONOutput.print(InitJSON(workspace: workspace.root.path, created: report.created, kept: report.kept))
      return
    }
    let place = Terminal.display(workspace.root)
    if report.created.isEmpty {
      Terminal.say("\(place) is already a complete workspace; nothing to add.")
      return
    }
    Terminal.say("Workspace ready in \(place)")
    for path in report.created { Terminal.say("  " + Terminal.paint("created", .green) + " \(path)") }
    for path in report.kept { Terminal.say("  kept    \(path)") }
    Terminal.say()
    Terminal.say("Next: edit herald.yml, then try")
    let option = place == "." ? "" : " --workspace \(place)"
    Terminal.say("  herald preview\(option) \(WorkspaceDefaults.sampleReleasePath)")
  }
}
