import Foundation
import HeraldStore

/// A report's figures as CSV, in a long format of three columns, `section,key,value`, one
/// number a line, so that a spreadsheet or a script reads every table of the report the
/// same way:
/// - `summary`: `sent`, `deferred`, `failed`, `bounced`, `complained`, `unsubscribed`,
///   `auto_replies`, `inquiries`, `answered`, `open`, `median_first_answer_seconds`
/// - `language_sent` / `language_deferred` / `language_failed`: key = the language ("ru")
/// - `bounces_refused` / `bounces_returned`: key = the reason ("mailbox-gone")
/// - `domain_sent` / `domain_deferred` / `domain_failed`: key = the receiving domain;
///   `domain_deferred_REASON`: its deferrals of that reason
/// - `hour_sent` / `hour_deferred` / `hour_failed`: key = the hour's start, UTC ISO 8601
/// - `inquiries_day`: key = the day ("2026-12-07")
/// - `campaign`: key = each campaign's name, value 1
struct ReportCSV {
  private(set) var text = "section,key,value\r\n"

  init(_ figures: SubscriberStore.ReleaseFigures) {
    add("summary", "sent", figures.sent)
    add("summary", "deferred", figures.deferred)
    add("summary", "failed", figures.failed)
    add("summary", "bounced", figures.bounced)
    if figures.campaign == nil {
      add("summary", "complained", figures.complained)
      add("summary", "unsubscribed", figures.unsubscribed)
      add("summary", "auto_replies", figures.autoReplies)
      add("summary", "inquiries", figures.inquiries)
      add("summary", "answered", figures.answered)
      add("summary", "open", figures.open)
      if let median = figures.medianFirstAnswer { add("summary", "median_first_answer_seconds", String(Int(median.rounded()))) }
    }
    for campaign in figures.campaigns { add("campaign", campaign, 1) }
    for entry in figures.languages {
      add("language_sent", entry.language, entry.sent)
      add("language_deferred", entry.language, entry.deferred)
      add("language_failed", entry.language, entry.failed)
    }
    for entry in figures.bounces {
      add("bounces_refused", entry.reason.rawValue, entry.refused)
      add("bounces_returned", entry.reason.rawValue, entry.returned)
    }
    for entry in figures.domains {
      add("domain_sent", entry.domain, entry.sent)
      add("domain_deferred", entry.domain, entry.deferred)
      add("domain_failed", entry.domain, entry.failed)
      for reason in entry.deferrals { add("domain_deferred_" + reason.reason.rawValue, entry.domain, reason.count) }
    }
    let iso = ISO8601DateFormatter()
    for hour in figures.hours {
      let start = iso.string(from: hour.start)
      add("hour_sent", start, hour.sent)
      add("hour_deferred", start, hour.deferred)
      add("hour_failed", start, hour.failed)
    }
    for day in figures.inquiryDays { add("inquiries_day", day.day, day.count) }
  }

  private mutating func add(_ section: String, _ key: String, _ value: Int) {
    add(section, key, String(value))
  }

  private mutating func add(_ section: String, _ key: String, _ value: String) {
    text += Self.field(section) + "," + Self.field(key) + "," + value + "\r\n"
  }

  /// A field as CSV writes it (RFC 4180): quoted when it holds a comma, quote or line break;
  /// text a spreadsheet would take for a formula (=, +, -, @ first) starts with an apostrophe.
  static func field(_ value: String) -> String {
    var value = value
    if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A name safe in a download's file name: letters, digits, dot, dash and underscore.
  static func filename(_ name: String) -> String {
    String(name.unicodeScalars.map { scalar in
      scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
    })
  }
}
