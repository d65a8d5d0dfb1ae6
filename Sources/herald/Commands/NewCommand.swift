import ArgumentParser
import Foundation
import HeraldCore
import HeraldCompose
import HeraldWorkspace

struct NewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new",
    abstract: "Draft a new release in Releases/DATE-slug.md and print its path."
  )

  @OptionGroup var options: WorkspaceOptions

  @Argument(help: "The release's title (its headline).")
  var title: String

  @Option(name: .long, help: ArgumentHelp("A list it goes to by default; repeat for several.", valueName: "NAME"))
  var list: [String] = []

  @Option(name: .long, help: ArgumentHelp("The release date, YYYY-MM-DD (default: today).", valueName: "DATE"))
  var date: String?

  @Option(name: .long, help: ArgumentHelp("The release's language, e.g. en, ru, de (default: from the title's script: Cyrillic ru, Greek el…; else en).", valueName: "CODE"))
  var language: String?

  /// What was asked for, checked by the library the desk's New release form uses too.
  private var request: ReleaseDraft.Request {
    ReleaseDraft.Request(title: title, date: date, lists: list, language: language)
  }

  func validate() throws {
    let problems = request.problems
    // In the order of the arguments, each named as it was given.
    let named: [(ReleaseDraft.Request.Field, String)] = [(.language, "--language "), (.date, "--date "), (.lists, ""), (.title, "")]
    for (field, prefix) in named {
      guard let problem = problems[field] else { continue }
      throw ValidationError(prefix + problem)
    }
  }

  func run() throws {
    let workspace = options.value
    let configuration = try workspace.configuration()
    let draft = request.draft(today: Date(), settings: configuration.compose)
    guard try workspace.write(draft) else {
      Terminal.report([Diagnostic(.error, file: Terminal.display(workspace.releaseFile(for: draft)), line: nil,
        "already exists; edit it, or choose another title or --date")])
      throw ExitCode.failure
    }
    Terminal.say(Terminal.display(workspace.releaseFile(for: draft)))
  }
}
