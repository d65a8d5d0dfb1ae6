import Foundation
import HeraldCore

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

  func record(_ outcome: DeliveryOutcome) {
    lock.withLock {
      switch outcome {
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

  /// Clears the line, once the run is over.
  func clear() {
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
