import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldStore

// What herald send, deliver, outbox, publish and report print with --json.

/// The end of a delivery run (`herald deliver --json`), and of a send that delivered
/// (`herald send --json`, with its campaign and how many it enqueued).
struct DeliveryReportJSON: Encodable {
  var sent: Int
  var deferred: Int
  var failed: Int
  /// Why the run stopped early: the relay kept failing.
  @Nullable var paused: String?
  var deferredReasons: [ReasonJSON]
  var failedReasons: [ReasonJSON]
  /// A send's campaign; left out for herald deliver.
  var campaign: CampaignID?
  /// How many a send enqueued; left out for herald deliver.
  var enqueued: Int?

  enum CodingKeys: String, CodingKey {
    case sent, deferred, failed, paused, campaign, enqueued
    case deferredReasons = "deferred_reasons"
    case failedReasons = "failed_reasons"
  }

  init(_ report: Deliverer.Report, campaign: CampaignID? = nil, enqueued: Int? = nil) {
    sent = report.sent
    deferred = report.deferred
    failed = report.failed
    paused = report.paused
    deferredReasons = report.reasons(for: .deferred).map { ReasonJSON(reason: $0.reason, count: $0.count) }
    failedReasons = report.reasons(for: .failed).map { ReasonJSON(reason: $0.reason, count: $0.count) }
    self.campaign = campaign
    self.enqueued = enqueued
  }
}

/// Why messages were deferred or failed, and how many.
struct ReasonJSON: Encodable {
  var reason: String
  var count: Int
}

/// `herald send --dry-run --json`: who would get it, and who is left out.
struct SendPlanJSON: Encodable {
  var campaign: CampaignID
  var recipients: Int
  var suppressed: Int
  var alreadyReceived: Int
  var inOutbox: Int
  var lists: [String]
  /// Always 0: a dry run sends nothing.
  var sent = 0
  var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case campaign, recipients, suppressed, lists, sent, warnings
    case alreadyReceived = "already_received"
    case inOutbox = "in_outbox"
  }

  init(_ plan: CampaignPlan) {
    campaign = plan.campaign
    recipients = plan.recipients
    suppressed = plan.suppressed
    alreadyReceived = plan.alreadyReceived
    inOutbox = plan.inOutbox
    lists = plan.lists
    warnings = plan.sendingWarnings
  }
}

/// `herald send --json` when nothing was delivered yet (--queue-only, a scheduled send).
struct EnqueuedJSON: Encodable {
  var campaign: CampaignID
  var enqueued: Int
}

/// `herald outbox --json`: counts by state and by campaign, and the next retry.
struct OutboxSummaryJSON: Encodable {
  var total: Int
  /// Every state, 0 when empty.
  var states: [String: Int]
  /// Per campaign, every state.
  var campaigns: [String: [String: Int]]
  @Nullable var nextRetry: Date?

  enum CodingKeys: String, CodingKey {
    case total, states, campaigns
    case nextRetry = "next_retry"
  }

  init(_ counts: Outbox.Counts, nextRetry: Date?) {
    let states = Outbox.State.allCases
    func byState(_ counts: [Outbox.State: Int]) -> [String: Int] {
      Dictionary(uniqueKeysWithValues: states.map { ($0.rawValue, counts[$0] ?? 0) })
    }
    total = counts.total
    self.states = byState(counts.byState)
    campaigns = Dictionary(uniqueKeysWithValues: counts.byCampaign.map { ($0.key.rawValue, byState($0.value)) })
    self.nextRetry = nextRetry
  }
}

/// A message in the Outbox (`herald outbox list --json`).
struct OutboxEntryJSON: Encodable {
  var id: String
  var state: String
  var campaign: CampaignID
  var recipient: String
  /// How many times it was tried.
  var attempts: Int
  @Nullable var lastReply: String?

  enum CodingKeys: String, CodingKey {
    case id, state, campaign, recipient, attempts
    case lastReply = "last_reply"
  }

  init(_ entry: Outbox.Entry) {
    id = entry.message.id
    state = entry.state.rawValue
    campaign = entry.message.campaign
    recipient = entry.message.recipient
    attempts = entry.message.attempts.count
    lastReply = entry.message.attempts.last?.reply
  }
}

/// `herald publish --json`: the release's page in the archive.
struct PublishedJSON: Encodable {
  var slug: String
  var url: String
  var title: String
  var visibleFrom: Date

  enum CodingKeys: String, CodingKey {
    case slug, url, title
    case visibleFrom = "visible_from"
  }
}

/// `herald publish --withdraw --json`.
struct WithdrawnJSON: Encodable {
  var slug: String
  /// Whether it was in the archive.
  var withdrawn: Bool
}

/// `herald report --json`: a release's figures.
struct ReleaseFiguresJSON: Encodable {
  var release: String
  var campaigns: [String]
  var sent: Int
  var deferred: Int
  var failed: Int
  var bounced: Int
  var complained: Int
  var unsubscribed: Int
  var autoReplies: Int
  var inquiries: Int
  var answered: Int
  var open: Int
  /// Seconds; left out until an inquiry is answered.
  var medianFirstAnswer: TimeInterval?

  enum CodingKeys: String, CodingKey {
    case release, campaigns, sent, deferred, failed, bounced, complained, unsubscribed, inquiries, answered, open
    case autoReplies = "auto_replies"
    case medianFirstAnswer = "median_first_answer"
  }

  init(_ figures: SubscriberStore.ReleaseFigures) {
    release = figures.release
    campaigns = figures.campaigns
    sent = figures.sent
    deferred = figures.deferred
    failed = figures.failed
    bounced = figures.bounced
    complained = figures.complained
    unsubscribed = figures.unsubscribed
    autoReplies = figures.autoReplies
    inquiries = figures.inquiries
    answered = figures.answered
    open = figures.open
    medianFirstAnswer = figures.medianFirstAnswer
  }
}
