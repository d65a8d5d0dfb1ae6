import Foundation
import Testing

@testable import HeraldInbox

/// The hand-off between an import's reading thread and its recording one.
struct IntakeQueueTests {
  struct Broken: Error {}

  @Test func itemsComeOutInOrderThenTheReadersError() throws {
    let queue = IntakeQueue<Int>(capacity: 2)
    let done = DispatchSemaphore(value: 0)
    Thread {
      for item in 0..<100 { queue.put(item) }
      queue.finish(Broken())
      done.signal()
    }.start()
    var taken: [Int] = []
    #expect(throws: Broken.self) {
      while let item = try queue.take() { taken.append(item) }
    }
    done.wait()
    #expect(taken == Array(0..<100), "every item before the error, in order")
  }

  @Test func aCancelledQueueStopsTheReader() throws {
    let queue = IntakeQueue<Int>(capacity: 1)
    let done = DispatchSemaphore(value: 0)
    let accepted = Box()
    Thread {
      // Waits on the full queue until it is cancelled; then every put is refused.
      while queue.put(accepted.count) { accepted.count += 1 }
      done.signal()
    }.start()
    #expect(try queue.take() == 0)
    queue.cancel()
    done.wait()
    #expect(queue.isCancelled && accepted.count <= 2)
    #expect(try queue.take() == nil, "nothing more to take")
  }

  final class Box: @unchecked Sendable { var count = 0 }
}
