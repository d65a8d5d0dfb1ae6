import Foundation
import HeraldDelivery
import HeraldStore

/// One or more delivery runs under one SIGINT/SIGTERM handler (herald deliver --watch runs
/// again and again): a signal stops the run in progress cleanly (messages in flight finish
/// and are recorded, nothing stays claimed) and ends the waiting between runs. Every
/// attempt goes into the store's delivery log; a permanent failure marks the membership
/// bounced, and "no such mailbox" (5.1.x) also suppresses the address.
final class DeliverySession: @unchecked Sendable {  // its state is set in init, then only read
  private let deliverer: Deliverer
  private let store: SubscriberStore?
  private let state = InterruptFlag()
  private var sources: [DispatchSourceSignal] = []

  init(outbox: Outbox, relay: RelayConfiguration, policy: DeliveryPolicy, store: SubscriberStore?) {
    deliverer = Deliverer(outbox: outbox, relay: relay, policy: policy)
    self.store = store
    sources = Terminal.onInterrupt { [deliverer, state] in
      Terminal.warn("\nStopping: messages in flight finish; the rest stays in the Outbox for herald deliver.")
      state.set()
      deliverer.stop()
    }
  }

  deinit { sources.forEach { $0.cancel() } }

  /// Whether SIGINT or SIGTERM came.
  var interrupted: Bool { state.isSet }

  /// Sends what is due now; `total` is for the progress line. While `producing` is true
  /// (a campaign still being enqueued) it waits for more instead of returning.
  func run(total: Int, producing: @escaping @Sendable () -> Bool = { false }) -> Deliverer.Report {
    guard !interrupted else { return Deliverer.Report() }
    let interactive = Terminal.colours(STDERR_FILENO)
    let progress = ProgressLine(total: total, start: Date())
    let log = store.map(DeliveryLog.init)
    let report = deliverer.deliverDue(onResult: { [deliverer, state, store] result in
      // A signal between two runs is seen here, at the first result of the next.
      if state.isSet { deliverer.stop() }
      if interactive { progress.record(result.verdict) }
      guard let store, let log else { return }
      if let id = result.message.subscriber.flatMap(Int64.init) {
        let outcome: String
        switch result.verdict {
        case .sent: outcome = "sent"
        case .deferred: outcome = "deferred"
        case .failed: outcome = "failed"
        }
        log.add(.init(
          subscriberID: id, release: Campaign.release(of: result.message.campaign), campaign: result.message.campaign,
          list: result.message.list, outcome: outcome, reply: result.reply))
      }
      guard case .failed(let suppress) = result.verdict else { return }
      do {
        let source = ConsentSource(kind: "bounce", detail: result.reply)
        _ = try store.setStatus(.bounced, email: result.message.recipient, list: result.message.list, source: source)
        if suppress { _ = try store.suppress(result.message.recipient, reason: "hard bounce: \(result.reply)") }
      } catch let error as StoreError where error.code == .notFound {
        // Forgotten meanwhile: nothing to update.
      } catch {
        Terminal.warn("could not mark \(result.message.recipient) as bounced: \(error)")
      }
    }, producing: producing)
    log?.finish()
    if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return report
  }

  /// Waits until `date`, or less if a signal comes.
  func wait(until date: Date) {
    while !interrupted, date.timeIntervalSinceNow > 0 {
      Thread.sleep(forTimeInterval: min(0.2, date.timeIntervalSinceNow))
    }
  }
}
