import Foundation
import Synchronization

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

/// A flag one thread sets and any reads.
final class Flag: Sendable {
  private let value = Atomic<Bool>(false)
  func set() { value.store(true, ordering: .relaxed) }
  var isSet: Bool { value.load(ordering: .relaxed) }
}
