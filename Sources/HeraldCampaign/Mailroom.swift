import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldWorkspace
import Logging

/// A workspace's outgoing mail: it plans sends of releases, writes them to the Outbox
/// (composed, DKIM-signed, each message durable before it can go), delivers them, and
/// records the results in the store. `herald send` and `herald deliver` go through it; so
/// will the inbox (replies) and the web server (confirmations, notifications).
package final class Mailroom: Sendable {
  /// The workspace.
  package let workspace: Workspace
  /// herald.yml, read once.
  package let configuration: Configuration
  /// The subscriber store.
  package let store: SubscriberStore
  /// The Outbox.
  package let outbox: Outbox
  /// The DKIM keys every message is signed with (none: unsigned).
  package let signers: [DKIMSigner]
  /// The public site's addresses (herald.yml's `base_url`).
  package let site: PublicSite
  /// The time of day: the system's, or a test's.
  package let clock: WallClock
  let logger: Logger
  /// The workspace's link signer, read once; the error when the secret is missing.
  private let links: Result<LinkSigner, WorkspaceError>
  /// Signalled when this mailroom enqueues mail: its delivery sessions send it at once.
  let outboxChanged = Wakeup()
  /// The campaign of each Outbox message seen so far, by name (`progress(of:)` reads the
  /// header of a message once).
  let messageCampaigns = Shared<[String: CampaignID]>([:])

  /// Opens a workspace's configuration, store, Outbox and DKIM keys.
  /// - Parameters:
  ///   - clock: what `now` is for forms, links and one-off mail (tests set it).
  ///   - storeBusyTimeout: how long a store write waits for another process's (tests shorten it).
  /// - Throws: `WorkspaceError` (not a workspace, a key file others can read),
  ///   `.configuration` (herald.yml), `StoreError`, `DeliveryError`.
  package init(
    workspace: Workspace, clock: WallClock = .system, storeBusyTimeout: TimeInterval = SubscriberStore.defaultBusyTimeout,
    logger: Logger = Logger(label: "herald")
  ) throws {
    self.workspace = workspace
    self.configuration = try workspace.configuration()
    self.store = try workspace.openStore(busyTimeout: storeBusyTimeout, logger: logger)
    self.outbox = try workspace.openOutbox(logger: logger)
    self.signers = try workspace.dkimSigners(configuration)
    self.site = configuration.compose.site
    self.clock = clock
    self.logger = logger
    do {
      links = .success(try workspace.linkSigner())
    } catch let error as WorkspaceError {
      links = .failure(error)
    }
  }

  /// The signer of the workspace's links (unsubscribe, confirmation, forms).
  /// - Throws: `WorkspaceError` when the workspace's secret is missing or unreadable.
  package func linkSigner() throws -> LinkSigner {
    try links.get()
  }

  // MARK: Planning

  /// Works out a send without writing anything: composes the release, checks it, applies
  /// the embargo (lists that take embargoed copies get one at the send's time, the others
  /// the release when it lifts: `EmbargoedSend`) and the correction rules, and counts who
  /// gets it and who is left out.
  /// - Parameter now: the present, for the embargo, scheduling and the campaign's name.
  /// - Throws: `CampaignError` (release errors, a correction whose original is
  ///   still waiting, no lists), `ComposeError` for a release that cannot be read,
  ///   `StoreError` for an unknown list or campaign.
  package func plan(_ request: CampaignRequest, now: Date = Date()) throws -> CampaignPlan {
    // Unsubscribes taken while the store was busy (by herald serve, perhaps one that has
    // stopped since) count before anyone is chosen: nobody who unsubscribed gets this.
    try store.applyPendingUnsubscribes()
    let family = try workspace.composeFamily(request.release, configuration: configuration)
    let composed = family.first
    let diagnostics = try ReleaseChecker.diagnostics(for: family)
      + RecipientCheck.diagnostics(for: family.family, audience: request.checkedAudience, conditions: request.conditions, store: store)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw CampaignError(.releaseHasErrors, "the release has errors; nothing was sent", diagnostics: diagnostics)
    }
    let release = composed.release
    let embargo = embargoInForce(of: release, at: request.sendAt.map { max($0, now) } ?? now)
    if request.correctionOf != nil && !request.lists.isEmpty {
      throw CampaignError(.invalidRequest, "a correction goes to its campaign's recipients; leave out --list")
    }
    if request.correctionOf != nil && !request.conditions.isEmpty {
      throw CampaignError(.invalidRequest, "a correction goes to exactly those its campaign reached, who met its conditions; leave out --where")
    }
    var lists = request.lists.isEmpty ? release.lists : request.lists
    if embargo != nil { lists = try copyListsFirst(lists) }
    let audience: SubscriberStore.Audience = request.correctionOf.map { .campaign($0) } ?? .lists(lists, where: request.conditions)
    if case .lists = audience, lists.isEmpty {
      throw CampaignError(.invalidRequest, "the release names no lists; pass --list NAME, or add “lists: [NAME]” to its front matter")
    }
    var campaign = CampaignID(release: release.slug, started: now, correction: request.correctionOf != nil)
    if let resumed = request.resume {
      guard resumed.releaseKey == campaign.releaseKey else {
        throw CampaignError(.invalidRequest,
          "campaign \(resumed) is not a \(request.correctionOf == nil ? "send" : "correction") of \(release.slug); it cannot be resumed as one")
      }
      campaign = resumed
    }
    if let original = request.correctionOf {
      // A correction goes to those the original reached; it must not overtake the original.
      let waiting = try outbox.counts().byCampaign[original].map { counts in
        [Outbox.State.queue, .active, .deferred, .hold].reduce(0) { $0 + (counts[$1] ?? 0) }
      } ?? 0
      if waiting > 0 {
        throw CampaignError(.correctionWaiting,
          "campaign \(original) still has \(waiting.formatted()) message(s) waiting in the Outbox; send the correction once they are delivered or failed (herald deliver, herald outbox)")
      }
    }
    // Messages of this release already in the Outbox count as received: those still
    // waiting, and those sent just before a crash whose row the delivery log (written in
    // batches) did not get.
    let releaseKey = campaign.releaseKey
    // A resumed campaign skips whoever it wrote already, also when sending again.
    let skipping: Set<SubscriberID> = request.again && request.resume == nil ? [] : Set(
      try outbox.envelopes(in: [.queue, .active, .deferred, .hold, .sent, .failed])
        .filter { entry in
          entry.message.campaign == request.resume
            || (!request.again && entry.state != .failed && entry.message.campaign.releaseKey == releaseKey)
        }
        .compactMap(\.message.subscriber))
    let excluding = request.again ? nil : releaseKey
    let count = try store.recipientCount(audience, excludingReceived: excluding)
    var inOutbox = 0  // in the Outbox, not (yet) in the delivery log
    if !skipping.isEmpty {
      try store.forEachRecipient(audience, excludingReceived: excluding) { if skipping.contains($0.subscriber.id) { inOutbox += 1 } }
    }
    let date = request.sendAt.map { max($0, now) } ?? now
    // Published only when everyone could have subscribed, or the release says so.
    let reached = try request.correctionOf.map { try store.lists(ofCampaign: $0.rawValue) } ?? lists
    let publishing = PublishDecision(release: release, lists: reached, known: try store.lists())
    // A correction goes to the people its original reached: they met its conditions.
    let conditions = try request.correctionOf.map { try store.conditions(ofCampaign: $0) } ?? request.conditions
    let embargoed = try embargo.map {
      try embargoedSend($0, audience: audience, lists: reached, excludingReceived: excluding, skipping: skipping)
    }
    return CampaignPlan(
      campaign: campaign, composed: composed, family: family, audience: audience, lists: request.correctionOf == nil ? lists : [],
      correctionOf: request.correctionOf, releasePath: request.release, recipients: count.recipients - inOutbox,
      suppressed: count.suppressed, alreadyReceived: count.alreadyReceived, inOutbox: inOutbox, again: request.again,
      date: date, scheduled: (request.sendAt.map { $0 > now } ?? false) || embargoed?.copies == 0, embargo: embargoed,
      sender: (release.from ?? configuration.compose.from).address, signers: signers,
      warnings: diagnostics, sendingWarnings: SendingRules.warnings(composed: composed, configuration: configuration, signers: signers),
      publishing: publishing, conditions: conditions, listFigures: request.correctionOf == nil ? try store.listFigures(lists) : [],
      skipping: skipping)
  }

  // MARK: Sending

  /// The relay to deliver through: `override` (--smtp) or herald.yml's, with its AUTH
  /// credentials (see `Workspace.relay`).
  package func relay(override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RelayConfiguration {
    try workspace.relay(configuration, override: override, environment: environment)
  }

  /// A delivery session on this workspace's Outbox that records results in its store, with
  /// herald.yml's delivery policy.
  /// - Parameters:
  ///   - transport: makes connections; SMTP over libcurl to `relay` by default.
  ///   - priority: the sending threads' CPU priority: `.background` in a process that also
  ///     answers requests (`herald serve`).
  ///   - onWarning: told what could not be recorded.
  package func deliverySession(
    relay: RelayConfiguration, transport: Deliverer.TransportFactory? = nil, priority: SendingPriority = .normal,
    onWarning: @escaping @Sendable (String) -> Void = { _ in }
  ) -> DeliverySession {
    var policy = configuration.delivery
    policy.priority = priority
    return DeliverySession(
      outbox: outbox, relay: relay, policy: policy, store: store, logger: logger, transport: transport, wakeup: outboxChanged,
      onWarning: onWarning)
  }

  /// Runs a plan: composes, signs and enqueues one message per recipient, in batches, each
  /// durable before it can be sent; with a `session`, delivery starts with the first batch
  /// and goes on while the rest is written. Results are recorded in the store, and the
  /// report written to Outbox/reports/. Composing and delivering run on threads of their
  /// own; the caller's task waits for both.
  /// - Parameters:
  ///   - session: delivers; nil leaves the messages in the Outbox for `herald deliver`
  ///     (--queue-only, or a scheduled send).
  ///   - onResult: told of each delivery result, from the sending threads.
  ///   - stopAfter: a test's hook: writing stops once this many recipients were read, as
  ///     in a process killed part-way (what was written stays, and so does the mark).
  /// - Throws: `CampaignError` `.nothingToSend` when no one is left, `.enqueueIncomplete`
  ///   when writing stopped part-way (what was written stays in the Outbox, and is sent);
  ///   `FileError` when the report cannot be written.
  package func send(
    _ plan: CampaignPlan, session: DeliverySession?, onResult: @escaping @Sendable (Deliverer.Result) -> Void = { _ in },
    stopAfter: Int? = nil
  ) async throws -> CampaignResult {
    if let reason = plan.nothingToSend { throw CampaignError(.nothingToSend, reason) }
    // And those taken since the plan was made; then the conditions the recipients met.
    try await BlockingWork.run { [store] in
      _ = try store.applyPendingUnsubscribes()
      try store.recordConditions(plan.conditions, of: plan.campaign, at: plan.date)
    }
    try EnqueueMark.begin(plan.campaign, release: plan.releasePath, recipients: plan.recipients, outbox: outbox.directory)
    let enqueueing = Flag()  // set when enqueueing has ended
    async let delivered = deliver(with: session, while: { !enqueueing.isSet }, onResult: onResult)
    // The lists' languages, for readers whose own is not known (a translated release only).
    var listLanguages: [String: String] = [:]
    if plan.family.family.isTranslated {
      listLanguages = try await BlockingWork.run { [store] in
        Dictionary(try store.lists().compactMap { list in list.language.map { (list.name, $0) } }) { first, _ in first }
      }
    }
    let writer = CampaignWriter(
      composed: plan.composed, campaign: plan.campaign, sender: plan.sender, signers: plan.signers, outbox: outbox, date: plan.date,
      embargo: plan.embargo, family: plan.family, listLanguages: listLanguages, written: { [outboxChanged] in outboxChanged.signal() })
    let (enqueued, enqueueError) = try await BlockingWork.runOnThread(named: "herald-enqueue") { [store] in
      writer.write(skipping: plan.skipping) { body in
        var read = 0
        try store.forEachRecipient(plan.audience, excludingReceived: plan.excludingReceived) { recipient in
          read += 1
          if let stopAfter, read > stopAfter { throw CampaignError(.enqueueIncomplete, "stopped after \(stopAfter) recipients (a test's hook)") }
          try body(recipient)
        }
      }
    }
    enqueueing.set()
    var published: Publication?
    var publishProblem: String?
    if enqueueError == nil {
      EnqueueMark.end(plan.campaign, release: plan.releasePath, outbox: outbox.directory)
    }
    if enqueueError == nil, plan.publishing.publishes {
      // Sent to public lists (or publish: true) is published: the archive shows it from the
      // send's time (or its embargo's end).
      do {
        published = try await BlockingWork.run { [self] in try publish(plan.family, at: plan.date, campaign: plan.campaign) }
      } catch {
        publishProblem = "\(error)"
        logger.warning("the release was sent but could not be published to the archive", metadata: ["error": "\(error)"])
      }
    }
    let report = try await delivered
    var reportFile: URL?
    if let report {
      reportFile = try CampaignReport.write(
        campaign: plan.campaign, subject: plan.composed.release.subject,
        lists: plan.correctionOf.map { ["correction of \($0)"] } ?? plan.lists, conditions: plan.conditions, enqueued: enqueued,
        report: report, outbox: outbox.directory,
        scheduled: plan.embargo.flatMap { $0.atLift > 0 ? Outbox.Scheduled(count: $0.atLift, first: $0.lift) : nil },
        timeZone: configuration.compose.timeZone)
    }
    if let enqueueError {
      throw CampaignError(.enqueueIncomplete,
        "only \(enqueued.formatted()) of \(plan.recipients.formatted()) messages could be enqueued: \(enqueueError)\n"
          + "The \(enqueued.formatted()) enqueued are in the Outbox\(report == nil ? "" : " (sent, or retried by herald deliver)"). "
          + "Fix the problem and run herald send again: it reaches only those who have not received the release.",
        underlying: enqueueError)
    }
    return CampaignResult(
      campaign: plan.campaign, enqueued: enqueued, delivery: report, reportFile: reportFile, publishing: plan.publishing, published: published,
      publishProblem: publishProblem)
  }

  /// A delivery run beside the enqueueing, on a thread of its own; nil without a session.
  private func deliver(
    with session: DeliverySession?, while producing: @escaping @Sendable () -> Bool, onResult: @escaping @Sendable (Deliverer.Result) -> Void
  ) async throws -> Deliverer.Report? {
    guard let session else { return nil }
    return try await BlockingWork.runOnThread(named: "herald-deliver") { session.run(producing: producing, onResult: onResult) }
  }

  /// Signs messages with the workspace's DKIM keys and writes them to the Outbox, durably:
  /// one-off mail (a confirmation, a notification, a reply) goes out the way campaigns do.
  /// - Throws: `CampaignError` `.signing`, or `DeliveryError` when the Outbox cannot take them.
  package func enqueue(_ messages: [OutboxMessage], at time: Date = Date()) throws {
    var signed = messages
    try MessageSigning.sign(&signed, with: signers, at: time)
    try outbox.enqueue(signed)
    outboxChanged.signal()
  }

  /// Signs one message of one-off mail (a confirmation, a notice, a reply) and writes it to
  /// the Outbox, named after its kind (`CampaignID(kind:started:)`), from the workspace's sender.
  /// - Returns: the message as the Outbox holds it (its id tells its result apart).
  /// - Throws: `CampaignError` `.signing`, or `DeliveryError` when the Outbox cannot take it.
  @discardableResult
  package func enqueue(_ message: ComposedMessage, kind: MailKind, subscriber: SubscriberID?, at time: Date) throws -> OutboxMessage {
    let outbox = OutboxMessage(
      campaign: CampaignID(kind: kind, started: time), sender: configuration.compose.from.address, recipient: message.recipient.address,
      subscriber: subscriber, created: time, bytes: message.bytes)
    try enqueue([outbox], at: time)
    return outbox
  }
}
