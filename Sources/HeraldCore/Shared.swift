import Synchronization

/// A value that several threads or tasks share, behind a `Mutex`: the one lock box of
/// Herald's libraries, for state a closure or a class must hold by reference (a `Mutex`
/// itself cannot be captured or copied).
public final class Shared<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  /// Shares `value`.
  public init(_ value: Value) {
    mutex = Mutex(value)
  }

  /// Runs `body` with the value, no other thread touching it meanwhile.
  public func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    try mutex.withLock { value in try body(&value) }
  }

  /// The value now.
  public var value: Value { mutex.withLock { $0 } }
}
