import ArgumentParser
import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "A release's figures: deliveries (sent, deferred, bounced, complained, unsubscribed) and its inquiries.")

  @OptionGroup var options: WorkspaceOptions
  @Argument(help: ArgumentHelp("The release (its file, or its slug).", valueName: "RELEASE.md")) var release: String
  @Option(help: ArgumentHelp("Only this campaign of the release (its name, as `herald campaigns` lists it).", valueName: "ID"))
  var campaign: String?
  @Flag(help: "Print JSON.") var json = false

  func validate() throws {
    if let campaign {
      guard let id = CampaignID(campaign), id.release == Release.slug(naming: release) else {
        throw ValidationError("“\(Terminal.safe(campaign))” is not a campaign of \(Terminal.safe(Release.slug(naming: release))): give one that `herald report \(Terminal.safe(release))` lists under Campaigns.")
      }
    }
  }

  func run() throws {
    let slug = Release.slug(naming: release)
    let id = campaign.flatMap { CampaignID($0) }
    let zone = (try? options.value.configuration())?.compose.timeZone ?? .current
    // A campaign's deliveries are kept under its release key (a correction's is SLUG-correction).
    let figures = try options.store().releaseFigures(id?.releaseKey ?? slug, campaign: id, timeZone: zone)
    // What waits in the Outbox for its time (the part of an embargoed send that goes at the lift).
    let scheduled = try options.value.openOutbox(logger: options.logger).scheduled()
      .filter { [slug, slug + "-correction"].contains($0.key.releaseKey) }.values
      .reduce(nil as Outbox.Scheduled?) { sum, next in
        Outbox.Scheduled(count: (sum?.count ?? 0) + next.count, first: min(sum?.first ?? next.first, next.first))
      }
    if json {
      try JSONOutput.print(ReleaseFiguresJSON(figures, scheduled: scheduled))
      return
    }
    guard !figures.campaigns.isEmpty || figures.inquiries > 0 || scheduled != nil else {
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
    if !figures.languages.isEmpty {
      // A release sent in several languages: who got which translation.
      Terminal.say()
      Terminal.say("By language         Sent  Deferred    Failed")
      for entry in figures.languages {
        let name = "\(LanguageTag.autonym(entry.language)) (\(entry.language))"
        Terminal.say(
          "  " + name.padding(toLength: 15, withPad: " ", startingAt: 0) + entry.sent.formatted().leftPadded(to: 7)
            + entry.deferred.formatted().leftPadded(to: 10) + entry.failed.formatted().leftPadded(to: 10))
      }
    }
    if figures.bounced > 0 {
      Terminal.say()
      Terminal.say("Bounces by reason   Refused  Returned")
      for entry in figures.bounces where entry.total > 0 {
        let name: String = bounceName(entry.reason).padding(toLength: 17, withPad: " ", startingAt: 0)
        Terminal.say("  " + name + entry.refused.formatted().leftPadded(to: 8) + entry.returned.formatted().leftPadded(to: 10))
      }
    }
    if !figures.domains.isEmpty {
      Terminal.say()
      Terminal.say("Receiving domains (\(figures.domainCount.formatted()) in all)")
      for entry in figures.domains {
        let reasons: String = entry.deferrals.map { "\(bounceName($0.reason)) \($0.count)" }.joined(separator: ", ")
        let name: String = Terminal.safe(entry.domain).padding(toLength: 24, withPad: " ", startingAt: 0)
        let sent: String = entry.sent.formatted().leftPadded(to: 7) + " sent"
        let deferred: String = entry.deferred.formatted().leftPadded(to: 7) + " deferred"
        let failed: String = entry.failed.formatted().leftPadded(to: 7) + " failed"
        let why: String = reasons.isEmpty ? "" : "  (\(reasons))"
        Terminal.say("  " + name + sent + deferred + failed + why)
      }
    }
    if let scheduled {
      Terminal.say("Scheduled     " + scheduled.count.formatted().leftPadded(to: 7) + "   from \(EmbargoTime.readable(scheduled.first, in: zone)) (herald deliver sends them then)")
    }
    Terminal.say()
    Terminal.say("Inquiries     " + figures.inquiries.formatted().leftPadded(to: 7))
    Terminal.say("  answered    " + figures.answered.formatted().leftPadded(to: 7))
    Terminal.say("  open        " + figures.open.formatted().leftPadded(to: 7))
    if let median = figures.medianFirstAnswer {
      // From when Herald received each question to its first answer.
      Terminal.say("  median time to the first answer: \(LocalTime.span(median))")
    }
  }

  func bounceName(_ reason: BounceReason) -> String {
    switch reason {
    case .mailboxGone: "mailbox gone"
    case .mailboxFull: "mailbox full"
    case .policy: "policy, blocked"
    case .other: "other"
    }
  }
}
