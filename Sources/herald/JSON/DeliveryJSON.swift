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
  /// Whether a send published the release; left out for herald deliver.
  var archive: ArchiveJSON?
  /// A send under embargo: who got a copy now, who gets it at the lift; left out otherwise.
  var embargo: EmbargoJSON?

  enum CodingKeys: String, CodingKey {
    case sent, deferred, failed, paused, campaign, enqueued, archive, embargo
    case deferredReasons = "deferred_reasons"
    case failedReasons = "failed_reasons"
  }

  init(_ report: Deliverer.Report, campaign: CampaignID? = nil, enqueued: Int? = nil, archive: ArchiveJSON? = nil, embargo: EmbargoJSON? = nil) {
    self.embargo = embargo
    sent = report.sent
    deferred = report.deferred
    failed = report.failed
    paused = report.paused
    deferredReasons = report.reasons(for: .deferred).map { ReasonJSON(reason: $0.reason, count: $0.count) }
    failedReasons = report.reasons(for: .failed).map { ReasonJSON(reason: $0.reason, count: $0.count) }
    self.campaign = campaign
    self.enqueued = enqueued
    self.archive = archive
  }
}

/// Whether `herald send` published the release in the web archive, and why:
/// `{"published": false, "reason": "the list partners is private; …", "url": null}`.
struct ArchiveJSON: Encodable {
  var published: Bool
  var reason: String
  /// The release's page in the archive when it was published.
  @Nullable var url: String?

  enum CodingKeys: String, CodingKey {
    case published, reason, url
  }

  /// What a send did.
  init(_ result: CampaignResult, site: PublicSite) {
    published = result.published != nil
    reason = result.publishProblem.map { "it could not be published: \($0)" } ?? result.publishing.explanation
    url = result.published.map { site.url(.release(slug: $0.slug)) }
  }

  /// What a send would do (--dry-run).
  init(_ decision: PublishDecision) {
    published = decision.publishes
    reason = decision.explanation
    url = nil
  }
}

/// A send under embargo: `{"until": "2026-12-08T05:00:00Z", "copies": 3, "copy_lists":
/// ["press-vetted"], "at_lift": 8, "lift_lists": ["press-en"]}`.
struct EmbargoJSON: Encodable {
  /// When the embargo lifts, and the rest goes.
  var until: Date
  /// How many get an embargoed copy at the send's time, through which lists.
  var copies: Int
  var copyLists: [String]
  /// How many get it at the lift, through which lists.
  var atLift: Int
  var liftLists: [String]

  enum CodingKeys: String, CodingKey {
    case until, copies
    case copyLists = "copy_lists"
    case atLift = "at_lift"
    case liftLists = "lift_lists"
  }

  init(_ send: EmbargoedSend) {
    until = send.lift
    copies = send.copies
    copyLists = send.copyLists
    atLift = send.atLift
    liftLists = send.liftLists
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
  /// Whether sending it would publish it; `url` is null.
  var archive: ArchiveJSON
  /// The conditions the recipients meet (`--where`; a correction's, its original's); empty: all members.
  var conditions: [ConditionJSON]
  /// Who would get it, as the send would write their messages.
  var recipientList: [RecipientJSON]
  /// Under embargo: who would get a copy now, who at the lift; null otherwise.
  @Nullable var embargo: EmbargoJSON?

  enum CodingKeys: String, CodingKey {
    case campaign, recipients, suppressed, lists, sent, warnings, archive, embargo
    case conditions = "where"
    case alreadyReceived = "already_received"
    case inOutbox = "in_outbox"
    case recipientList = "recipient_list"
  }

  init(_ plan: CampaignPlan, recipientList: [RecipientJSON]) {
    self.recipientList = recipientList
    campaign = plan.campaign
    recipients = plan.recipients
    suppressed = plan.suppressed
    alreadyReceived = plan.alreadyReceived
    inOutbox = plan.inOutbox
    lists = plan.lists
    warnings = plan.sendingWarnings
    archive = ArchiveJSON(plan.publishing)
    conditions = plan.conditions.map(ConditionJSON.init)
    embargo = plan.embargo.map(EmbargoJSON.init)
  }
}

/// A condition on subscribers' fields (`herald send --where beat=energy`).
struct ConditionJSON: Encodable {
  var field: String
  /// "=", "~" or "!=".
  var comparison: String
  var value: String

  enum CodingKeys: String, CodingKey {
    case field, value
    case comparison = "operator"
  }

  init(_ condition: SubscriberCondition) {
    field = condition.field
    comparison = condition.comparison.rawValue
    value = condition.value
  }
}

/// `herald send --json` when nothing was delivered yet (--queue-only, a scheduled send).
struct EnqueuedJSON: Encodable {
  var campaign: CampaignID
  var enqueued: Int
  var archive: ArchiveJSON
  /// A send under embargo; left out otherwise.
  var embargo: EmbargoJSON?
}

/// `herald outbox --json`: counts by state and by campaign, and the next retry.
struct OutboxSummaryJSON: Encodable {
  var total: Int
  /// Every state, 0 when empty.
  var states: [String: Int]
  /// Per campaign, every state.
  var campaigns: [String: [String: Int]]
  @Nullable var nextRetry: Date?
  /// The messages that wait for a time set when they were written (--at, or an embargo's
  /// lift): per campaign, how many, and when the first is due.
  var scheduled: [ScheduledJSON]

  enum CodingKeys: String, CodingKey {
    case total, states, campaigns, scheduled
    case nextRetry = "next_retry"
  }

  /// `{"at": "2026-12-08T05:00:00Z", "campaign": "…", "count": 5}`.
  struct ScheduledJSON: Encodable {
    var campaign: CampaignID
    var count: Int
    var at: Date
  }

  init(_ counts: Outbox.Counts, nextRetry: Date?, scheduled: [CampaignID: Outbox.Scheduled] = [:]) {
    self.scheduled = scheduled.sorted { $0.key < $1.key }.map { ScheduledJSON(campaign: $0.key, count: $0.value.count, at: $0.value.first) }
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
  /// Messages that wait in the Outbox for their time (an embargo's lift, --at), and when
  /// the first goes (null: none waits).
  var scheduled: Int
  @Nullable var scheduledAt: Date?
  /// Per language of the translation sent, for a release with translations; empty otherwise.
  var languages: [SubscriberStore.LanguageFigures]
  /// The campaign the figures are of (--campaign); null for the whole release.
  @Nullable var campaign: String?
  /// Bounces by reason: refused by the relay, and returned to the inbox.
  var bounces: [SubscriberStore.BounceFigures]
  /// The receiving domains with the most recipients, with their deferrals by reason.
  var domains: [SubscriberStore.DomainFigures]
  var domainCount: Int
  /// Delivery attempts per hour.
  var hours: [SubscriberStore.HourFigures]
  /// Inquiries per day of arrival.
  var inquiryDays: [SubscriberStore.DayFigures]

  enum CodingKeys: String, CodingKey {
    case release, campaigns, sent, deferred, failed, bounced, complained, unsubscribed, inquiries, answered, open, scheduled, languages
    case campaign, bounces, domains, hours
    case scheduledAt = "scheduled_at"
    case autoReplies = "auto_replies"
    case medianFirstAnswer = "median_first_answer"
    case domainCount = "domain_count"
    case inquiryDays = "inquiry_days"
  }

  init(_ figures: SubscriberStore.ReleaseFigures, scheduled: Outbox.Scheduled? = nil) {
    self.scheduled = scheduled?.count ?? 0
    scheduledAt = scheduled?.first
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
    languages = figures.languages
    campaign = figures.campaign
    bounces = figures.bounces
    domains = figures.domains
    domainCount = figures.domainCount
    hours = figures.hours
    inquiryDays = figures.inquiryDays
  }
}
