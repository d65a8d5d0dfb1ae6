/// What one delivery attempt came to. The Outbox records it with each attempt, the store's
/// delivery log keeps it, and the reports count it.
public enum DeliveryOutcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// The relay accepted the message (2xx).
  case sent
  /// A temporary failure (4xx, no answer): tried again later.
  case deferred
  /// A permanent failure (5xx), or the queue lifetime ran out.
  case failed

  public var description: String { rawValue }
}
