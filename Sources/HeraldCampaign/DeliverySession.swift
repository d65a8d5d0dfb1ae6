import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Logging

/// One or more delivery runs of a workspace's Outbox (`herald deliver --watch` and
/// `herald serve` run again and again; `herald send` runs once beside its enqueueing). Every
/// result goes to the store through a `DeliveryRecorder`. `stop()` ends the run in progress
/// cleanly: messages in flight finish and are recorded, nothing stays claimed; it also ends
/// the waiting between runs. `interrupt()` does not wait for the messages in flight.
package final class DeliverySession: Sendable {
  private let deliverer: Deliverer
  private let outbox: Outbox
  private let recorder: DeliveryRecorder?
  private let stopped = Flag()
  /// Signalled when there may be mail to send (enqueued, or a stop).
  private let wakeup: Wakeup

  /// Makes a session.
  /// - Parameters:
  ///   - store: where results are recorded; nil records nothing (the Outbox still does).
  ///   - transport: makes the connections; SMTP through libcurl to `relay` by default.
  ///   - wakeup: signalled when mail is enqueued: `watch` sends it at once.
  ///   - onWarning: told, in words for people, what the session could not record.
  package init(
    outbox: Outbox, relay: RelayConfiguration, policy: DeliveryPolicy, store: SubscriberStore?, logger: Logger,
    transport: Deliverer.TransportFactory? = nil, wakeup: Wakeup = Wakeup(), onWarning: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    if let transport {
      deliverer = Deliverer(outbox: outbox, policy: policy, logger: logger, transport: transport)
    } else {
      deliverer = Deliverer(outbox: outbox, relay: relay, policy: policy, logger: logger)
    }
    self.outbox = outbox
    self.wakeup = wakeup
    recorder = store.map { DeliveryRecorder(store: $0, logger: logger, onWarning: onWarning) }
  }

  /// Stops the run in progress cleanly, and the waiting between runs. Safe from any thread.
  package func stop() {
    stopped.set()
    deliverer.stop()
    wakeup.signal()
  }

  /// Stops at once: the transfers in flight are ended and their messages go back to the
  /// queue. For a shutdown that has waited as long as it may. Safe from any thread.
  package func interrupt() {
    stopped.set()
    deliverer.interrupt()
    wakeup.signal()
  }

  /// Whether `stop()` was called.
  package var isStopped: Bool { stopped.isSet }

  /// Sends what is due now, on the calling thread and the connections' own. While
  /// `producing` is true (a campaign still being enqueued) it waits for more instead of
  /// returning.
  /// - Parameter onResult: told of each result after it is recorded, from the sending threads.
  package func run(producing: @escaping @Sendable () -> Bool = { false }, onResult: @escaping @Sendable (Deliverer.Result) -> Void = { _ in }) -> Deliverer.Report {
    guard !isStopped else { return Deliverer.Report() }
    let report = deliverer.deliverDue(onResult: { [deliverer, stopped, recorder] result in
      // A stop between two runs is seen here, at the first result of the next.
      if stopped.isSet { deliverer.stop() }
      recorder?.record(result)
      onResult(result)
    }, producing: producing)
    recorder?.finish()
    return report
  }

  /// What `watch` tells its caller.
  package enum WatchEvent: Sendable {
    /// Messages a killed process left in active/ went back to the queue.
    case recovered(Int)
    /// A run ended; its report.
    case ran(Deliverer.Report)
    /// The relay keeps failing: why, and when the next try is.
    case paused(String, retryAt: Date)
    /// The Outbox could not be read: why; the watch goes on after `retryIn`.
    case failed(any Error, retryIn: Duration)
  }

  /// Runs again and again until stopped: sends what is queued as it arrives (at once when
  /// the wakeup is signalled, else at the next look), retries deferred messages when due,
  /// and waits out a failing relay (a pause) for at least a minute. Between runs, what
  /// active/ holds was left by a process that has ended and goes back to the queue (only
  /// when no other process has the Outbox open). Runs block their own threads, never the
  /// caller's; the waits between them are the clock's.
  /// - Parameters:
  ///   - interval: how often to look for new messages.
  ///   - clock: what the waits between runs are measured by.
  ///   - onEvent: told of recoveries, runs and pauses.
  /// - Returns: the runs' counts, summed.
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  package func watch<C: Clock>(
    interval: Duration, clock: C = ContinuousClock(), onEvent: @escaping @Sendable (WatchEvent) -> Void
  ) async throws -> Deliverer.Report where C.Duration == Duration {
    var total = Deliverer.Report()
    while !isStopped && !Task.isCancelled {
      let returned = try await BlockingWork.run { [outbox] in try outbox.recover() }
      if returned > 0 { onEvent(.recovered(returned)) }
      let report = try await BlockingWork.runOnThread(named: "herald-deliver") { [self] in run() }
      total.add(report)
      onEvent(.ran(report))
      guard !isStopped else { break }
      if let paused = report.paused {
        // A failing relay: wait the pause out whatever is enqueued meanwhile; only a stop ends it.
        let pause = max(interval, .seconds(60))
        onEvent(.paused(paused, retryAt: Date().addingTimeInterval(Self.seconds(pause))))
        let end = clock.now.advanced(by: pause)
        while !isStopped && !Task.isCancelled && clock.now < end {
          await wakeup.wait(for: clock.now.duration(to: end), clock: clock)
        }
        continue
      }
      var wait = interval
      if let retry = try await BlockingWork.run({ [outbox] in try outbox.nextDeferredAttempt() }) {
        wait = min(wait, .seconds(max(retry.timeIntervalSinceNow, 0.1)))
      }
      await wakeup.wait(for: wait, clock: clock)
    }
    return total
  }

  private static func seconds(_ duration: Duration) -> TimeInterval {
    TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
  }
}
