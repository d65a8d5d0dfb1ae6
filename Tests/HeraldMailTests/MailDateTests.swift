import Foundation
import HeraldMail
import HeraldTesting
import Testing

struct MailDateTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var label: String
    var instant: TimeInterval
    var zone: String
    var expected: String
    var testDescription: String { label }
  }

  static let cases: [Case] = [
    Case(label: "UTC", instant: 1_585_638_000, zone: "UTC", expected: "Tue, 31 Mar 2020 07:00:00 +0000"),
    Case(label: "Moscow, +0300", instant: 1_585_638_000, zone: "Europe/Moscow", expected: "Tue, 31 Mar 2020 10:00:00 +0300"),
    Case(label: "New York in summer time", instant: 1_585_638_000, zone: "America/New_York", expected: "Tue, 31 Mar 2020 03:00:00 -0400"),
    Case(label: "New York in winter", instant: 1_579_089_600, zone: "America/New_York", expected: "Wed, 15 Jan 2020 07:00:00 -0500"),
    Case(label: "the day before in New York", instant: 1_579_060_800, zone: "America/New_York", expected: "Tue, 14 Jan 2020 23:00:00 -0500"),
    Case(label: "half-hour offset", instant: 1_585_638_000, zone: "Asia/Kolkata", expected: "Tue, 31 Mar 2020 12:30:00 +0530"),
    Case(label: "negative half-hour offset", instant: 1_579_089_600, zone: "America/St_Johns", expected: "Wed, 15 Jan 2020 08:30:00 -0330"),
    Case(label: "leap day", instant: 1_709_251_199, zone: "UTC", expected: "Thu, 29 Feb 2024 23:59:59 +0000"),
    Case(label: "leap day into March in Moscow", instant: 1_709_251_199, zone: "Europe/Moscow", expected: "Fri, 1 Mar 2024 02:59:59 +0300"),
    Case(label: "epoch", instant: 0, zone: "UTC", expected: "Thu, 1 Jan 1970 00:00:00 +0000"),
    Case(label: "fraction of a second is dropped", instant: 1_585_638_000.75, zone: "UTC", expected: "Tue, 31 Mar 2020 07:00:00 +0000"),
    Case(label: "half a second before 1970", instant: -0.5, zone: "UTC", expected: "Wed, 31 Dec 1969 23:59:59 +0000"),
    Case(label: "before 1970", instant: -14_182_940, zone: "UTC", expected: "Sun, 20 Jul 1969 20:17:40 +0000"),
    Case(label: "before 1970 in New York", instant: -14_182_940, zone: "America/New_York", expected: "Sun, 20 Jul 1969 16:17:40 -0400"),
    Case(label: "1900", instant: -2_208_988_800, zone: "UTC", expected: "Mon, 1 Jan 1900 00:00:00 +0000"),
    // Moscow's local mean time was +2:30:17; the written offset has whole minutes, so the
    // written time must use the same rounded offset to name the same instant.
    Case(label: "1900 in Moscow, an offset with seconds", instant: -2_208_988_800, zone: "Europe/Moscow", expected: "Mon, 1 Jan 1900 02:30:00 +0230"),
    Case(label: "leap day 2000", instant: 951_782_400, zone: "UTC", expected: "Tue, 29 Feb 2000 00:00:00 +0000"),
    Case(label: "end of 2099", instant: 4_102_444_799, zone: "UTC", expected: "Thu, 31 Dec 2099 23:59:59 +0000"),
  ]

  @Test(arguments: cases)
  func formatsTheInstantInTheZone(_ testCase: Case) throws {
    let zone = try #require(TimeZone(identifier: testCase.zone))
    #expect(MailDate.format(Date(timeIntervalSince1970: testCase.instant), in: zone) == testCase.expected)
  }

  @Test(arguments: cases)
  func pythonReadsTheSameInstant(_ testCase: Case) throws {
    let zone = try #require(TimeZone(identifier: testCase.zone))
    let text = MailDate.format(Date(timeIntervalSince1970: testCase.instant), in: zone)
    let output = try python(
      """
      import sys
      from email.utils import parsedate_to_datetime
      print(int(parsedate_to_datetime(sys.stdin.read()).timestamp()))
      """,
      stdin: Array(text.utf8))
    let seconds = Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(seconds == Int(testCase.instant.rounded(.down)), "\(text)")
  }
}
