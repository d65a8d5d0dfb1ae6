import Foundation

/// The hand-off between the thread that reads and prepares an import's batches and the one
/// that records them: a queue of at most `capacity` items, so that the reader stays at most
/// that far ahead (and memory stays bounded), ended by the reader (`finish`, with its error
/// if it failed) or given up by the recorder (`cancel`).
final class IntakeQueue<Item: Sendable>: @unchecked Sendable {  // its state is guarded by `condition`
  private let condition = NSCondition()
  private var items: [Item] = []
  private var finished = false
  private var failure: (any Error)?
  private var cancelled = false
  private let capacity: Int

  /// Makes a queue that holds at most `capacity` items.
  init(capacity: Int) {
    self.capacity = max(1, capacity)
  }

  /// Whether the recorder gave up: the reader should stop.
  var isCancelled: Bool {
    condition.lock()
    defer { condition.unlock() }
    return cancelled
  }

  /// Adds an item, waiting while the queue is full; false (and the item dropped) once cancelled.
  @discardableResult
  func put(_ item: Item) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !cancelled { condition.wait() }
    guard !cancelled else { return false }
    items.append(item)
    condition.broadcast()
    return true
  }

  /// The reader is done: with nothing more, or with the error that stopped it.
  func finish(_ error: (any Error)? = nil) {
    condition.lock()
    defer { condition.unlock() }
    finished = true
    failure = error
    condition.broadcast()
  }

  /// The recorder gives up: the reader's next `put` returns false, and `take` nil.
  func cancel() {
    condition.lock()
    defer { condition.unlock() }
    cancelled = true
    items.removeAll()
    condition.broadcast()
  }

  /// The next item, waiting for one; nil when the reader finished and every item was
  /// taken, or when the queue was cancelled.
  /// - Throws: the reader's error, after the items it added before it.
  func take() throws -> Item? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !finished && !cancelled { condition.wait() }
    if cancelled { return nil }
    if !items.isEmpty {
      let item = items.removeFirst()
      condition.broadcast()
      return item
    }
    if let failure { throw failure }
    return nil
  }
}
