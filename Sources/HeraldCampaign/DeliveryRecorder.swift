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
/// The log is written in batches: one transaction per few hundred results, from whichever
/// sending thread fills the batch. Call `finish()` when a run ends.
public final class DeliveryRecorder: @unchecked Sendable {  // state guarded by `lock`
  private let store: SubscriberStore
  private let logger: Logger
  private let onWarning: @Sendable (String) -> Void
  private let lock = NSLock()
  private var pending: [SubscriberStore.DeliveryRecord] = []
  private var lastWrite = Date()
  private var warnedAboutLog = false

  /// Rows written together.
  static let batchSize = 500

  /// Makes a recorder.
  /// - Parameter onWarning: told, in words for people, when the store cannot be written
  ///   (the Outbox still holds every attempt).
  public init(store: SubscriberStore, logger: Logger, onWarning: @escaping @Sendable (String) -> Void = { _ in }) {
    self.store = store
    self.logger = logger
    self.onWarning = onWarning
  }

  /// Records one result: a log row, and for a failure that is the recipient's, the bounce.
  public func record(_ result: Deliverer.Result) {
    if let subscriber = result.message.subscriber {
      add(.init(subscriber: subscriber, campaign: result.message.campaign, list: result.message.list, outcome: result.outcome, reply: result.detail))
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
  public static func isBounce(_ reply: SMTPReply) -> Bool {
    reply.isPermanent && !(reply.enhancedCode?.isPolicy ?? false)
  }

  /// Marks an address bounced on `list` (all its lists when nil), with `evidence`, and
  /// suppresses it when its mailbox is gone. An address that is not (or no longer) a
  /// subscriber is left alone.
  /// - Returns: the lists whose status changed.
  /// - Throws: `StoreError` when the store cannot be written.
  @discardableResult
  public func recordBounce(address: String, list: String?, evidence: String, mailboxGone: Bool) throws -> [String] {
    do {
      let changed = try store.setStatus(.bounced, email: address, list: list, source: .bounce(evidence))
      if mailboxGone { try store.suppress(address, reason: "hard bounce: \(evidence)") }
      return changed
    } catch let error as StoreError where error.code == .notFound {
      return []  // forgotten meanwhile, or never a subscriber
    }
  }

  private func add(_ record: SubscriberStore.DeliveryRecord) {
    let batch: [SubscriberStore.DeliveryRecord]? = lock.withLock {
      pending.append(record)
      guard pending.count >= Self.batchSize || Date().timeIntervalSince(lastWrite) >= 1 else { return nil }
      lastWrite = Date()
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
    if let batch { write(batch) }
  }

  /// Writes what is left of the log.
  public func finish() {
    let batch = lock.withLock { () -> [SubscriberStore.DeliveryRecord] in
      defer { pending.removeAll() }
      return pending
    }
    write(batch)
  }

  private func write(_ batch: [SubscriberStore.DeliveryRecord]) {
    do {
      try store.recordDeliveries(batch)
    } catch {
      // The Outbox holds every attempt too (herald outbox show): say so, once, and go on.
      logger.error("cannot write the delivery log", metadata: ["error": "\(error)", "rows": "\(batch.count)"])
      let first = lock.withLock { () -> Bool in defer { warnedAboutLog = true }; return !warnedAboutLog }
      if first { onWarning("could not write the delivery log (\(error)); the Outbox still records every attempt") }
    }
  }
}
