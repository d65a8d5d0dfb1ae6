import HeraldCore

/// The hand-off between the thread that reads and prepares an import's batches and the one
/// that records them: a queue of at most `capacity` items, so that the reader stays at most
/// that far ahead (and memory stays bounded), ended by the reader (`finish`, with its error
/// if it failed) or given up by the recorder (`cancel`).
final class IntakeQueue<Item: Sendable>: Sendable {
  private struct State {
    var items: [Item] = []
    var finished = false
    var failure: (any Error)?
    var cancelled = false
  }

  private let state = Monitor(State())
  private let capacity: Int

  /// Makes a queue that holds at most `capacity` items.
  init(capacity: Int) {
    self.capacity = max(1, capacity)
  }

  /// Whether the recorder gave up: the reader should stop.
  var isCancelled: Bool { state.read(\.cancelled) }

  /// Adds an item, waiting while the queue is full; false (and the item dropped) once cancelled.
  @discardableResult
  func put(_ item: Item) -> Bool {
    state.wait(until: { [capacity] in $0.items.count < capacity || $0.cancelled }) { state in
      guard !state.cancelled else { return false }
      state.items.append(item)
      return true
    } ?? false
  }

  /// The reader is done: with nothing more, or with the error that stopped it.
  func finish(_ error: (any Error)? = nil) {
    state.update { state in
      state.finished = true
      state.failure = error
    }
  }

  /// The recorder gives up: the reader's next `put` returns false, and `take` nil.
  func cancel() {
    state.update { state in
      state.cancelled = true
      state.items.removeAll()
    }
  }

  /// The next item, waiting for one; nil when the reader finished and every item was
  /// taken, or when the queue was cancelled.
  /// - Throws: the reader's error, after the items it added before it.
  func take() throws -> Item? {
    try state.wait(until: { !$0.items.isEmpty || $0.finished || $0.cancelled }) { state -> Item? in
      if state.cancelled { return nil }
      if !state.items.isEmpty { return state.items.removeFirst() }
      if let failure = state.failure { throw failure }
      return nil
    } ?? nil
  }
}
