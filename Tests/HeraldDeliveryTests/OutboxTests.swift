import Foundation
import Testing
@testable import HeraldDelivery

struct OutboxTests {
  @Test func openMakesEveryStateFolder() throws {
    let temp = TemporaryOutbox()
    _ = try temp.open()
    for folder in ["queue", "active", "deferred", "sent", "failed", "hold", "tmp"] {
      var isDirectory: ObjCBool = false
      #expect(FileManager.default.fileExists(atPath: temp.url.appendingPathComponent(folder).path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }
  }

  @Test func enqueueThenClaimReturnsOldestFirstAndMovesToActive() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let messages = (0..<20).map { sampleMessage(recipient: "r\($0)@example.com") }
    try outbox.enqueue(messages.shuffled())
    #expect(temp.files("queue") == messages.map(\.id))
    #expect(temp.files("tmp").isEmpty)
    let first = try outbox.claim(limit: 5)
    #expect(first == Array(messages[0..<5]))
    #expect(temp.files("active") == messages[0..<5].map(\.id))
    #expect(temp.files("queue") == messages[5...].map(\.id))
    let rest = try outbox.claim(limit: 100)
    #expect(rest == Array(messages[5...]))
    #expect(try outbox.claim(limit: 100).isEmpty)
  }

  @Test func aMessageIsNeverClaimedTwice() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    try outbox.enqueue((0..<10).map { _ in sampleMessage() })
    let a = try outbox.claim(limit: 6)
    let other = try temp.open()  // its own scan still sees all ten
    let b = try other.claim(limit: 10)
    let c = try outbox.claim(limit: 10)
    #expect(a.count == 6 && b.count == 4 && c.isEmpty)
    #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
  }

  @Test func twoOutboxesClaimingAtOnceShareEveryMessageExactlyOnce() throws {
    let temp = TemporaryOutbox()
    let messages = (0..<2_000).map { _ in sampleMessage(size: 100) }
    try temp.open().enqueue(messages)
    let results = Results()
    let threads = (0..<2).map { _ in
      Thread {
        do {
          let outbox = try temp.open()
          while true {
            let batch = try outbox.claim(limit: 7)
            if batch.isEmpty { break }
            results.add(batch.map(\.id))
          }
        } catch {
          results.fail(error)
        }
        results.threadEnded()
      }
    }
    threads.forEach { $0.start() }
    while !results.finished(2) { usleep(1000) }
    #expect(results.errors.isEmpty)
    #expect(results.ids.count == messages.count)
    #expect(Set(results.ids) == Set(messages.map(\.id)))
    #expect(results.perThread.allSatisfy { !$0.isEmpty })
    #expect(temp.files("queue").isEmpty && temp.files("active").count == messages.count)
  }

  @Test func marksRecordTheAttemptAndMoveTheFile() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let messages = (0..<3).map { _ in sampleMessage() }
    try outbox.enqueue(messages)
    let claimed = try outbox.claim(limit: 3)
    let at = Date(timeIntervalSince1970: 1_750_000_000)
    try outbox.markSent(claimed[0], reply: "250 2.0.0 Ok: queued as ABC", at: at)
    try outbox.markDeferred(claimed[1], reply: "451 4.7.1 Try later", retryAt: at.addingTimeInterval(300), at: at)
    try outbox.markFailed(claimed[2], reply: "550 5.1.1 No such user", at: at)
    #expect(temp.files("active").isEmpty && temp.files("tmp").isEmpty)
    #expect(temp.files("sent") == [messages[0].id])
    #expect(temp.files("deferred") == [messages[1].id])
    #expect(temp.files("failed") == [messages[2].id])

    let sent = try outbox.message(id: messages[0].id)
    #expect(sent.state == .sent)
    #expect(sent.message.attempts == [.init(at: at, reply: "250 2.0.0 Ok: queued as ABC", outcome: .sent)])
    #expect(sent.message.bytes == messages[0].bytes)
    let deferred = try outbox.message(id: messages[1].id)
    #expect(deferred.state == .deferred)
    #expect(deferred.message.attempts.map(\.reply) == ["451 4.7.1 Try later"])
    #expect(deferred.message.nextAttempt == at.addingTimeInterval(300))
    let failed = try outbox.message(id: messages[2].id)
    #expect(failed.state == .failed && failed.message.attempts.map(\.outcome) == [.failed])

    // Only a claimed message can be marked.
    let error = #expect(throws: DeliveryError.self) { try outbox.markSent(claimed[0], reply: "250") }
    #expect(error?.code == .notFound)
  }

  @Test func deferredMessagesAreClaimedOnlyFromTheirRetryTime() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let message = sampleMessage()
    try outbox.enqueue([message])
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let claimed = try outbox.claim(limit: 1, now: now)
    try outbox.markDeferred(claimed[0], reply: "451 4.3.0 Busy", retryAt: now.addingTimeInterval(300), at: now)
    #expect(try outbox.claim(limit: 1, now: now).isEmpty)
    #expect(try outbox.claim(limit: 1, now: now.addingTimeInterval(299)).isEmpty)
    #expect(try outbox.nextDeferredAttempt() == now.addingTimeInterval(300))
    let again = try outbox.claim(limit: 1, now: now.addingTimeInterval(300))
    #expect(again.map(\.id) == [message.id])
    #expect(again.first?.attempts.count == 1)
    // A second deferral keeps both attempts.
    try outbox.markDeferred(again[0], reply: "452 4.2.2 Full", retryAt: now.addingTimeInterval(900))
    #expect(try outbox.message(id: message.id).message.attempts.map(\.reply) == ["451 4.3.0 Busy", "452 4.2.2 Full"])
  }

  @Test func recoverReturnsActiveFilesToTheQueueAndLosesNothing() throws {
    let temp = TemporaryOutbox()
    var outbox: Outbox? = try temp.open()
    let messages = (0..<10).map { _ in sampleMessage() }
    try outbox!.enqueue(messages)
    let claimed = try outbox!.claim(limit: 6)
    try outbox!.markSent(claimed[0], reply: "250 Ok")
    outbox = nil  // the process "dies" with five messages in active/

    let restarted = try temp.open()
    #expect(try restarted.recover() == 5)
    #expect(temp.files("active").isEmpty)
    #expect(temp.files("queue") == messages[1...].map(\.id))
    let again = try restarted.claim(limit: 100)
    #expect(again.map(\.id) == messages[1...].map(\.id))
    #expect(again == Array(messages[1...]))
  }

  @Test func aResultIsAppendedToTheFileNotWrittenAnew() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let message = sampleMessage(size: 12_000)
    try outbox.enqueue([message])
    let queued = try Data(contentsOf: temp.url.appendingPathComponent("queue/\(message.id)"))
    let claimed = try outbox.claim(limit: 1)
    let retryAt = Date().addingTimeInterval(600)
    try outbox.markDeferred(claimed[0], reply: "451 4.7.1 Try later", retryAt: retryAt)
    let deferred = try Data(contentsOf: temp.url.appendingPathComponent("deferred/\(message.id)"))
    // The same file, the message untouched, the attempt and next try added at its end.
    #expect(deferred.prefix(queued.count) == queued)
    #expect(String(decoding: deferred.dropFirst(queued.count), as: UTF8.self).hasPrefix("Attempt: "))
    let entry = try outbox.message(id: message.id)
    #expect(entry.state == .deferred)
    #expect(entry.message.attempts.map(\.reply) == ["451 4.7.1 Try later"])
    #expect(entry.message.nextAttempt == retryAt.outboxMilliseconds)
    #expect(entry.message.bytes == message.bytes)
    try outbox.flushResults()
  }

  @Test func recoverLeavesActiveAloneWhileAnotherProcessUsesTheOutbox() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let message = sampleMessage()
    try outbox.enqueue([message])
    _ = try outbox.claim(limit: 1)  // in flight, as in a herald send still delivering
    // Another process with the Outbox open: it holds the shared lock every user holds.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    holder.arguments = ["python3", "-c", """
      import fcntl, sys, time
      f = open(sys.argv[1], "r+"); fcntl.lockf(f, fcntl.LOCK_SH); print("locked", flush=True); time.sleep(30)
      """, temp.url.appendingPathComponent("lock").path]
    let output = Pipe()
    holder.standardOutput = output
    try holder.run()
    defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }; holder.waitUntilExit() }
    _ = output.fileHandleForReading.availableData  // "locked"
    #expect(try outbox.recover() == 0)
    #expect(temp.files("active") == [message.id], "another process's message in flight stays where it is")
    kill(holder.processIdentifier, SIGKILL)
    holder.waitUntilExit()
    // Alone again (the other process ended, however it ended): its leftovers come back.
    #expect(try outbox.recover() == 1)
    #expect(temp.files("active").isEmpty && temp.files("queue") == [message.id])
  }

  @Test func aHalfWrittenTempFileIsNeverAMessage() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let message = sampleMessage(size: 12_000)
    try outbox.enqueue([message])
    // A process killed mid-write leaves a partial file in tmp/.
    let partial = sampleMessage(size: 12_000)
    let half = Array(partial.encodedFile().prefix(5_000))
    _ = FileManager.default.createFile(atPath: temp.url.appendingPathComponent("tmp/\(partial.id).999").path, contents: Data(half))

    let reopened = try temp.open()
    #expect(try reopened.counts().total == 1)
    #expect(try reopened.list().map(\.message.id) == [message.id])
    #expect(throws: DeliveryError.self) { try reopened.message(id: partial.id) }
    try reopened.recover()
    #expect(temp.files("tmp").isEmpty)
    #expect(try reopened.claim(limit: 10).map(\.id) == [message.id])
  }

  @Test func aCorruptFileInTheQueueIsSetAsideNotClaimed() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let good = sampleMessage()
    try outbox.enqueue([good])
    let badID = OutboxMessage.makeID()
    _ = FileManager.default.createFile(atPath: temp.url.appendingPathComponent("queue/\(badID)").path, contents: Data("HERALD-OUTBOX 1\nId: x".utf8))
    let error = #expect(throws: DeliveryError.self) { try outbox.message(id: badID) }
    #expect(error?.code == .corrupt)
    #expect(error?.message.contains("queue/\(badID)") == true)
    #expect(try outbox.claim(limit: 10).map(\.id) == [good.id])
    #expect(temp.files("corrupt") == [badID])
  }

  @Test func holdReleaseRetryAndPurge() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let messages = (0..<4).map { _ in sampleMessage() }
    try outbox.enqueue(messages)
    try outbox.hold(messages[0].id)
    #expect(temp.files("hold") == [messages[0].id])
    #expect(try outbox.claim(limit: 1).map(\.id) == [messages[1].id])
    try outbox.release(messages[0].id)
    #expect(temp.files("hold").isEmpty)
    #expect(try outbox.claim(limit: 1).map(\.id) == [messages[0].id])
    #expect(throws: DeliveryError.self) { try outbox.release(messages[0].id) }
    #expect(throws: DeliveryError.self) { try outbox.hold("../../etc/passwd") }

    // Deferred far into the future, then retried now.
    let rest = try outbox.claim(limit: 2)
    let later = Date().addingTimeInterval(3600)
    for message in rest { try outbox.markDeferred(message, reply: "451 later", retryAt: later) }
    #expect(try outbox.claim(limit: 10).isEmpty)
    try outbox.retry(rest[0].id)
    #expect(try outbox.claim(limit: 10).map(\.id) == [rest[0].id])
    #expect(try outbox.retryAll() == 1)
    #expect(try outbox.claim(limit: 10).map(\.id) == [rest[1].id])

    // Purge removes sent messages written before the cutoff, and only those.
    let active = try outbox.list(state: .active).map(\.message)
    for message in active { try outbox.markSent(message, reply: "250 ok") }
    #expect(try outbox.purge(state: .sent, olderThan: Date().addingTimeInterval(-3600)) == 0)
    #expect(temp.files("sent").count == 4)
    #expect(try outbox.purge(state: .sent, olderThan: Date().addingTimeInterval(1)) == 4)
    #expect(temp.files("sent").isEmpty)
    #expect(throws: DeliveryError.self) { try outbox.purge(state: .active, olderThan: Date()) }
  }

  @Test func holdAndReleaseAWholeCampaign() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    try outbox.enqueue((0..<3).map { _ in sampleMessage(campaign: "a") } + (0..<2).map { _ in sampleMessage(campaign: "b") })
    #expect(try outbox.hold(campaign: "a") == 3)
    #expect(try outbox.claim(limit: 10).map(\.campaign) == ["b", "b"])
    #expect(try outbox.release(campaign: "a") == 3)
    #expect(try outbox.claim(limit: 10).map(\.campaign) == ["a", "a", "a"])
  }

  @Test func countsByStateAndCampaignAddUp() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let a = (0..<5).map { _ in sampleMessage(campaign: "a") }
    let b = (0..<3).map { _ in sampleMessage(campaign: "b") }
    try outbox.enqueue(a + b)
    let claimed = try outbox.claim(limit: 4)  // a0…a3
    try outbox.markSent(claimed[0], reply: "250")
    try outbox.markFailed(claimed[1], reply: "550")
    try outbox.markDeferred(claimed[2], reply: "451", retryAt: Date().addingTimeInterval(60))
    try outbox.hold(b[0].id)
    let counts = try outbox.counts()
    #expect(counts.byState == [.queue: 3, .active: 1, .deferred: 1, .sent: 1, .failed: 1, .hold: 1])
    #expect(counts.byCampaign["a"] == [.queue: 1, .active: 1, .deferred: 1, .sent: 1, .failed: 1])
    #expect(counts.byCampaign["b"] == [.queue: 2, .hold: 1])
    #expect(counts.total == 8)
    #expect(try outbox.list(campaign: "b").map(\.message.id) == b.map(\.id))
    #expect(try outbox.list(state: .queue, campaign: "a").map(\.message.id) == [a[4].id])
  }

  @Test func enqueueRefusesAnIdThatCannotNameAFile() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    var message = sampleMessage()
    message.id = "../escape"
    let error = #expect(throws: DeliveryError.self) { try outbox.enqueue([sampleMessage(), message]) }
    #expect(error?.code == .invalidMessage)
    #expect(temp.files("queue").isEmpty && temp.files("tmp").isEmpty)
  }

  @Test func enqueuesFiveThousandTwelveKilobyteMessagesWhole() throws {
    let temp = TemporaryOutbox()
    let outbox = try temp.open()
    let body = [UInt8](repeating: UInt8(ascii: "a"), count: 12_000)
    let messages = (0..<5_000).map { i in
      OutboxMessage(campaign: "bench", sender: "b@example.org", recipient: "r\(i)@example.com", bytes: body)
    }
    // How fast is `make bench`'s business (Benchmarks/deliver.py); here, that all arrive whole.
    try outbox.enqueue(messages)
    #expect(temp.files("queue").count == 5_000)
  }
}

/// What the claiming threads found.
final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var ids: [String] = []
  private(set) var perThread: [[String]] = []
  private(set) var errors: [Error] = []
  private var done = 0
  private var current: [ObjectIdentifier: Int] = [:]

  func add(_ batch: [String]) {
    lock.lock(); defer { lock.unlock() }
    ids += batch
    let key = ObjectIdentifier(Thread.current)
    if let index = current[key] { perThread[index] += batch } else {
      current[key] = perThread.count
      perThread.append(batch)
    }
  }
  func fail(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
  func finished(_ count: Int) -> Bool { lock.lock(); defer { lock.unlock() }; return done >= count }
  func threadEnded() { lock.lock(); done += 1; lock.unlock() }
}
