import Foundation
import HeraldCampaign
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// Another herald process holds the store's write lock (an import, a send recording its
/// results): the server keeps answering, and no unsubscribe is lost.
struct BusyStoreTests {
  @Test(.timeLimit(.minutes(2))) func oneClicksAreTakenWhileAnotherProcessHoldsTheStoreAndRecordedOnceWhenItIsFree() async throws {
    let (busy, busySignal) = AsyncStream<Void>.makeStream()
    let fixture = try WebFixture(storeBusyTimeout: 0.2) { event in
      if case .busy = event { busySignal.yield() }
    }
    let addresses = ["reader1@example.com", "reader2@example.com", "reader3@example.com"]
    let tokens = try addresses.map { try fixture.unsubscribeToken($0) }
    // reader1 also leaves press-de with the page's button.
    let pageToken = try fixture.unsubscribeToken("reader1@example.com", list: "press-de")
    let formToken = fixture.formToken("unsubscribe")
    let lock = try StoreWriteLock(fixture.workspace.databaseFile)
    try await fixture.test { client in
      let port = try #require(client.port)
      // The one-clicks, at once, each on a connection of its own (as many mail providers do).
      async let oneClicks = withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
        for token in tokens + [tokens[1]] {
          group.addTask {
            try await TestClient.withClient(host: "127.0.0.1", port: port) { other in
              try await other.post(
                "/unsubscribe/\(token)", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
              ).status
            }
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      // Pages served from memory answer meanwhile.
      for path in ["/", "/style.css", "/releases/2020-03-31-water-report", "/feed.atom", "/unsubscribe/\(tokens[0])"] {
        let page = try await client.execute(uri: path, method: .get)
        #expect(page.status == .ok, "\(path): \(page.status)")
      }
      let button = try await client.execute(
        uri: "/unsubscribe/\(pageToken)", method: .post, headers: formHeaders,
        body: formBody([("form_token", formToken), ("scope", "list"), ("website", "")]))
      #expect(button.status == .ok, "\(button.text)")
      #expect(button.text.contains("You are unsubscribed"))
      let statuses = try await oneClicks
      #expect(statuses == Array(repeating: .ok, count: 4), "every one-click is taken: \(statuses)")
      #expect(lock.isHeld, "all answered while the store was locked")
      #expect(try fixture.status("reader2@example.com") == .subscribed, "the store could not be written yet")
      // The service tried and found the store busy for longer than the busy timeout.
      if fixture.store.unsubscribes.hasPending {
        var signals = busy.makeAsyncIterator()
        _ = await signals.next()
      }
      lock.release()
    }
    // The server stopped gracefully: what the journal held is in the store, once.
    for address in addresses {
      let profile = try fixture.store.profile(email: address)
      let membership = try #require(profile.memberships.first { $0.list == "press-en" })
      #expect(membership.status == .unsubscribed, "\(address)")
      #expect(membership.source.detail.hasPrefix("one-click, 127.0.0.1"), "\(membership.source.detail)")
      #expect(profile.history.filter { $0.list == "press-en" && $0.status == .unsubscribed }.count == 1, "\(address): \(profile.history)")
      #expect(profile.history.filter { $0.list == "press-en" && $0.status == .subscribed }.count == 1, "\(address): \(profile.history)")
    }
    let reader1 = try fixture.store.profile(email: "reader1@example.com")
    #expect(reader1.memberships.first { $0.list == "press-de" }?.status == .unsubscribed)
    #expect(reader1.memberships.first { $0.list == "press-de" }?.source.detail.hasPrefix("page, 127.0.0.1") == true)
    #expect(!fixture.store.unsubscribes.hasPending)
  }
}

/// Another process holding the write lock of a SQLite database (Python's sqlite3, `BEGIN
/// IMMEDIATE`) until released; killed with SIGKILL (children of the test runner ignore
/// SIGTERM), which ends its transaction.
final class StoreWriteLock: @unchecked Sendable {  // the process is only asked whether it runs, and signalled
  private let process: BackgroundProcess

  init(_ database: URL) throws {
    let script = """
      import sqlite3, sys, time
      db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
      db.execute("BEGIN IMMEDIATE")
      print("locked", flush=True)
      time.sleep(600)
      """
    process = try BackgroundProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, database.path])
    guard try process.waitForOutput("locked") != nil else {
      throw StoreLockError(output: process.output)
    }
  }

  /// Whether it still holds the lock.
  var isHeld: Bool { process.isRunning }

  /// Ends the process, and with it the transaction.
  func release() {
    kill(process.pid, SIGKILL)
  }

  struct StoreLockError: Error, CustomStringConvertible {
    let output: String
    var description: String { "python3 could not lock the store: \(output)" }
  }
}
