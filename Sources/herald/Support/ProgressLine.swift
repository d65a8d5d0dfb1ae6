import Foundation
import HeraldCore
import Synchronization

/// "sent 1,200 · deferred 3 · failed 1 · 410 msg/s · 0:42 left", redrawn on one line.
final class ProgressLine: Sendable {
  private struct Counts {
    var sent = 0, deferred = 0, failed = 0
    var lastDrawn = Date.distantPast
  }

  private let total: Int
  private let start: Date
  private let counts = Mutex(Counts())

  init(total: Int, start: Date) {
    self.total = total
    self.start = start
  }

  /// Counts one result (from any sending thread) and redraws at most five times a second.
  func record(_ outcome: DeliveryOutcome) {
    counts.withLock { counts in
      switch outcome {
      case .sent: counts.sent += 1
      case .deferred: counts.deferred += 1
      case .failed: counts.failed += 1
      }
      let now = Date()
      guard now.timeIntervalSince(counts.lastDrawn) > 0.2 else { return }
      counts.lastDrawn = now
      let done = counts.sent + counts.deferred + counts.failed
      let rate = Double(done) / max(now.timeIntervalSince(start), 0.001)
      let left = rate > 0 ? Int(Double(max(total - done, 0)) / rate) : 0
      let line = "sent \(counts.sent.formatted()) · deferred \(counts.deferred.formatted()) · failed \(counts.failed.formatted()) · \(Int(rate).formatted()) msg/s · \(left / 60):\(String(format: "%02d", left % 60)) left"
      FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
  }

  /// Clears the line, once the run is over.
  func clear() {
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
