import ArgumentParser
import Foundation
import HeraldCompose
import HeraldCore
import HeraldStore

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "A release's figures: deliveries (sent, deferred, bounced, complained, unsubscribed) and its inquiries.")

  @OptionGroup var options: WorkspaceOptions
  @Argument(help: ArgumentHelp("The release (its file, or its slug).", valueName: "RELEASE.md")) var release: String
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let slug = Release.slug(naming: release)
    let figures = try options.store().releaseFigures(slug)
    if json {
      try JSONOutput.print(ReleaseFiguresJSON(figures))
      return
    }
    guard !figures.campaigns.isEmpty || figures.inquiries > 0 else {
      Terminal.say("Nothing is known about \(slug) yet: it has not been sent (herald send) and no reply has come back.")
      return
    }
    Terminal.say(Terminal.paint("Release \(slug)", .bold))
    Terminal.say("Campaigns     \(figures.campaigns.joined(separator: ", "))")
    Terminal.say()
    let rows: [(String, Int)] = [
      ("Sent", figures.sent), ("Deferred", figures.deferred), ("Failed", figures.failed), ("Bounced", figures.bounced),
      ("Complained", figures.complained), ("Unsubscribed", figures.unsubscribed), ("Auto-replies", figures.autoReplies),
    ]
    for (label, value) in rows { Terminal.say(label.padding(toLength: 14, withPad: " ", startingAt: 0) + value.formatted().leftPadded(to: 7)) }
    Terminal.say()
    Terminal.say("Inquiries     " + figures.inquiries.formatted().leftPadded(to: 7))
    Terminal.say("  answered    " + figures.answered.formatted().leftPadded(to: 7))
    Terminal.say("  open        " + figures.open.formatted().leftPadded(to: 7))
    if let median = figures.medianFirstAnswer {
      // From when Herald received each question to its first answer.
      Terminal.say("  median time to the first answer: \(LocalTime.span(median))")
    }
  }
}
