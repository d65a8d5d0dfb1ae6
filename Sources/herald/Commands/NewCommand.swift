import ArgumentParser
import Foundation
import HeraldCompose

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

  func run() throws {
    let workspace = options.value
    let configuration = try reportingErrors { try workspace.configuration() }
    let day: String
    if let date {
      guard let parsed = ReleaseDate(date) else {
        throw ValidationError("“\(date)” is not a date; write it as YYYY-MM-DD, e.g. 2020-03-31")
      }
      day = parsed.description
    } else {
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = configuration.timeZone
      formatter.dateFormat = "yyyy-MM-dd"
      day = formatter.string(from: Date())
    }
    for name in list where name != Release.slugify(name) {
      throw ValidationError("the list name “\(name)” must be lowercase letters, digits and hyphens, like “\(Release.slugify(name))”")
    }
    guard !title.trimmingCharacters(in: .whitespaces).isEmpty, !title.contains(where: \.isNewline) else {
      throw ValidationError("the title must be one line of text")
    }
    let draft = ReleaseDraft(title: title, date: ReleaseDate(day)!, lists: list, configuration: configuration)
    let url = workspace.releasesDirectory.appendingPathComponent("\(day)-\(Release.slugify(title)).md")
    let created = try reportingErrors { () throws -> Bool in
      try FileManager.default.createDirectory(at: workspace.releasesDirectory, withIntermediateDirectories: true)
      return try AtomicFile.create(Array(draft.text.utf8), at: url)
    }
    guard created else {
      Terminal.report([Diagnostic(.error, file: Terminal.display(url), line: nil,
        "already exists; edit it, or choose another title or --date")])
      throw ExitCode.failure
    }
    Terminal.say(Terminal.display(url))
  }
}
