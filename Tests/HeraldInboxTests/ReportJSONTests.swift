import Foundation
import HeraldMail
import Testing

@testable import HeraldInbox

/// The reports' JSON, written by hand for speed, reads back as JSONEncoder's does.
struct ReportJSONTests {
  static let bounces: [BounceReport] = [
    BounceReport(format: "RFC 3464", recipients: []),
    BounceReport(
      format: "Sendmail", recipients: [
        BounceRecipient(address: "reader1@example.com", action: .failed, status: "5.1.1", diagnostic: "550 5.1.1 <reader1@example.com>... User unknown"),
        BounceRecipient(
          address: "jürgen.müller@example.com", action: .delayed, status: "4.2.2", diagnostic: "452 \"quoted\" \\ back/slash\ttab\nline \u{1}",
          remoteMTA: "mx.example.com", declaredPermanent: false),
      ], originalMessageID: "2020-03-31-water-report.x.y@example.org", reportingMTA: "mail.example.org"),
  ]

  @Test(arguments: bounces)
  func aBounceReportReadsBackAsJSONEncodersDoes(_ report: BounceReport) throws {
    let written = ReportJSON.encode(report)
    let decoded = try JSONDecoder().decode(BounceReport.self, from: Data(written.utf8))
    #expect(decoded.recipients == report.recipients && decoded.format == report.format)
    #expect(decoded.originalMessageID == report.originalMessageID && decoded.reportingMTA == report.reportingMTA)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let reference = try encoder.encode(report)
    #expect(
      try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSDictionary
        == JSONSerialization.jsonObject(with: reference) as? NSDictionary)
  }

  @Test func aComplaintReportReadsBackAsJSONEncodersDoes() throws {
    let report = ComplaintReport(
      feedbackType: "abuse", recipients: ["reader37@example.com", "reader38@example.com"], originalMessageID: "a/b@example.org",
      userAgent: "ExampleFBL/1.0")
    let written = ReportJSON.encode(report)
    let decoded = try JSONDecoder().decode(ComplaintReport.self, from: Data(written.utf8))
    #expect(decoded.recipients == report.recipients && decoded.recipient == "reader37@example.com")
    #expect(decoded.userAgent == report.userAgent && decoded.originalMessageID == report.originalMessageID)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    #expect(written == String(decoding: try encoder.encode(report), as: UTF8.self), "the same text")
  }
}
