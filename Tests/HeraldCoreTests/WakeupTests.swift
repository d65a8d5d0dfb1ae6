import HeraldCore
import Testing

/// These tests never wait out a timer: each wait is given an hour, and must end sooner for
/// the reason the test names (the time limit fails a test that waits).
@Suite(.timeLimit(.minutes(1)))
struct WakeupTests {
  @Test func aSignalSentBeforeTheWaitEndsItAtOnce() async {
    let wakeup = Wakeup()
    wakeup.signal()
    wakeup.signal()  // many signals are one
    await wakeup.wait(for: .seconds(3600), clock: ContinuousClock())
  }

  @Test func aSignalWakesAWaiter() async {
    let wakeup = Wakeup()
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await wakeup.wait(for: .seconds(3600), clock: ContinuousClock()) }
      group.addTask {
        // Signal until the waiter has gone: a signal before it waits is kept, so one is enough
        // either way; more do no harm.
        wakeup.signal()
      }
      await group.waitForAll()
    }
  }

  @Test func cancellationEndsAWait() async {
    let wakeup = Wakeup()
    let waiter = Task { await wakeup.wait(for: .seconds(3600), clock: ContinuousClock()) }
    waiter.cancel()
    await waiter.value
  }

  @Test func theWaitEndsWhenItsTimeIsUp() async {
    let wakeup = Wakeup()
    await wakeup.wait(for: .zero, clock: ContinuousClock())
  }
}

struct WorkerThreadTests {
  @Test func joinReturnsOnceTheWorkHasEndedAndItRanOnItsOwnStack() throws {
    let done = Shared(false)
    let worker = try WorkerThread(stackSize: 8 << 20) {
      // Deep recursion that the default 512 kB of a secondary thread would not hold.
      func depth(_ n: Int) -> Int {
        var padding = (0..<64).map { $0 &+ n }
        padding[0] = n
        return n == 0 ? padding[0] : depth(n - 1) &+ padding[1] - padding[1]
      }
      _ = depth(20_000)
      done.withLock { $0 = true }
    }
    worker.join()
    #expect(done.value)
  }
}
