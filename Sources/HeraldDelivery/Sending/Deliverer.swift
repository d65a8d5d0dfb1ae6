import Foundation
import HeraldCore
import HeraldMail
import Logging
import Synchronization

/// Sends what is due in the Outbox through the relay: N connections in parallel, each its
/// own thread with its own libcurl handle, claiming its own messages (the next one while the
/// relay works on the current one; stopping leaves nothing claimed), within the rate limit. Each result is recorded in the Outbox
/// at once: 2xx sent, 4xx/552/no answer deferred with backoff, 5xx failed. When the relay
/// itself keeps failing (no answer, 421, AUTH refused), the run pauses and says why.
package final class Deliverer: Sendable {
  /// One message's result, for progress and the delivery log.
  package struct Result: Sendable {
    /// The message, with the attempt recorded.
    package var message: OutboxMessage
    /// What the attempt came to.
    package var outcome: DeliveryOutcome
    /// The relay's reply, when it answered.
    package var reply: SMTPReply?
    /// The reply line, or why there was none: what the Outbox and the delivery log keep.
    package var detail: String
    /// Why, with what is particular to this message taken out, so that results group by
    /// reason ("the relay refused the connection", "451 4.3.0 Temporary lookup failure");
    /// empty for a message that was sent.
    package var reason: String
    /// A permanent failure of the recipient's mailbox (5.1.x about the recipient, 5.2.1):
    /// the address should be suppressed.
    package var mailboxGone: Bool
  }

  /// What a run did.
  package struct Report: Sendable, Equatable {
    package var sent = 0
    package var deferred = 0
    package var failed = 0
    /// Why the run paused early, if it did.
    package var paused: String?
    /// How many messages were deferred or failed for each reason.
    package var reasons: [DeliveryOutcome: [String: Int]] = [:]

    /// Makes a report (an empty one by default).
    package init(sent: Int = 0, deferred: Int = 0, failed: Int = 0, paused: String? = nil) {
      self.sent = sent
      self.deferred = deferred
      self.failed = failed
      self.paused = paused
    }

    /// Counts one result.
    package mutating func add(_ result: Result) {
      switch result.outcome {
      case .sent: sent += 1
      case .deferred: deferred += 1
      case .failed: failed += 1
      }
      if result.outcome != .sent { reasons[result.outcome, default: [:]][result.reason, default: 0] += 1 }
    }

    /// Adds another run's counts (herald deliver --watch sums its runs).
    package mutating func add(_ other: Report) {
      sent += other.sent
      deferred += other.deferred
      failed += other.failed
      for (outcome, counts) in other.reasons {
        reasons[outcome, default: [:]].merge(counts, uniquingKeysWith: +)
      }
    }

    /// The reasons for one outcome, most frequent first (then by text, for a stable order).
    package func reasons(for outcome: DeliveryOutcome) -> [(reason: String, count: Int)] {
      (reasons[outcome] ?? [:]).map { (reason: $0.key, count: $0.value) }
        .sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }
  }

  /// Makes a transport for one connection; called once per sending thread.
  package typealias TransportFactory = @Sendable () throws -> any MessageTransport

  private let outbox: Outbox
  private let makeTransport: TransportFactory
  private let policy: DeliveryPolicy
  private let logger: Logger
  private let stopped = Atomic<Bool>(false)
  /// Ends the transfers in flight (`interrupt()`); the connections libcurl makes watch it.
  private let transfers: TransferInterrupt
  /// The time the sending pace is kept by.
  private let clock: PaceClock
  /// The run in progress, for `stop()` to wake its waits.
  private let current = Mutex<Run?>(nil)

  /// Makes a deliverer that sends through the relay over libcurl; nothing is sent until
  /// `deliverDue`.
  package convenience init(outbox: Outbox, relay: RelayConfiguration, policy: DeliveryPolicy = DeliveryPolicy(), logger: Logger = Logger(label: "herald.deliver")) {
    let transfers = TransferInterrupt()
    self.init(outbox: outbox, policy: policy, logger: logger, transfers: transfers) {
      try SMTPConnection(configuration: relay, logger: logger, interrupt: transfers)
    }
  }

  /// Makes a deliverer that sends through the transports `transport` makes (one per
  /// connection); nothing is sent until `deliverDue`.
  /// - Parameters:
  ///   - transfers: what `interrupt()` sets; the transports should watch it.
  ///   - clock: the time the sending pace is kept by (a test's is virtual).
  package init(
    outbox: Outbox, policy: DeliveryPolicy = DeliveryPolicy(), logger: Logger = Logger(label: "herald.deliver"),
    transfers: TransferInterrupt = TransferInterrupt(), clock: PaceClock = .system, transport: @escaping TransportFactory
  ) {
    self.outbox = outbox
    self.makeTransport = transport
    self.policy = policy
    self.logger = logger
    self.transfers = transfers
    self.clock = clock
  }

  /// Asks a running `deliverDue` to stop: messages in flight finish and are recorded,
  /// nothing more is claimed. Safe from any thread.
  package func stop() {
    stopped.store(true, ordering: .relaxed)
    current.withLock { $0 }?.stopSenders()
  }

  /// Stops at once: `stop()`, and the transfers in flight are ended; their messages go back
  /// to the queue (they may have reached the relay: at least once, never lost). For a
  /// shutdown that can wait no longer. Safe from any thread.
  package func interrupt() {
    transfers.interrupt()
    stop()
  }

  /// Sends every message that is due now, and returns when none is left, when stopped, or
  /// when the relay keeps failing.
  ///
  /// Each connection is a thread that claims its messages itself and records each result at
  /// once, before the next message goes (so a killed run sends at most the messages in
  /// flight again). It claims its next message while the relay answers the current one's
  /// commands, so that it never waits for the disk between two messages and no other thread
  /// has to be woken for it (handing claimed messages over from a thread of their own cost
  /// two context switches for every four messages); with PIPELINING, the next message's
  /// commands go to the relay with the current one's end. A message claimed ahead and not
  /// sent when the run ends goes back to the queue; a kill leaves at most two per connection
  /// in active/, which the next run returns to the queue.
  /// - Parameters:
  ///   - onResult: called after each message's result is recorded in the Outbox, from the
  ///     sending threads.
  ///   - producing: true while another thread is still enqueueing the campaign: when
  ///     nothing is due, the senders wait for more instead of returning, so sending starts
  ///     with the first enqueued batch (each message is durable before it can be claimed).
  package func deliverDue(onResult: @escaping @Sendable (Result) -> Void = { _ in }, producing: @escaping @Sendable () -> Bool = { false }) -> Report {
    stopped.store(false, ordering: .relaxed)
    let pace = SendingPace(perSecond: policy.perSecond, perHour: policy.perHour)
    let connections = max(1, policy.connections)
    let run = Run(senders: connections)
    current.withLock { $0 = run }
    defer { current.withLock { $0 = nil } }
    // A stop between the flag's reset and the run's registration is not lost.
    if stopped.load(ordering: .relaxed) || transfers.isInterrupted { run.stopSenders() }
    for index in 0..<connections {
      let thread = Thread { [self] in send(run: run, pace: pace, onResult: onResult, producing: producing) }
      thread.name = "herald-smtp-\(index)"
      thread.start()
    }
    run.waitForSenders()
    var report = run.report
    do {
      try outbox.flushResults()
    } catch {
      if report.paused == nil { report.paused = "the results could not be flushed to the disk: \(error)" }
    }
    return report
  }

  /// One connection: claims a message, sends it, records its result, and again.
  private func send(run: Run, pace: SendingPace, onResult: (Result) -> Void, producing: () -> Bool) {
    defer { run.senderFinished() }
    if policy.priority == .background { Self.lowerThisThreadsPriority() }
    let connection: any MessageTransport
    do {
      connection = try makeTransport()
    } catch {
      run.fail("cannot set up an SMTP connection: \(error)")
      stop()
      return
    }
    // The message claimed while the relay worked on the one before.
    var next: OutboxMessage?
    defer {
      // Claimed ahead and not sent: back to the queue, nothing stays claimed.
      if let next { unclaim(next, run: run) }
    }
    while !run.isStopping {
      // Within the rate: wait until the pace allows the next message (a stop wakes the wait).
      if pace.isLimited {
        var start = clock.now
        var wait = pace.reserve(at: start)
        while wait > 0 {
          guard clock.wait(wait, from: start, pause: run.pause(for:)) else { return }
          start = clock.now
          wait = pace.reserve(at: start)
        }
      }
      let message: OutboxMessage
      if let claimed = next {
        message = claimed
        next = nil
      } else {
        guard let claimed = claimNext(run: run, producing: producing) else { return }
        message = claimed
      }
      guard !run.isStopping else {
        unclaim(message, run: run)
        return
      }
      let outcome = connection.send(from: message.sender, to: message.recipient, message: message.bytes) {
        // The relay is answering this message's commands: claim the next one meanwhile. Its
        // commands may go with this message's end, unless a pace holds it back (a relay
        // would not wait that long in the middle of a transaction).
        next = claimAhead(run: run)
        return pace.isLimited ? nil : next.map { Envelope(sender: $0.sender, recipient: $0.recipient, size: $0.bytes.count) }
      }
      if case .noReply(let failure) = outcome, failure.kind == .interrupted {
        // Ended by a shutdown: back to the queue, not an attempt.
        unclaim(message, run: run)
        return
      }
      let result: Result
      do {
        result = try record(message, outcome)
      } catch {
        // The message stays in active/ and goes back to the queue on the next start.
        run.fail("the Outbox cannot be written: \(error)")
        stop()
        return
      }
      let relayFailed: Bool
      switch outcome {
      case .noReply: relayFailed = true
      case .reply(let reply): relayFailed = DeliveryVerdict.isRelayProblem(reply)
      }
      if run.count(result, relayFailed: relayFailed, pauseAfter: policy.pauseAfterConsecutiveRelayFailures) { stop() }
      onResult(result)
    }
  }

  /// Lowers the calling thread's CPU priority (a nice value of 10; on Linux a thread has its
  /// own, and `setpriority` with 0 names the calling thread).
  private static func lowerThisThreadsPriority() {
    #if os(Linux)
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    #endif
  }

  /// The next message for a connection, claimed now; while a producer may still enqueue
  /// more, it waits for them (2 ms, doubling up to 50 ms). Nil when nothing is due and
  /// nothing more will come, or when the run stops.
  private func claimNext(run: Run, producing: () -> Bool) -> OutboxMessage? {
    var wait = 0.002
    while !run.isStopping {
      // Asked before looking: a producer that had finished before the look has its last
      // batch in the queue, and one look more is never needed.
      let more = producing()
      do {
        if let message = try outbox.claim(limit: 1).first { return message }
      } catch {
        run.fail("the Outbox cannot be read: \(error)")
        stop()
        return nil
      }
      guard more, run.pause(for: wait) else { return nil }
      wait = min(wait * 2, 0.05)
    }
    return nil
  }

  /// A message claimed ahead while the relay answers the current one; nil when none is
  /// due (the next `claimNext` looks again, and waits for a producer), on a stop, or when the
  /// Outbox cannot be read (`claimNext` says why).
  private func claimAhead(run: Run) -> OutboxMessage? {
    guard !run.isStopping else { return nil }
    return try? outbox.claim(limit: 1).first
  }

  /// Puts a claimed message that was not tried back in the queue.
  private func unclaim(_ message: OutboxMessage, run: Run) {
    do {
      try outbox.unclaim(message)
    } catch {
      run.fail("a claimed message could not be returned to the queue (it is in active/, and herald deliver returns it when it starts): \(error)")
    }
  }

  /// Records one outcome in the Outbox: sent, deferred with its retry time (or failed once
  /// the queue lifetime is over), or failed.
  private func record(_ message: OutboxMessage, _ outcome: TransportOutcome) throws -> Result {
    var verdict = DeliveryVerdict(outcome)
    var result: Result
    switch outcome {
    case .reply(let reply):
      // The reason groups failures; a message that went needs none (it costs a pass over the reply).
      result = Result(message: message, outcome: verdict.outcome, reply: reply, detail: reply.text, reason: verdict == .sent ? "" : reply.reason, mailboxGone: false)
    case .noReply(let failure):
      result = Result(message: message, outcome: verdict.outcome, reply: nil, detail: failure.description, reason: failure.kind.description, mailboxGone: false)
    }
    let now = Date()
    switch verdict {
    case .sent:
      result.message = try outbox.markSent(message, reply: result.detail, at: now)
    case .deferred:
      if let retryAt = policy.retry.nextAttempt(createdAt: message.created, now: now) {
        result.message = try outbox.markDeferred(message, reply: result.detail, retryAt: retryAt, at: now)
      } else {
        verdict = .failed(suppress: false)
        let days = Int((policy.retry.queueLifetime / 86_400).rounded())
        let gaveUp = "gave up after \(days) day\(days == 1 ? "" : "s") in the queue; last: "
        result.outcome = .failed
        result.reason = gaveUp + result.reason
        result.message = try outbox.markFailed(message, reply: gaveUp + result.detail, at: now)
      }
    case .failed(let suppress):
      result.mailboxGone = suppress
      result.message = try outbox.markFailed(message, reply: result.detail, at: now)
    }
    return result
  }

  /// What the connections share: the report, and how the run is going.
  private final class Run: @unchecked Sendable {  // all state guarded by `condition`
    private let condition = NSCondition()
    private var activeSenders: Int
    private var stopping = false
    private var counts = Report()
    private var relayFailures = 0

    init(senders: Int) {
      activeSenders = senders
    }

    private func locked<T>(_ body: () -> T) -> T {
      condition.lock()
      defer { condition.unlock() }
      return body()
    }

    /// Whether the connections should take nothing more.
    var isStopping: Bool { locked { stopping } }

    /// Counts a result; true when the relay has now failed `pauseAfter` times in a row
    /// (the run pauses, saying why).
    func count(_ result: Result, relayFailed: Bool, pauseAfter: Int) -> Bool {
      locked {
        counts.add(result)
        relayFailures = relayFailed ? relayFailures + 1 : 0
        guard relayFailures >= pauseAfter, counts.paused == nil else { return false }
        counts.paused = "the relay failed \(relayFailures) times in a row (last: \(result.detail)); the rest waits in the Outbox. Check the relay and run herald deliver"
        stopping = true
        condition.broadcast()
        return true
      }
    }

    func senderFinished() {
      locked {
        activeSenders -= 1
        condition.broadcast()
      }
    }

    /// Ends the run with a reason (the first one given is kept).
    func fail(_ why: String) {
      locked {
        if counts.paused == nil { counts.paused = why }
        stopping = true
        condition.broadcast()
      }
    }

    var report: Report { locked { counts } }

    /// The connections take nothing more; what they are sending they finish.
    func stopSenders() {
      locked {
        stopping = true
        condition.broadcast()
      }
    }

    /// Waits `seconds` (the pace, or for a producer), or less when the run stops; false
    /// when it stopped.
    func pause(for seconds: TimeInterval) -> Bool {
      condition.lock()
      defer { condition.unlock() }
      let deadline = Date().addingTimeInterval(seconds)
      while !stopping {
        if !condition.wait(until: deadline) { return !stopping }
      }
      return false
    }

    /// Waits until every connection has ended.
    func waitForSenders() {
      condition.lock()
      defer { condition.unlock() }
      while activeSenders > 0 { condition.wait() }
    }
  }
}
