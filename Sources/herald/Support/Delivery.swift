import ArgumentParser
import Foundation
import HeraldCompose
import HeraldDelivery
import HeraldStore
import Synchronization

/// Sending through the relay, shared by `herald send` and `herald deliver`: progress on a
/// terminal, SIGINT/SIGTERM stop cleanly (messages in flight finish, nothing stays claimed).
enum DeliveryRun {
  /// The relay: --smtp, else herald.yml's `relay`, with herald.yml's `delivery:` settings.
  /// The user name from HERALD_SMTP_USERNAME or `delivery.username`; the password only
  /// from HERALD_SMTP_PASSWORD or the 0600 file `delivery.password_file`.
  static func relay(_ override: String?, workspace: Workspace, configuration: Configuration) throws -> RelayConfiguration {
    guard let url = override ?? configuration.relay else {
      throw ValidationError("no relay: pass --smtp smtp://host:port, or set “relay:” in herald.yml")
    }
    guard let parsed = URL(string: url), ["smtp", "smtps"].contains(parsed.scheme ?? ""), parsed.host != nil else {
      throw ValidationError("--smtp must look like smtp://127.0.0.1:2525 or smtps://mail.example.org:465, not “\(url)”")
    }
    let settings = configuration.delivery
    let environment = ProcessInfo.processInfo.environment
    var password = environment["HERALD_SMTP_PASSWORD"]
    if password == nil, let file = settings.passwordFile {
      password = try Secrets.read(workspace.resolve(file), what: "the SMTP password file (delivery.password_file in herald.yml)")
    }
    var relay = RelayConfiguration(
      url: url, tls: settings.tls.flatMap(RelayConfiguration.TLS.init(rawValue:)),
      username: environment["HERALD_SMTP_USERNAME"] ?? settings.username, password: password,
      caFile: settings.caFile.map { workspace.resolve($0).path })
    relay.connectTimeout = Int(settings.connectTimeout.rounded(.up))
    relay.commandTimeout = Int(settings.commandTimeout.rounded(.up))
    relay.messageTimeout = Int(settings.messageTimeout.rounded(.up))
    relay.messagesPerConnection = settings.messagesPerConnection
    return relay
  }

  /// Connections, rate limits, pausing and retries from herald.yml's `delivery:` section.
  static func policy(_ configuration: Configuration) -> DeliveryPolicy {
    let settings = configuration.delivery
    var policy = DeliveryPolicy()
    policy.connections = settings.connections
    policy.perSecond = settings.perSecond
    policy.perHour = settings.perHour
    policy.pauseAfterConsecutiveRelayFailures = settings.pauseAfterFailures
    policy.retry = RetryPolicy(
      minimalBackoff: settings.minimalBackoff, maximalBackoff: settings.maximalBackoff, queueLifetime: settings.queueLifetime)
    return policy
  }

}

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

/// Work on its own thread, and its result when it is done.
final class Background<Value: Sendable>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var value: Value?

  init(_ work: @escaping @Sendable () -> Value) {
    let thread = Thread { [self] in
      value = work()
      done.signal()
    }
    thread.start()
  }

  /// Waits for the work to end and returns what it gave.
  func wait() -> Value {
    done.wait()
    return value!
  }
}

/// A flag a signal handler sets and any thread reads.
final class InterruptFlag: Sendable {
  private let value = Atomic<Bool>(false)
  func set() { value.store(true, ordering: .relaxed) }
  var isSet: Bool { value.load(ordering: .relaxed) }
}

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

/// "sent 1,200 · deferred 3 · failed 1 · 410 msg/s · 0:42 left", redrawn on one line.
final class ProgressLine: @unchecked Sendable {
  private let lock = NSLock()
  private let total: Int
  private let start: Date
  private var sent = 0, deferred = 0, failed = 0
  private var lastDrawn = Date.distantPast

  init(total: Int, start: Date) {
    self.total = total
    self.start = start
  }

  func record(_ verdict: DeliveryVerdict) {
    lock.withLock {
      switch verdict {
      case .sent: sent += 1
      case .deferred: deferred += 1
      case .failed: failed += 1
      }
      let now = Date()
      guard now.timeIntervalSince(lastDrawn) > 0.2 else { return }
      lastDrawn = now
      let done = sent + deferred + failed
      let rate = Double(done) / max(now.timeIntervalSince(start), 0.001)
      let left = rate > 0 ? Int(Double(max(total - done, 0)) / rate) : 0
      let line = "sent \(sent.formatted()) · deferred \(deferred.formatted()) · failed \(failed.formatted()) · \(Int(rate).formatted()) msg/s · \(left / 60):\(String(format: "%02d", left % 60)) left"
      FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
  }
}

/// Campaign names: the release's slug and when it was sent, "2020-03-31-water-report-1795947733".
enum Campaign {
  static func name(release slug: String, at date: Date) -> String {
    "\(slug)-\(Int(date.timeIntervalSince1970))"
  }

  /// The release a campaign sent: its name without the time.
  static func release(of campaign: String) -> String {
    guard let dash = campaign.lastIndex(of: "-"), campaign[campaign.index(after: dash)...].allSatisfy(\.isNumber) else { return campaign }
    return String(campaign[..<dash])
  }
}
