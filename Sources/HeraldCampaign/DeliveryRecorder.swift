import Foundation
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import Logging

/// Records what delivery came to in the store: every attempt in the delivery log, and for
/// a permanent failure of the recipient the membership marked bounced, with the address
/// suppressed when its mailbox is gone for good (5.1.x, 5.2.1). A refusal that blames the
/// sender (5.7.x: policy, reputation) is logged and never held against the subscriber.
///
/// The log is written in batches by a thread of its own: one transaction per thousand
/// results or per second, whichever comes first. Call `finish()` when a run ends.
package final class DeliveryRecorder: Sendable {
  private struct State {
    /// The rows waiting for the writer.
    var pending: [SubscriberStore.DeliveryRecord] = []
    /// The writer's thread is running.
    var writing = false
    /// `finish()` waits: the writer writes what is left and ends.
    var finishing = false
    var warnedAboutLog = false
  }

  private let store: SubscriberStore
  private let logger: Logger
  private let onWarning: @Sendable (String) -> Void
  private let state = Monitor(State())

  /// Rows written together.
  static let batchSize = 1000

  /// Makes a recorder; its log is written by a thread of its own, so that sending never
  /// waits for the database.
  /// - Parameter onWarning: told, in words for people, when the store cannot be written
  ///   (the Outbox still holds every attempt).
  package init(store: SubscriberStore, logger: Logger, onWarning: @escaping @Sendable (String) -> Void = { _ in }) {
    self.store = store
    self.logger = logger
    self.onWarning = onWarning
  }

  /// Records one result: a log row, and for a failure that is the recipient's, the bounce.
  package func record(_ result: Deliverer.Result) {
    if let subscriber = result.message.subscriber {
      add(.init(
        subscriber: subscriber, campaign: result.message.campaign, list: result.message.list, language: result.message.language,
        outcome: result.outcome, reply: result.detail))
    }
    guard result.outcome == .failed, let reply = result.reply, Self.isBounce(reply) else { return }
    do {
      try recordBounce(address: result.message.recipient, list: result.message.list, evidence: result.detail, mailboxGone: result.mailboxGone)
    } catch {
      logger.warning("cannot mark a bounce", metadata: ["recipient": "\(result.message.recipient)", "error": "\(error)"])
      onWarning("could not mark \(result.message.recipient) as bounced: \(error)")
    }
  }

  /// Whether a permanent refusal is the recipient's: a 5xx that is not about policy or
  /// our own standing (5.7.x).
  package static func isBounce(_ reply: SMTPReply) -> Bool {
    reply.isPermanent && !(reply.enhancedCode?.isPolicy ?? false)
  }

  /// Marks an address bounced on `list` (all its lists when nil), with `evidence`, and
  /// suppresses it when its mailbox is gone. An address that is not (or no longer) a
  /// subscriber is left alone.
  /// - Returns: the lists whose status changed.
  /// - Throws: `StoreError` when the store cannot be written.
  @discardableResult
  package func recordBounce(address: String, list: String?, evidence: String, mailboxGone: Bool) throws -> [String] {
    do {
      let changed = try store.setStatus(.bounced, email: address, list: list, source: .bounce(evidence))
      if mailboxGone { try store.suppress(address, reason: "hard bounce: \(evidence)") }
      return changed
    } catch let error as StoreError where error.code == .notFound {
      return []  // forgotten meanwhile, or never a subscriber
    }
  }

  private func add(_ record: SubscriberStore.DeliveryRecord) {
    let start = state.update(wake: false) { state -> (start: Bool, full: Bool) in
      state.pending.append(record)
      defer { state.writing = true }
      return (!state.writing, state.pending.count >= Self.batchSize)
    }
    if start.start {
      let thread = Thread { [self] in runWriter() }
      thread.name = "herald-delivery-log"
      thread.start()
    } else if start.full {
      state.update { _ in }  // wake the writer: a batch is ready
    }
  }

  /// Writes what is left of the log, and returns when it is written.
  package func finish() {
    guard state.update({ state -> Bool in
      if state.writing { state.finishing = true }
      return state.writing
    }) else { return }
    state.wait(until: { !$0.writing }) { _ in }
  }

  /// The writer: takes the batch when it is full, or every second, or at the end.
  private func runWriter() {
    let take = { (state: inout State) -> (batch: [SubscriberStore.DeliveryRecord], finishing: Bool) in
      defer { state.pending.removeAll(keepingCapacity: true) }
      return (state.pending, state.finishing)
    }
    while true {
      let (batch, finishing) =
        state.wait(until: { $0.pending.count >= Self.batchSize || $0.finishing }, deadline: Date().addingTimeInterval(1), then: take)
        ?? state.update(wake: false, take)
      if !batch.isEmpty { write(batch) }
      let ended = state.update { state -> Bool in
        guard finishing && state.pending.isEmpty else { return false }
        state.writing = false
        state.finishing = false
        return true
      }
      if ended { return }
    }
  }

  private func write(_ batch: [SubscriberStore.DeliveryRecord]) {
    do {
      try store.recordDeliveries(batch)
    } catch {
      // The Outbox holds every attempt too (herald outbox show): say so, once, and go on.
      logger.error("cannot write the delivery log", metadata: ["error": "\(error)", "rows": "\(batch.count)"])
      let first = state.update(wake: false) { state -> Bool in
        defer { state.warnedAboutLog = true }
        return !state.warnedAboutLog
      }
      if first { onWarning("could not write the delivery log (\(error)); the Outbox still records every attempt") }
    }
  }
}
