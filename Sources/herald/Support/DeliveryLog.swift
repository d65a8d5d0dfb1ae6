import Foundation
import HeraldStore

/// The delivery log, written in batches: one transaction per few hundred results instead of
/// one per message, from whichever sending thread fills the batch.
final class DeliveryLog: @unchecked Sendable {
  private let store: SubscriberStore
  private let lock = NSLock()
  private var pending: [SubscriberStore.DeliveryRecord] = []
  private var lastWrite = Date()
  private var warned = false

  init(store: SubscriberStore) {
    self.store = store
  }

  func add(_ record: SubscriberStore.DeliveryRecord) {
    let batch: [SubscriberStore.DeliveryRecord]? = lock.withLock {
      pending.append(record)
      guard pending.count >= 500 || Date().timeIntervalSince(lastWrite) >= 1 else { return nil }
      lastWrite = Date()
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
    if let batch { write(batch) }
  }

  /// Writes what is left.
  func finish() {
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
      let first = lock.withLock { () -> Bool in defer { warned = true }; return !warned }
      if first { Terminal.warn("could not write the delivery log (\(error)); the Outbox still records every attempt") }
    }
  }
}
