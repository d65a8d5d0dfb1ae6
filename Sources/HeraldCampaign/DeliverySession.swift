import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Logging

/// One or more delivery runs of a workspace's Outbox (herald deliver --watch runs again and
/// again; herald send runs once beside its enqueueing). Every result goes to the store
/// through a `DeliveryRecorder`. `stop()` (from a signal handler, say) ends the run in
/// progress cleanly: messages in flight finish and are recorded, nothing stays claimed; it
/// also ends the waiting between runs.
public final class DeliverySession: Sendable {
  private let deliverer: Deliverer
  private let outbox: Outbox
  private let recorder: DeliveryRecorder?
  private let stopped = Flag()

  /// Makes a session.
  /// - Parameters:
  ///   - store: where results are recorded; nil records nothing (the Outbox still does).
  ///   - transport: makes the connections; SMTP through libcurl to `relay` by default.
  ///   - onWarning: told, in words for people, what the session could not record.
  public init(
    outbox: Outbox, relay: RelayConfiguration, policy: DeliveryPolicy, store: SubscriberStore?, logger: Logger,
    transport: Deliverer.TransportFactory? = nil, onWarning: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    if let transport {
      deliverer = Deliverer(outbox: outbox, policy: policy, logger: logger, transport: transport)
    } else {
      deliverer = Deliverer(outbox: outbox, relay: relay, policy: policy, logger: logger)
    }
    self.outbox = outbox
    recorder = store.map { DeliveryRecorder(store: $0, logger: logger, onWarning: onWarning) }
  }

  /// Stops the run in progress cleanly, and the waiting between runs. Safe from any thread.
  public func stop() {
    stopped.set()
    deliverer.stop()
  }

  /// Whether `stop()` was called.
  public var isStopped: Bool { stopped.isSet }

  /// Sends what is due now. While `producing` is true (a campaign still being enqueued) it
  /// waits for more instead of returning.
  /// - Parameter onResult: told of each result after it is recorded, from the sending threads.
  public func run(producing: @escaping @Sendable () -> Bool = { false }, onResult: @escaping @Sendable (Deliverer.Result) -> Void = { _ in }) -> Deliverer.Report {
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
  public enum WatchEvent: Sendable {
    /// Messages a killed process left in active/ went back to the queue.
    case recovered(Int)
    /// A run ended; its report.
    case ran(Deliverer.Report)
    /// The relay keeps failing: why, and when the next try is.
    case paused(String, retryAt: Date)
  }

  /// Runs again and again until stopped: sends what is queued as it arrives, retries
  /// deferred messages when due, and waits out a failing relay (a pause) for at least a
  /// minute. Between runs, what active/ holds was left by a process that has ended and goes
  /// back to the queue (only when no other process has the Outbox open).
  /// - Parameters:
  ///   - interval: how often to look for new messages, in seconds.
  ///   - onEvent: told of recoveries, runs and pauses.
  /// - Returns: the runs' counts, summed.
  /// - Throws: `DeliveryError` when the Outbox cannot be read.
  public func watch(interval: TimeInterval, onEvent: @escaping @Sendable (WatchEvent) -> Void) throws -> Deliverer.Report {
    var total = Deliverer.Report()
    while !isStopped {
      let returned = try outbox.recover()
      if returned > 0 { onEvent(.recovered(returned)) }
      let report = run()
      total.add(report)
      onEvent(.ran(report))
      var next = Date().addingTimeInterval(interval)
      if let paused = report.paused {
        next = Date().addingTimeInterval(max(interval, 60))
        onEvent(.paused(paused, retryAt: next))
      } else if let retry = try outbox.nextDeferredAttempt(), retry < next {
        next = max(retry, Date().addingTimeInterval(0.1))
      }
      wait(until: next)
    }
    return total
  }

  /// Waits until `date`, or less if the session is stopped.
  public func wait(until date: Date) {
    while !isStopped, date.timeIntervalSinceNow > 0 {
      Thread.sleep(forTimeInterval: min(0.2, date.timeIntervalSinceNow))
    }
  }
}
