import ArgumentParser
import Foundation
import HeraldCompose
import HeraldDelivery
import HeraldStore

/// Sending through the relay, shared by `herald send` and `herald deliver`: progress on a
/// terminal, SIGINT/SIGTERM stop cleanly (messages in flight finish, nothing stays claimed).
enum DeliveryRun {
  /// The relay: --smtp, else herald.yml's `relay`; a password only from the environment.
  static func relay(_ override: String?, configuration: Configuration) throws -> RelayConfiguration {
    guard let url = override ?? configuration.relay else {
      throw ValidationError("no relay: pass --smtp smtp://host:port, or set “relay:” in herald.yml")
    }
    guard let parsed = URL(string: url), ["smtp", "smtps"].contains(parsed.scheme ?? ""), parsed.host != nil else {
      throw ValidationError("--smtp must look like smtp://127.0.0.1:2525 or smtps://mail.example.org:465, not “\(url)”")
    }
    let environment = ProcessInfo.processInfo.environment
    return RelayConfiguration(url: url, username: environment["HERALD_SMTP_USERNAME"], password: environment["HERALD_SMTP_PASSWORD"])
  }

  /// Delivers what is due, printing progress on a terminal, and returns the report. A
  /// permanent failure marks the membership bounced; "no such mailbox" (5.1.x) also
  /// suppresses the address.
  static func run(outbox: Outbox, relay: RelayConfiguration, total: Int, store: SubscriberStore?) -> Deliverer.Report {
    let deliverer = Deliverer(outbox: outbox, relay: relay, policy: DeliveryPolicy())
    // SIGINT/SIGTERM: stop claiming; what is in flight finishes and is recorded.
    let sources = Terminal.onInterrupt {
      Terminal.warn("\nStopping: messages in flight finish; the rest stays in the Outbox for herald deliver.")
      deliverer.stop()
    }
    defer { sources.forEach { $0.cancel() } }
    let interactive = Terminal.colours(STDERR_FILENO)
    let start = Date()
    let progress = ProgressLine(total: total, start: start)
    let report = deliverer.deliverDue { result in
      if interactive { progress.record(result.verdict) }
      guard let store else { return }
      if let id = result.message.subscriber.flatMap(Int64.init) {
        let outcome: String
        switch result.verdict {
        case .sent: outcome = "sent"
        case .deferred: outcome = "deferred"
        case .failed: outcome = "failed"
        }
        try? store.recordDelivery(
          subscriberID: id, release: Campaign.release(of: result.message.campaign), campaign: result.message.campaign,
          list: result.message.list, outcome: outcome, reply: result.reply)
      }
      guard case .failed(let suppress) = result.verdict else { return }
      let source = ConsentSource(kind: "bounce", detail: result.reply)
      // A subscriber forgotten meanwhile is no longer in the store: nothing to update.
      _ = try? store.setStatus(.bounced, email: result.message.recipient, list: result.message.list, source: source)
      if suppress { _ = try? store.suppress(result.message.recipient, reason: "hard bounce: \(result.reply)") }
    }
    if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return report
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
