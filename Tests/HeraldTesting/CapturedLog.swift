import Logging
import Synchronization

/// What a logger was told, one line per message ("level message metadata"), collected from
/// any thread: for tests that check what is logged (and what never is, like a password).
package final class CapturedLog: Sendable {
  private let stored = Mutex([String]())

  package init() {}

  package func append(_ line: String) { stored.withLock { $0.append(line) } }

  /// The lines so far.
  package var lines: [String] { stored.withLock { $0 } }
}

/// A log handler that keeps every message and its metadata, at every level, in a `CapturedLog`.
package struct CapturingLogHandler: LogHandler {
  package let log: CapturedLog
  package var logLevel: Logger.Level = .trace
  package var metadata: Logger.Metadata = [:]
  package var metadataProvider: Logger.MetadataProvider?

  package init(log: CapturedLog) {
    self.log = log
  }

  package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  package func log(event: LogEvent) {
    log.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
  }
}
