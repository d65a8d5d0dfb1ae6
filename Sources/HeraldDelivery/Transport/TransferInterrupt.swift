import Synchronization

/// Ends the transfers in progress at once, from any thread: a shutdown that has waited as
/// long as it may. A connection given one checks it while libcurl works (about once a
/// second, and as data moves); its message's outcome is then `TransportFailure.Kind.interrupted`
/// and it goes back to the queue, neither sent nor deferred.
package final class TransferInterrupt: Sendable {
  private let flag = Atomic<Bool>(false)

  /// Makes one that is not set.
  package init() {}

  /// Ends the transfers in progress and any that starts later.
  package func interrupt() { flag.store(true, ordering: .relaxed) }

  /// Whether `interrupt()` was called.
  package var isInterrupted: Bool { flag.load(ordering: .relaxed) }
}
