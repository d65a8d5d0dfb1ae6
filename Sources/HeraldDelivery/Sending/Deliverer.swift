import Foundation
import HeraldCore
import HeraldMail
import Logging
import Synchronization

/// Sends what is due in the Outbox through the relay: N connections in parallel, each its
/// own thread with its own libcurl handle, claiming one message at a time (so stopping
/// leaves nothing claimed), within the rate limit. Each result is recorded in the Outbox
/// at once: 2xx sent, 4xx/552/no answer deferred with backoff, 5xx failed. When the relay
/// itself keeps failing (no answer, 421, AUTH refused), the run pauses and says why.
public final class Deliverer: Sendable {
  /// One message's result, for progress and the delivery log.
  public struct Result: Sendable {
    /// The message, with the attempt recorded.
    public var message: OutboxMessage
    /// What the attempt came to.
    public var outcome: DeliveryOutcome
    /// The relay's reply, when it answered.
    public var reply: SMTPReply?
    /// The reply line, or why there was none: what the Outbox and the delivery log keep.
    public var detail: String
    /// Why, with what is particular to this message taken out, so that results group by
    /// reason ("the relay refused the connection", "451 4.3.0 Temporary lookup failure").
    public var reason: String
    /// A permanent failure of the recipient's mailbox (5.1.x about the recipient, 5.2.1):
    /// the address should be suppressed.
    public var mailboxGone: Bool
  }

  /// What a run did.
  public struct Report: Sendable, Equatable {
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    /// Why the run paused early, if it did.
    public var paused: String?
    /// How many messages were deferred or failed for each reason.
    public var reasons: [DeliveryOutcome: [String: Int]] = [:]

    /// Makes a report (an empty one by default).
    public init(sent: Int = 0, deferred: Int = 0, failed: Int = 0, paused: String? = nil) {
      self.sent = sent
      self.deferred = deferred
      self.failed = failed
      self.paused = paused
    }

    /// Counts one result.
    public mutating func add(_ result: Result) {
      switch result.outcome {
      case .sent: sent += 1
      case .deferred: deferred += 1
      case .failed: failed += 1
      }
      if result.outcome != .sent { reasons[result.outcome, default: [:]][result.reason, default: 0] += 1 }
    }

    /// Adds another run's counts (herald deliver --watch sums its runs).
    public mutating func add(_ other: Report) {
      sent += other.sent
      deferred += other.deferred
      failed += other.failed
      for (outcome, counts) in other.reasons {
        reasons[outcome, default: [:]].merge(counts, uniquingKeysWith: +)
      }
    }

    /// The reasons for one outcome, most frequent first (then by text, for a stable order).
    public func reasons(for outcome: DeliveryOutcome) -> [(reason: String, count: Int)] {
      (reasons[outcome] ?? [:]).map { (reason: $0.key, count: $0.value) }
        .sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }
  }

  /// Makes a transport for one connection; called once per sending thread.
  public typealias TransportFactory = @Sendable () throws -> any MessageTransport

  private let outbox: Outbox
  private let makeTransport: TransportFactory
  private let policy: DeliveryPolicy
  private let logger: Logger
  private let stopped = Atomic<Bool>(false)

  /// Makes a deliverer that sends through the relay over libcurl; nothing is sent until
  /// `deliverDue`.
  public convenience init(outbox: Outbox, relay: RelayConfiguration, policy: DeliveryPolicy = DeliveryPolicy(), logger: Logger = Logger(label: "herald.deliver")) {
    self.init(outbox: outbox, policy: policy, logger: logger) {
      try SMTPConnection(configuration: relay, logger: logger)
    }
  }

  /// Makes a deliverer that sends through the transports `transport` makes (one per
  /// connection); nothing is sent until `deliverDue`.
  public init(outbox: Outbox, policy: DeliveryPolicy = DeliveryPolicy(), logger: Logger = Logger(label: "herald.deliver"), transport: @escaping TransportFactory) {
    self.outbox = outbox
    self.makeTransport = transport
    self.policy = policy
    self.logger = logger
  }

  /// Asks a running `deliverDue` to stop: messages in flight finish and are recorded,
  /// nothing more is claimed. Safe from a signal-handling thread.
  public func stop() {
    stopped.store(true, ordering: .relaxed)
  }

  /// Sends every message that is due now, and returns when none is left, when stopped, or
  /// when the relay keeps failing.
  /// - Parameters:
  ///   - onResult: called after each message is recorded, from the sending threads.
  ///   - producing: true while another thread is still enqueueing the campaign: when
  ///     nothing is due, the senders wait for more instead of returning, so sending starts
  ///     with the first enqueued batch (each message is durable before it can be claimed).
  public func deliverDue(onResult: @escaping @Sendable (Result) -> Void = { _ in }, producing: @escaping @Sendable () -> Bool = { false }) -> Report {
    stopped.store(false, ordering: .relaxed)
    let limiter = RateLimiter(perSecond: policy.perSecond, perHour: policy.perHour)
    let shared = RunState()
    let group = DispatchGroup()
    for index in 0..<max(1, policy.connections) {
      group.enter()
      let thread = Thread { [self] in
        defer { group.leave() }
        work(limiter: limiter, shared: shared, producing: producing, onResult: onResult)
      }
      thread.name = "herald-smtp-\(index)"
      thread.start()
    }
    group.wait()
    do {
      try outbox.flushResults()
    } catch {
      shared.state.withLock { $0.report.paused = "the results could not be flushed to the disk: \(error)" }
    }
    return shared.state.withLock { $0.report }
  }

  /// The counts and the run of relay failures, shared by the sending threads.
  private final class RunState: Sendable {
    let state = Mutex((report: Report(), relayFailures: 0))
  }

  private func work(limiter: RateLimiter, shared: RunState, producing: () -> Bool, onResult: (Result) -> Void) {
    let connection: any MessageTransport
    do {
      connection = try makeTransport()
    } catch {
      shared.state.withLock { $0.report.paused = "cannot set up an SMTP connection: \(error)" }
      stop()
      return
    }
    let isStopped = { self.stopped.load(ordering: .relaxed) }
    while !isStopped() {
      limiter.acquire(stopped: isStopped)
      if isStopped() { return }
      // One token per message sent: looking again while a campaign is still being
      // enqueued spends none.
      var lastLook = false
      var wait = 0.002  // doubles up to 50 ms: each empty look lists the queue's folders
      var next: OutboxMessage?
      while next == nil {
        do {
          next = try outbox.claim(limit: 1).first
        } catch {
          shared.state.withLock { $0.report.paused = "the Outbox cannot be read: \(error)" }
          stop()
          return
        }
        if next != nil { break }
        // Nothing due: done, unless more is on its way. After the producer says it has
        // finished, one more look, so its last batch is never missed.
        if lastLook || isStopped() { return }
        if producing() {
          Thread.sleep(forTimeInterval: wait)
          wait = min(wait * 2, 0.05)
        } else {
          lastLook = true
        }
      }
      guard let message = next else { return }

      let outcome = connection.send(from: message.sender, to: message.recipient, message: message.bytes)
      var verdict = DeliveryVerdict(outcome)
      var result: Result
      switch outcome {
      case .reply(let reply):
        result = Result(message: message, outcome: verdict.outcome, reply: reply, detail: reply.text, reason: reply.reason, mailboxGone: false)
      case .noReply(let failure):
        result = Result(message: message, outcome: verdict.outcome, reply: nil, detail: failure.description, reason: failure.kind.description, mailboxGone: false)
      }
      let now = Date()
      do {
        switch verdict {
        case .sent:
          result.message = try outbox.markSent(message, reply: result.detail, at: now)
        case .deferred:
          if let retryAt = policy.retry.nextAttempt(createdAt: message.created, now: now) {
            result.message = try outbox.markDeferred(message, reply: result.detail, retryAt: retryAt, at: now)
          } else {
            verdict = .failed(suppress: false)
            let days = Int((policy.retry.queueLifetime / 86_400).rounded())
            result.outcome = .failed
            result.reason = "gave up after \(days) day\(days == 1 ? "" : "s") in the queue; last: \(result.reason)"
            result.message = try outbox.markFailed(message, reply: "gave up after \(days) day\(days == 1 ? "" : "s") in the queue; last: \(result.detail)", at: now)
          }
        case .failed(let suppress):
          result.mailboxGone = suppress
          result.message = try outbox.markFailed(message, reply: result.detail, at: now)
        }
      } catch {
        // The message stays in active/ and goes back to the queue on the next start.
        shared.state.withLock { $0.report.paused = "the Outbox cannot be written: \(error)" }
        stop()
        return
      }
      let relayFailed: Bool
      switch outcome {
      case .noReply: relayFailed = true
      case .reply(let smtp): relayFailed = DeliveryVerdict.isRelayProblem(smtp)
      }
      let pause: Bool = shared.state.withLock { state in
        state.report.add(result)
        state.relayFailures = relayFailed ? state.relayFailures + 1 : 0
        if state.relayFailures >= policy.pauseAfterConsecutiveRelayFailures, state.report.paused == nil {
          state.report.paused = "the relay failed \(state.relayFailures) times in a row (last: \(result.detail)); the rest waits in the Outbox. Check the relay and run herald deliver"
          return true
        }
        return false
      }
      onResult(result)
      if pause { stop() }
    }
  }
}
