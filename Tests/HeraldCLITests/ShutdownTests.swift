import Foundation
import HeraldTesting
import Testing

/// herald serve and herald deliver --watch under SIGTERM: what is in flight finishes or goes
/// back to the queue, nothing is lost or left claimed, and the process exits 0.
struct ShutdownTests {
  /// The messages in each Outbox folder.
  func outbox(_ root: URL) -> [String: Int] {
    var counts: [String: Int] = [:]
    for state in ["queue", "active", "deferred", "sent", "failed", "hold"] {
      let folder = root.appendingPathComponent("Outbox/\(state)")
      counts[state] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.count
    }
    return counts
  }

  /// Waits (at most `timeout` seconds) until `condition` holds; whether it did.
  func eventually(timeout: TimeInterval = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if try condition() { return true }
      usleep(20_000)
    }
    return try condition()
  }

  @Test func sigtermWhileServeDeliversFinishesWhatIsInFlightLosesNothingAndExitsZero() throws {
    let (root, _) = try HeraldProcess.workspace(list: "press-en", readers: 60, prefix: "slow-")
    let relay = try ScenarioSMTPServer(.plain)
    let queued = try HeraldProcess.run(["send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes"], in: root)
    #expect(queued.status == 0, "\(queued.stderr)")
    let server = try BackgroundProcess.herald(["serve", "--port", "0", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: root)
    defer { server.stop() }
    _ = try #require(try server.waitForOutput("Listening on http://127.0.0.1:([0-9]+)"), "\(server.output)")
    // Mid-send: some messages are through, most are not (the relay takes 0.2 s each).
    #expect(try eventually { try relay.received().count >= 4 }, "\(server.output)")
    kill(server.pid, SIGTERM)
    let status = server.wait(timeout: 30)
    #expect(status == 0, "\(server.output)")
    #expect(server.output.contains("Stopped."), "\(server.output)")
    let counts = outbox(root)
    let received = try relay.received()
    // Nothing claimed is left behind; every message is sent or waits, none twice, none lost.
    #expect(counts["active"] == 0, "\(counts)")
    #expect(counts["sent"] == received.count, "each message the relay took is recorded as sent: \(counts), \(received.count) received")
    #expect((counts["sent"] ?? 0) + (counts["queue"] ?? 0) == 60, "\(counts)")
    #expect((counts["queue"] ?? 0) > 0, "the signal came mid-send: \(counts)")
    #expect(Set(received.flatMap(\.recipients)).count == received.count, "no message went twice")
    // And the rest goes out with the next run.
    let rest = try HeraldProcess.run(["deliver", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: root)
    #expect(rest.status == 0, "\(rest.stderr)")
    #expect(Set(try relay.received().flatMap(\.recipients)).count == 60)
  }

  @Test func aTransferThatOutlastsTheGracePeriodIsEndedAndReturnsToTheQueue() throws {
    let (root, _) = try HeraldProcess.workspace(list: "press-en", readers: 1, prefix: "stall-")
    let relay = try ScenarioSMTPServer(.plain)
    #expect(try HeraldProcess.run(["send", "Releases/2020-03-31-water-report.md", "--queue-only", "--yes"], in: root).status == 0)
    let deliver = try BackgroundProcess.herald(
      ["deliver", "--watch", "--grace", "0.5", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: root)
    defer { deliver.stop() }
    // The relay has the message and never answers after it.
    #expect(try eventually { outbox(root)["active"] == 1 }, "\(deliver.output)")
    kill(deliver.pid, SIGTERM)
    let status = deliver.wait(timeout: 30)
    #expect(status == 0, "\(deliver.output)")
    let counts = outbox(root)
    #expect(counts["active"] == 0 && counts["queue"] == 1 && counts["deferred"] == 0, "back in the queue, not an attempt: \(counts)")
  }
}
