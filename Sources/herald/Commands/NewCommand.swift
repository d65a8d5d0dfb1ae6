import ArgumentParser
import Foundation
import HeraldCompose
import HeraldCore
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

  func validate() throws {
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
    let day: String
    if let date, let parsed = ReleaseDate(date) {
      day = parsed.description
    } else {
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = configuration.compose.timeZone
      formatter.dateFormat = "yyyy-MM-dd"
      day = formatter.string(from: Date())
    }
    let draft = ReleaseDraft(title: title, date: ReleaseDate(day)!, lists: list, settings: configuration.compose)
    let url = workspace.releasesDirectory.appendingPathComponent("\(day)-\(Release.slugify(title)).md")
    try FileManager.default.createDirectory(at: workspace.releasesDirectory, withIntermediateDirectories: true)
    let created = try DurableFile.write(draft.text, to: url, replacing: false)
    guard created else {
      Terminal.report([Diagnostic(.error, file: Terminal.display(url), line: nil,
        "already exists; edit it, or choose another title or --date")])
      throw ExitCode.failure
    }
    Terminal.say(Terminal.display(url))
  }
}
