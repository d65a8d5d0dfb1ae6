import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

/// A send worked out before anything is written: the release composed, who gets it, who
/// is left out and why, when it goes, how it is signed. A value to show a person, to
/// confirm, and then to run (`Mailroom.send`).
package struct CampaignPlan: Sendable {
  /// The campaign's name, as the Outbox, the delivery log and the reports know it.
  package var campaign: CampaignID
  /// The release, composed once (in its first language).
  package var composed: ComposedRelease
  /// The release with its translations, each composed once; every reader gets theirs.
  package var family: ComposedFamily
  /// Who it goes to.
  package var audience: SubscriberStore.Audience
  /// The lists it goes through (empty for a correction, which follows its original).
  package var lists: [String]
  /// The campaign a correction corrects.
  package var correctionOf: CampaignID?
  /// The release file as the request named it (reports and warnings repeat it).
  package var releasePath: String
  /// How many get a message.
  package var recipients: Int
  /// Members left out because their address or domain is suppressed.
  package var suppressed: Int
  /// Members left out because they already received the release (unless `again`).
  package var alreadyReceived: Int
  /// Members left out because a message of this release for them is already in the
  /// Outbox (waiting, or sent just before an interruption and not yet in the log).
  package var inOutbox: Int
  /// Whether those who already received it get it again.
  package var again: Bool
  /// When the messages are dated, and aged from for retries: now, or the time a
  /// scheduled send goes out.
  package var date: Date
  /// Whether it waits in the Outbox for `herald deliver` at `date` (or, under embargo with
  /// no embargoed copies to send, at the lift).
  package var scheduled: Bool
  /// Under embargo at `date`: who gets an embargoed copy then, and who at the lift.
  package var embargo: EmbargoedSend?
  /// The envelope sender (MAIL FROM).
  package var sender: String
  /// The DKIM keys every message is signed with, one signature each.
  package var signers: [DKIMSigner]
  /// The release's warnings (`herald check`).
  package var warnings: [Diagnostic]
  /// The bulk senders' rules the configuration breaks (`SendingRules`).
  package var sendingWarnings: [String]
  /// Whether sending it puts it in the public web archive, and why.
  package var publishing: PublishDecision
  /// The conditions its recipients meet (`--where`), recorded with the campaign; for a
  /// correction, those its original's recipients met (it goes to the same people).
  package var conditions: [SubscriberCondition] = []
  /// Each list it goes through, with its members and who it leaves out and why
  /// (unsubscribed, bounced, suppressed); empty for a correction.
  package var listFigures: [SubscriberStore.ListFigures] = []

  /// Subscribers who have a message of this release in the Outbox already.
  var skipping: Set<SubscriberID>

  /// Why nothing would be sent, when no one is left; nil when there are recipients.
  package var nothingToSend: String? {
    guard recipients == 0 else { return nil }
    if alreadyReceived + inOutbox > 0 { return "everyone already received this release; add --again to send it anyway" }
    if suppressed > 0 { return "no one to send to: every member is suppressed" }
    if correctionOf == nil && !conditions.isEmpty {
      return "no one to send to: no subscribed member of the lists meets \(conditions.map(\.description).joined(separator: " and "))"
    }
    return correctionOf == nil ? "no one to send to: the lists have no subscribed members" : "no one to send to: no one the campaign reached is still subscribed"
  }

  /// What the delivery log counts as having received it: `excludingReceived` for the
  /// recipients query, nil with `again`.
  var excludingReceived: String? { again ? nil : campaign.releaseKey }
}

/// What `Mailroom.send` did.
package struct CampaignResult: Sendable {
  /// The campaign.
  package var campaign: CampaignID
  /// How many messages went into the Outbox.
  package var enqueued: Int
  /// What delivery did, when the send delivered (not for --queue-only or a scheduled send).
  package var delivery: Deliverer.Report?
  /// Outbox/reports/CAMPAIGN.txt, when delivery ran.
  package var reportFile: URL?
  /// Whether the send was to publish the release in the web archive, and why.
  package var publishing: PublishDecision
  /// The release as the web archive holds it now; nil when it was not to be published
  /// (`publishing`) or could not be (`publishProblem` says why).
  package var published: Publication?
  /// Why the release could not be published to the archive.
  package var publishProblem: String?
}
