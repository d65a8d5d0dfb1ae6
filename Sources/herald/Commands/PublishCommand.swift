import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose

struct PublishCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "publish",
    abstract: "Put a release in the web archive without mailing it (herald send publishes what it sends).",
    discussion: """
      The archive (herald serve) shows a release from its publication time, or from the end \
      of its embargo when that is later. Publishing again updates the page (a corrected \
      release). --withdraw takes it out of the archive.
      """
  )

  @OptionGroup var options: WorkspaceOptions
  @Argument(help: ArgumentHelp("The release file (or, with --withdraw, its slug).", valueName: "RELEASE.md")) var release: String
  @Option(help: ArgumentHelp("Publish at this time instead of now (2026-12-01T09:00:00+01:00).", valueName: "TIME")) var at: Instant?
  @Flag(help: "Take the release out of the archive.") var withdraw = false
  @Flag(help: "Print JSON.") var json = false

  func validate() throws {
    if withdraw && at != nil { throw ValidationError("--withdraw takes no --at") }
  }

  func run() throws {
    let mailroom = try options.mailroom()
    if withdraw {
      let slug = Release.slug(naming: release)
      let was = try mailroom.withdraw(slug)
      if json { try JSONOutput.print(WithdrawnJSON(slug: slug, withdrawn: was)) } else {
        Terminal.say(was ? "Withdrew \(slug) from the archive." : "\(slug) was not in the archive; nothing changed.")
      }
      return
    }
    let publication = try mailroom.publish(release: release, at: at?.date ?? Date())
    let url = mailroom.site.url(.release(slug: publication.slug))
    let time = ISO8601DateFormatter().string(from: publication.visibleFrom)
    if json {
      try JSONOutput.print(PublishedJSON(slug: publication.slug, url: url, title: publication.title, visibleFrom: publication.visibleFrom))
      return
    }
    Terminal.say("Published \(publication.slug): \(url)")
    if publication.visibleFrom > Date() {
      Terminal.say("It appears at \(time) (its embargo or --at); until then the archive does not show it.")
    }
  }
}
