import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldWorkspace
import Testing

/// The embargo's time as written and as read, and how an embargoed copy is marked: in the
/// subject after a configurable prefix, and as a banner at the top of the HTML and the text.
struct EmbargoMarkingTests {
  static let berlin = TimeZone(identifier: "Europe/Berlin")!
  static let newYork = TimeZone(identifier: "America/New_York")!

  @Test func theEmbargoIsAnInstantKeptInTheZoneItWasWrittenIn() throws {
    let release = try Release(text: Fixtures.releaseText(body: "Text.", frontMatter: "embargo: 2026-12-08T06:00:00+01:00\n"), file: "Releases/x.md")
    let time = try #require(release.embargoTime)
    #expect(time.instant == Date(timeIntervalSince1970: 1_796_706_000) && release.embargo == time.instant)
    #expect(time.writtenIn.secondsFromGMT(for: time.instant) == 3600)
    #expect(release.frontMatterLines["embargo"] == 6)
    let utc = try #require(EmbargoTime(parsing: "2026-12-08T05:00:00Z"))
    #expect(utc.instant == time.instant && utc.writtenIn.secondsFromGMT() == 0)
    #expect(EmbargoTime(parsing: "2026-12-08T06:00:00-05:30")?.writtenIn.secondsFromGMT() == -19_800)
  }

  @Test func aTimeAPersonReadsNamesItsZone() throws {
    let time = try #require(EmbargoTime(parsing: "2026-12-08T06:00:00+01:00"))
    #expect(time.readable(in: Self.berlin) == "8 December 2026, 06:00 CET")
    #expect(time.readable(in: Self.newYork) == "8 December 2026, 00:00 EST")
    #expect(time.readable(in: TimeZone(secondsFromGMT: 3600)!) == "8 December 2026, 06:00 UTC+01:00")
    #expect(time.readable(in: TimeZone(identifier: "UTC")!) == "8 December 2026, 05:00 UTC")
  }

  @Test func withoutTheReadersZoneTheTimeIsAsWrittenNamedByTheWorkspacesZone() throws {
    let time = try #require(EmbargoTime(parsing: "2026-12-08T06:00:00+01:00"))
    // Berlin is +01:00 then: the same clock time, named as the workspace names it.
    #expect(time.readable(forReaderIn: nil, workspace: Self.berlin) == "8 December 2026, 06:00 CET")
    // Elsewhere +01:00 stays +01:00, with the workspace's time beside it.
    #expect(time.readable(forReaderIn: nil, workspace: TimeZone(identifier: "UTC")!) == "8 December 2026, 06:00 UTC+01:00 (8 December 2026, 05:00 UTC)")
    #expect(time.readable(forReaderIn: Self.newYork, workspace: Self.berlin) == "8 December 2026, 00:00 EST")
  }

  @Test func theSubjectCarriesTheEmbargoAfterAConfigurablePrefix() throws {
    let time = try #require(EmbargoTime(parsing: "2026-12-08T06:00:00+01:00"))
    var settings = Fixtures.settings
    #expect(EmbargoMarking(time, readerZone: nil, settings: settings).subject("New study") == "EMBARGOED until 8 December 2026, 06:00 CET: New study")
    settings.embargoPrefix = "SPERRFRIST bis"
    #expect(EmbargoMarking(time, readerZone: Self.newYork, settings: settings).subject("New study") == "SPERRFRIST bis 8 December 2026, 00:00 EST: New study")
    let configuration = try Configuration(yaml: Fixtures.defaultFile("herald.yml") + "\nembargo_prefix: \"Under embargo until\"\n", file: "herald.yml")
    #expect(configuration.compose.embargoPrefix == "Under embargo until")
    #expect(Fixtures.configuration.compose.embargoPrefix == "EMBARGOED until")
  }

  @Test func anEmbargoedCopyHasTheBannerAtTheTopOfBothPartsAndTheEmbargoInItsSubject() throws {
    let composed = try Fixtures.compose(Fixtures.releaseText(body: "Dear {{subscriber.name}}, the text.", frontMatter: "embargo: 2026-12-08T06:00:00+01:00\n"))
    let time = try #require(composed.release.embargoTime)
    let copy = composed.embargoed(EmbargoMarking(time, readerZone: nil, settings: composed.settings))
    let parts = copy.personalisedParts(for: Fixtures.alex, list: "press-vetted")
    #expect(parts.text.hasPrefix("*** EMBARGOED UNTIL 8 December 2026, 06:00 CET ***\nNot for publication"), "\(parts.text.prefix(200))")
    let body = try #require(parts.html.range(of: "<body"))
    let banner = try #require(parts.html.range(of: "<strong>EMBARGOED UNTIL 8 December 2026, 06:00 CET</strong>"))
    #expect(body.upperBound < banner.lowerBound && !parts.html[..<banner.lowerBound].contains("<h1"), "the banner comes before the title")
    #expect(parts.text.contains("Dear Alex Example, the text."))
    let message = copy.message(for: Fixtures.alex, list: "press-vetted", stamp: MessageStamp(date: Date(timeIntervalSince1970: 1_796_000_000), unique: "u1"))
    let parsed = ReceivedMessage(parsing: message.bytes)
    #expect(parsed.subject == "EMBARGOED until 8 December 2026, 06:00 CET: Test release")
    #expect(copy.subject == parsed.subject)
    // The release itself is unmarked: the others get it as it is.
    let plain = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(!plain.text.contains("EMBARGOED") && !plain.html.contains("EMBARGOED") && composed.subject == "Test release")
  }

  @Test func theReaderZoneComesFromTheirTimeZoneField() {
    #expect(EmbargoMarking.readerZone(["time_zone": "America/New_York"]) == Self.newYork)
    #expect(EmbargoMarking.readerZone(["Time zone": "America/New_York"]) == Self.newYork)
    #expect(EmbargoMarking.readerZone(["time_zone": "Mars/Olympus"]) == nil)
    #expect(EmbargoMarking.readerZone([:]) == nil)
  }

  @Test func checkShowsTheEmbargoInTheWorkspacesZoneAndWarnsWhenPastOrClose() throws {
    let release = try Release(text: Fixtures.releaseText(body: "Text.", frontMatter: "embargo: 2026-12-08T06:00:00+01:00\n"), file: "Releases/x.md")
    let lift = Date(timeIntervalSince1970: 1_796_706_000)
    let early = ReleaseChecker.embargoDiagnostics(for: release, timeZone: Self.berlin, now: lift.addingTimeInterval(-2 * 86_400))
    #expect(early.count == 1 && early[0].severity == .note && early[0].line == 6)
    #expect(early[0].message.contains("under embargo until 8 December 2026, 06:00 CET:"), "\(early[0].message)")
    let inNewYork = ReleaseChecker.embargoDiagnostics(for: release, timeZone: Self.newYork, now: lift.addingTimeInterval(-86_400))
    #expect(inNewYork[0].message.contains("00:00 EST (written as 8 December 2026, 06:00 UTC+01:00)"), "\(inNewYork[0].message)")
    let close = ReleaseChecker.embargoDiagnostics(for: release, timeZone: Self.berlin, now: lift.addingTimeInterval(-20 * 60))
    #expect(close.contains { $0.severity == .warning && $0.message.contains("lifts in 20 minutes") })
    let past = ReleaseChecker.embargoDiagnostics(for: release, timeZone: Self.berlin, now: lift.addingTimeInterval(60))
    #expect(past.count == 1 && past[0].severity == .warning && past[0].message.contains("in the past"))
  }
}
