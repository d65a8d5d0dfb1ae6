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

  func validate() throws {
    if let language, !ReleaseDraft.isLanguageTag(language) {
      throw ValidationError("--language “\(language)” is not a language code; write one like en, ru, de or pt-BR")
    }
    if let date, ReleaseDate(date) == nil {
      throw ValidationError("--date “\(date)” is not a date; write it as YYYY-MM-DD, e.g. 2020-03-31")
    }
    for name in list where name != Release.slugify(name) {
      throw ValidationError("the list name “\(name)” must be lowercase letters, digits and hyphens, like “\(Release.slugify(name))”")
    }
    guard !title.trimmingCharacters(in: .whitespaces).isEmpty, !title.contains(where: \.isNewline) else {
      throw ValidationError("the title must be one line of text")
    }
  }

  func run() throws {
    let workspace = options.value
    let configuration = try workspace.configuration()
    let day = date.flatMap { ReleaseDate($0) } ?? ReleaseDate(Date(), in: configuration.compose.timeZone)
    let draft = ReleaseDraft(title: title, date: day, lists: list, language: language, settings: configuration.compose)
    guard try workspace.write(draft) else {
      Terminal.report([Diagnostic(.error, file: Terminal.display(workspace.releaseFile(for: draft)), line: nil,
        "already exists; edit it, or choose another title or --date")])
      throw ExitCode.failure
    }
    Terminal.say(Terminal.display(workspace.releaseFile(for: draft)))
  }
}
