import Foundation
import HeraldCore
import Testing

struct LocalTimeTests {
  // 2026-12-06 13:05:09 UTC
  let instant = Date(timeIntervalSince1970: 1_796_562_309)

  @Test func timesAreShownInTheWorkspacesZoneWithItsName() throws {
    let berlin = LocalTime(timeZone: try #require(TimeZone(identifier: "Europe/Berlin")))
    #expect(berlin.string(instant) == "2026-12-06 14:05 CET")
    #expect(berlin.precise(instant).hasPrefix("2026-12-06 14:05:09 "))
    #expect(berlin.short(instant) == "12-06 14:05")
    let utc = LocalTime(timeZone: try #require(TimeZone(identifier: "UTC")))
    #expect(utc.string(instant) == "2026-12-06 13:05 UTC" || utc.string(instant) == "2026-12-06 13:05 GMT")
  }

  @Test func summerTimeIsNamedAsSuch() throws {
    let berlin = LocalTime(timeZone: try #require(TimeZone(identifier: "Europe/Berlin")))
    let july = Date(timeIntervalSince1970: 1_783_339_200)  // 2026-07-06 12:00 UTC
    #expect(berlin.string(july).hasPrefix("2026-07-06 14:00 "))
    #expect(berlin.zone(at: july) == "CEST" && berlin.zone(at: instant) == "CET", "summer and winter time are told apart")
  }

  static let spans: [(TimeInterval, String)] = [(0, "0 min"), (2_640, "44 min"), (11_100, "3 h 05 min"), (180_000, "2 d 2 h"), (-5, "0 min")]

  @Test(arguments: spans)
  func spansAreInHoursAndMinutes(_ seconds: TimeInterval, _ shown: String) {
    #expect(LocalTime.span(seconds) == shown)
  }
}
