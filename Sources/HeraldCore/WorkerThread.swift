#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for long blocking work (parsing, writing files), that its starter
/// waits for with `join()`: pthread_join, not a semaphore the work must remember to signal.
public final class WorkerThread: Sendable {
  private let thread: pthread_t

  /// Starts `body` on a new thread.
  /// - Parameter stackSize: bytes of stack; 0 for the system's default (a recursive parser
  ///   wants more, as the main thread has).
  /// - Throws: `SystemError` (pthread_create's) when the system cannot make a thread.
  public init(stackSize: Int = 0, _ body: @escaping @Sendable () -> Void) throws {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    if stackSize > 0 { pthread_attr_setstacksize(&attributes, stackSize) }
    let context = Unmanaged.passRetained(Work(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let result = pthread_create(&thread, &attributes, { context in
      let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
      work.body()
      return nil
    }, context)
    guard result == 0 else {
      Unmanaged<Work>.fromOpaque(context).release()
      throw SystemError(result)
    }
    #if canImport(Glibc)
    self.thread = thread
    #else
    self.thread = thread!
    #endif
  }

  /// Waits until the thread's work has ended. Call it once.
  public func join() {
    pthread_join(thread, nil)
  }

  private final class Work: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }
}
