import Synchronization

/// A flag a signal handler sets and any thread reads.
final class InterruptFlag: Sendable {
  private let value = Atomic<Bool>(false)
  func set() { value.store(true, ordering: .relaxed) }
  var isSet: Bool { value.load(ordering: .relaxed) }
}
