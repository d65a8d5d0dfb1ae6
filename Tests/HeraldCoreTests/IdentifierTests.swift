import Foundation
import HeraldCore
import Testing

struct IdentifierTests {
  @Test func aCampaignIsNamedByItsReleaseAndStartAndReadBack() throws {
    let started = Date(timeIntervalSince1970: 1_795_947_733.9)
    let campaign = CampaignID(release: "2020-03-31-water-report", started: started)
    #expect(campaign.rawValue == "2020-03-31-water-report-1795947733")
    #expect(campaign.release == "2020-03-31-water-report")
    #expect(campaign.releaseKey == "2020-03-31-water-report")
    #expect(!campaign.isCorrection)
    #expect(campaign.started == Date(timeIntervalSince1970: 1_795_947_733))
    let correction = CampaignID(release: "2020-03-31-water-report", started: started, correction: true)
    #expect(correction.rawValue == "2020-03-31-water-report-correction-1795947733")
    #expect(correction.releaseKey == "2020-03-31-water-report-correction")
    #expect(correction.release == "2020-03-31-water-report")
    #expect(correction.isCorrection)
    #expect(CampaignID(correction.rawValue) == correction)
  }

  @Test func namesWrittenOtherwiseAreKeptAsTheyAre() throws {
    let plain: CampaignID = "spring"
    #expect(plain.releaseKey == "spring" && plain.started == nil)
    let dashed: CampaignID = "a-b-"
    #expect(dashed.releaseKey == "a-b-")
  }

  @Test(arguments: ["", ".hidden", "a/b", "tab\there", String(repeating: "x", count: 201)])
  func namesThatCannotNameAReportFileAreRefused(_ text: String) {
    #expect(CampaignID(text) == nil)
  }

  @Test func idsTravelAsJSONValues() throws {
    struct Row: Codable, Equatable { var campaign: CampaignID; var subscriber: SubscriberID }
    let row = Row(campaign: "r-1", subscriber: SubscriberID(42))
    let json = try JSONEncoder().encode(row)
    #expect(String(decoding: json, as: UTF8.self).contains("\"subscriber\":42"))
    #expect(try JSONDecoder().decode(Row.self, from: json) == row)
    #expect(SubscriberID("42") == SubscriberID(42) && SubscriberID("s-1") == nil)
  }

  @Test func anErrorReportsItsFirstLineAndKeepsItsCauses() {
    struct Inner: HeraldError { var message = "disk full"; var underlying: (any Error & Sendable)? = SystemError(ENOSPC) }
    struct Outer: HeraldError { var message = "cannot write the report\nsecond line"; var underlying: (any Error & Sendable)? = Inner() }
    let error = Outer()
    #expect(error.summary == "cannot write the report")
    #expect(error.description == error.message)
    #expect(error.causes.count == 3)
    #expect((error.causes.last as? SystemError)?.number == ENOSPC)
  }
}

struct HexTests {
  @Test func bytesBecomeTwoLowercaseDigitsEach() {
    #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    #expect(Hex.encode([UInt8]()) == "")
    #expect(Hex.encode((0...255).map(UInt8.init)) == (0...255).map { String(format: "%02x", $0) }.joined())
  }
}

struct TimeSpanTests {
  @Test(arguments: [
    (1.0, "1 second"), (45.0, "45 seconds"), (60.0, "1 minute"), (300.0, "5 minutes"), (3600.0, "1 hour"), (43_200.0, "12 hours"),
    (86_400.0, "1 day"), (604_800.0, "7 days"), (129_600.0, "36 hours"),
  ] as [(Double, String)])
  func spansAreSaidInTheirLargestWholeUnit(_ seconds: Double, _ words: String) {
    #expect(TimeSpan.describe(seconds) == words)
  }
}
