import Foundation
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// The subscription form's answer takes as long whether the address is new, subscribed
/// already or suppressed: its time says nothing about who is on a list.
struct SubscribeTimingTests {
  let fixture: WebFixture
  init() throws {
    // Room for the requests this measures: the rate limit is not what is tested here.
    fixture = try WebFixture(web: ["  forms_per_minute: 10000", "  form_burst: 1000"])
    try fixture.store.suppress("suppressed@example.org", reason: "asked never to be written to")
  }

  func subscribe(_ client: any TestClientProtocol, email: String) async throws -> TestResponse {
    let fields = [("form_token", fixture.formToken("subscribe")), ("email", email), ("name", "Kim Reporter"), ("consent", "yes"), ("website", "")]
    return try await client.execute(uri: "/subscribe/press-de", method: .post, headers: formHeaders, body: formBody(fields))
  }

  /// A benchmark, not a timed unit test: 30 rounds of one request per case, back to back
  /// (in a turning order), each after the work the one before handed over is done. The
  /// machine is shared (the whole suite runs in parallel), and its load drifts by more than
  /// a millisecond between rounds; the three requests of a round share the moment's load,
  /// so each case is compared with each other within its round, and the medians of those
  /// differences must be under a millisecond (as must the cases' own medians, on a quiet
  /// machine: both are reported). A measurement disturbed by others is taken again, at most
  /// three times; a difference in the code shows in every one (before this change the new
  /// address's answer was about 4.5 ms slower in every round).
  @Test func theAnswersMediansForANewASubscribedAndASuppressedAddressDifferByLessThanAMillisecond() async throws {
    var measured: [(perCase: [String: Duration], paired: Duration)] = []
    for attempt in 0..<3 {
      let times = try await rounds(30, first: attempt * 31)
      let result = (perCase: times.mapValues(Self.median), paired: Self.largestPairedMedian(times))
      measured.append(result)
      if result.paired < .milliseconds(1) { break }
    }
    let best = measured.map(\.paired).min()!
    #expect(best < .milliseconds(1), "largest median of paired differences, and each case's median: \(measured)")
  }

  static func median(_ values: [Duration]) -> Duration {
    values.sorted()[values.count / 2]
  }

  /// The largest, over the pairs of cases, of the median of their differences round by round.
  static func largestPairedMedian(_ times: [String: [Duration]]) -> Duration {
    let names = times.keys.sorted()
    var largest: Duration = .zero
    for (index, first) in names.enumerated() {
      for second in names[(index + 1)...] {
        let differences = zip(times[first]!, times[second]!).map { $0 - $1 }
        let middle = median(differences)
        largest = max(largest, middle < .zero ? .zero - middle : middle)
      }
    }
    return largest
  }

  /// The answer's time for each case, round by round.
  func rounds(_ requests: Int, first: Int) async throws -> [String: [Duration]] {
    let cases = ["new", "subscribed", "suppressed"]
    let clock = ContinuousClock()
    let times = try await fixture.test { client in
      var times: [String: [Duration]] = [:]
      // One of each first, not counted: the first requests pay for warming up.
      for round in -1..<requests {
        // Each round in another order, so that no case always follows the one whose work
        // was heaviest (a new address's confirmation): the order's effect is shared out.
        let shift = (round + 1) % cases.count
        for name in cases[shift...] + cases[..<shift] {
          let email = switch name {
          case "new": "new\(first + round + 1)@example.net"
          case "subscribed": "reader1@example.com"
          default: "suppressed@example.org"
          }
          await self.fixture.server.subscriptions.idle()
          var response: TestResponse?
          let time = try await clock.measure { response = try await self.subscribe(client, email: email) }
          #expect(response?.status == .ok, "\(name): \(response?.text ?? "")")
          if round >= 0 { times[name, default: []].append(time) }
        }
      }
      return times
    }
    return times
  }

  @Test func theNewAddressesConfirmationReachesTheOutboxAfterTheAnswer() async throws {
    try await fixture.test { client in
      let response = try await self.subscribe(client, email: "kim@example.net")
      #expect(response.status == .ok)
      await self.fixture.server.subscriptions.idle()
      let mail = try self.fixture.queued()
      #expect(mail.count == 1 && mail.first?.recipient == "kim@example.net")
      #expect(try self.fixture.status("kim@example.net", "press-de") == .pending)
    }
  }

  @Test func requestsStillQueuedWhenTheServerStopsAreHandledBeforeItExits() async throws {
    try await fixture.test { client in
      for index in 1...5 {
        let response = try await self.subscribe(client, email: "late\(index)@example.net")
        #expect(response.status == .ok)
      }
    }
    let recipients = Set(try fixture.queued().map(\.recipient))
    #expect(recipients == Set((1...5).map { "late\($0)@example.net" }))
  }

  @Test func aMalformedAddressIsStillShownItsMistakeAtOnce() async throws {
    try await fixture.test { client in
      let response = try await self.subscribe(client, email: "not an address")
      #expect(response.status == .unprocessableContent)
      #expect(response.text.contains("Enter an email address like name@example.org."))
    }
    #expect(try fixture.queued().isEmpty)
  }
}
