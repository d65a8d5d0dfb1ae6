import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import Logging

/// The sends the desk runs: each is recorded in the store before anything is written, then
/// written to the Outbox by `Mailroom.send` (compose, sign, enqueue: what `herald send
/// --queue-only` does) in a task of its own, never on an event loop. Delivery is not the
/// desk's: `herald serve`'s delivery service (or `herald deliver`) sends what is in the
/// Outbox, scheduled messages at their time. A send that was recorded but did not finish
/// writing when the desk stopped is resumed when it starts again (`resume()`): the same
/// campaign, re-planned, skipping whoever has a message of it already.
final class DeskSends: Sendable {
  let mailroom: Mailroom
  let logger: Logger
  /// The sends running in this process, by id.
  private let running = Shared<Set<Int64>>([])
  /// A test's hook: a send stops writing after this many recipients and stays unfinished,
  /// as in a desk killed part-way (see `Mailroom.send`'s `stopAfter`).
  let stopAfter = Shared<Int?>(nil)

  init(mailroom: Mailroom, logger: Logger) {
    self.mailroom = mailroom
    self.logger = logger
  }

  /// Records a send of `plan` (the release file `file`, asked for as `request` by `user`)
  /// and starts writing it; returns the record.
  /// - Throws: `StoreError` `.alreadyExists` when its campaign is already being sent.
  func start(_ plan: CampaignPlan, file: String, request: DeskSendRequest, user: DeskUserID) async throws -> DeskSend {
    let record = DeskSend(
      releaseFile: file, request: request.json, userID: user, createdAt: mailroom.clock.now, state: .queued, campaign: plan.campaign,
      recipients: plan.recipients, sendAt: plan.scheduled ? plan.date : nil)
    let send = try await BlockingWork.run { try self.mailroom.store.addDeskSend(record) }
    run(send, plan)
    return send
  }

  /// The unfinished send of the release file `file`, if there is one.
  func unfinished(file: String) throws -> DeskSend? {
    try mailroom.store.deskSends(in: [.queued, .enqueueing]).first { $0.releaseFile == file }
  }

  /// Whether the send `id` is being written by this process.
  func isRunning(_ id: Int64) -> Bool { running.value.contains(id) }

  /// Resumes the sends that were recorded but did not finish writing the Outbox (the desk
  /// stopped meanwhile). One whose release can no longer be planned (it was changed and has
  /// errors now, or is gone) is marked failed, with the reason on its page.
  func resume() async {
    let sends: [DeskSend]
    do {
      sends = try await BlockingWork.run { try self.mailroom.store.deskSends(in: [.queued, .enqueueing]) }
    } catch {
      logger.error("the desk's unfinished sends could not be read", metadata: ["error": "\(error)"])
      return
    }
    for send in sends where !isRunning(send.id) {
      do {
        guard let request = DeskSendRequest(json: send.request) else {
          throw CampaignError(.invalidRequest, "its request could not be read back from the store (desk_send.request)")
        }
        let path = mailroom.workspace.releasesDirectory.appendingPathComponent(send.releaseFile).path
        let plan = try await BlockingWork.run {
          try self.mailroom.plan(request.campaignRequest(path: path, resuming: send.campaign), now: self.mailroom.clock.now)
        }
        if plan.nothingToSend != nil {
          // Everyone it was for has it already: it had written them all when the desk stopped.
          try await finish(send.id, campaign: plan.campaign)
          continue
        }
        logger.info("resuming a send the desk had not finished", metadata: ["campaign": "\(plan.campaign)", "left": "\(plan.recipients)"])
        run(send, plan)
      } catch {
        await fail(send.id, "The send stopped when the desk did, and could not be resumed: \(Self.reason(error))")
      }
    }
  }

  /// Writes `plan` for the record `send`, in a task of its own.
  private func run(_ send: DeskSend, _ plan: CampaignPlan) {
    running.withLock { _ = $0.insert(send.id) }
    let stopAfter = stopAfter.value
    Task.detached { [self] in
      defer { running.withLock { _ = $0.remove(send.id) } }
      do {
        try await BlockingWork.run {
          try self.mailroom.store.updateDeskSend(send.id, state: .enqueueing, campaign: plan.campaign, recipients: plan.recipients)
        }
        _ = try await mailroom.send(plan, session: nil, stopAfter: stopAfter)
        try await finish(send.id, campaign: plan.campaign)
      } catch {
        // The test's hook stands for a desk killed part-way: the record stays unfinished.
        if stopAfter != nil { return }
        logger.error("a send from the desk failed", metadata: ["campaign": "\(plan.campaign)", "error": "\(error)"])
        await fail(send.id, Self.reason(error))
      }
    }
  }

  /// Marks a send whole in the Outbox, with how many messages of its campaign are there.
  private func finish(_ id: Int64, campaign: CampaignID) async throws {
    try await BlockingWork.run {
      let total = try self.mailroom.progress(of: campaign).total
      try self.mailroom.store.updateDeskSend(id, state: .enqueued, enqueued: total, finishedAt: self.mailroom.clock.now)
    }
  }

  private func fail(_ id: Int64, _ reason: String) async {
    do {
      try await BlockingWork.run { try self.mailroom.store.updateDeskSend(id, state: .failed, error: reason, finishedAt: self.mailroom.clock.now) }
    } catch {
      logger.error("a failed send could not be recorded", metadata: ["send": "\(id)", "reason": "\(reason)", "error": "\(error)"])
    }
  }

  /// An error's message for a person.
  static func reason(_ error: any Error) -> String {
    (error as? any HeraldError).map { DeskServer.sentence($0.message) } ?? DeskServer.sentence("\(error)")
  }
}
