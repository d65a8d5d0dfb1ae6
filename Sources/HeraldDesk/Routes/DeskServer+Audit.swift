import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HTTPTypes
import Hummingbird
import NIOCore

extension DeskServer {
  /// The audit, for administrators (others get 403): newest first, filtered by who, what,
  /// on what and a range of days, a page of `SubscriberStore.auditPageSize` at a time, and
  /// the same as CSV. Nothing here changes it: the desk has no route that does.
  func addAuditRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.audit.pattern)) { request, _ in
      let signedIn = try await self.require(.admin, request)
      let query = AuditQuery(request.uri.queryParameters, timeZone: self.mailroom.configuration.compose.timeZone)
      let values = try await self.pageValues { try self.auditValues(query) }
      var response = self.page("audit", values, for: signedIn, status: query.errors.isEmpty ? .ok : .unprocessableContent)
      // The audit names people and where they signed in from: not kept by browsers or proxies.
      response.headers[.cacheControl] = "no-store"
      return response
    }
    router.get(RouterPath(DeskRoute.auditExport.pattern)) { request, _ in
      _ = try await self.require(.admin, request)
      let query = AuditQuery(request.uri.queryParameters, timeZone: self.mailroom.configuration.compose.timeZone)
      guard query.errors.isEmpty else {
        return self.message(.badRequest, query.errors.values.sorted().joined(separator: " "))
      }
      let csv = try await BlockingWork.run { () -> String in
        var text = AuditCSV.header
        try self.mailroom.store.forEachAuditEntry(query.filter) { text += AuditCSV.line($0) }
        return text
      }
      return Response(
        status: .ok,
        headers: [
          .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"herald-audit.csv\"", .cacheControl: "no-store",
        ],
        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
  }

  /// The audit page's values: the filter as asked (and its problems, beside their fields),
  /// the entries, the link to the next page.
  func auditValues(_ query: AuditQuery) throws -> [String: Any] {
    let store = mailroom.store
    let entries = query.errors.isEmpty ? try store.auditEntries(query.filter, before: query.before, limit: SubscriberStore.auditPageSize + 1) : []
    let shown = entries.prefix(SubscriberStore.auditPageSize)
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let actors = try store.auditActors()
    var values: [String: Any] = [
      "query": query.values,
      "errors": query.errors,
      "actors": actors.map { ["name": $0, "selected": $0 == query.values["actor"]] },
      "actions": AuditAction.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == query.values["action"]] },
      "entries": shown.map { entry -> [String: Any] in
        var values: [String: Any] = [
          "at": time.precise(entry.at), "actor": entry.actor.name, "kind": entry.actor.kind.rawValue, "origin": entry.origin,
          "action": entry.action.rawValue, "outcome": entry.outcome.rawValue,
          "outcome_name": strings["desk_audit_outcome_\(entry.outcome.rawValue)"] ?? entry.outcome.rawValue,
        ]
        // Absent rather than empty: an empty text is still a section that shows in Mustache.
        if !entry.target.isEmpty { values["target"] = entry.target }
        if !entry.detail.isEmpty { values["detail"] = entry.detail }
        return values
      },
      "empty": shown.isEmpty,
      "export": DeskPage.auditExport.path + query.queryString(),
    ]
    if entries.count > SubscriberStore.auditPageSize, let last = shown.last {
      values["older"] = DeskPage.audit.path + query.queryString(before: last.id)
    }
    return values
  }
}

/// The audit page's filter as a browser's GET form sends it: `actor`, `action`, `target`,
/// `from` and `to` (days, in the workspace's zone; `to` included), `before` (the page).
struct AuditQuery {
  var filter = AuditFilter()
  var before: Int64?
  /// What was asked, as typed (shown back in the form).
  var values: [String: String] = [:]
  /// Problems by field name.
  var errors: [String: String] = [:]

  init(_ parameters: Parameters, timeZone: TimeZone) {
    var filter = AuditFilter()
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    func text(_ name: String) -> String? {
      guard let value = parameters.get(name) else { return nil }
      let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.filter { !DeskServer.isInvisibleControl($0) }))
        .trimmingCharacters(in: .whitespaces)
      return cleaned.isEmpty ? nil : String(cleaned.prefix(300))
    }
    if let actor = text("actor") {
      values["actor"] = actor
      filter.actor = actor
    }
    if let action = text("action") {
      values["action"] = action
      if let known = AuditAction(rawValue: action) { filter.action = known } else { errors["action"] = "Choose an action from the list." }
    }
    if let target = text("target") {
      values["target"] = target
      filter.target = target
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    var days: [String: Date] = [:]
    for name in ["from", "to"] {
      guard let value = text(name) else { continue }
      values[name] = value
      if let match = value.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/),
        let date = calendar.date(from: DateComponents(year: Int(match.1), month: Int(match.2), day: Int(match.3)))
      {
        days[name] = date
      } else {
        errors[name] = "Give a day as 2026-12-01."
      }
    }
    filter.since = days["from"]
    // "to" is the last day included: entries before the next day's start.
    filter.until = days["to"].flatMap { calendar.date(byAdding: .day, value: 1, to: $0) }
    if let since = filter.since, let until = filter.until, until <= since { errors["to"] = "The last day comes before the first." }
    if let before = text("before") {
      if let id = Int64(before), id > 0 { self.before = id } else { errors["before"] = "That page does not exist." }
    }
    self.filter = filter
    self.values = values
    self.errors = errors
  }

  /// "?actor=…&…" of the filter (and a page), percent-encoded; "" when there is none.
  func queryString(before: Int64? = nil) -> String {
    var pairs = ["actor", "action", "target", "from", "to"].compactMap { name in
      values[name].map { "\(name)=" + PublicRoute.percentEncoded($0) }
    }
    if let before { pairs.append("before=\(before)") }
    return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
  }
}

/// The audit as CSV (RFC 4180), safe to open in a spreadsheet: a cell that begins with
/// = + - @ (or a tab or carriage return) is prefixed with an apostrophe, so that it is never
/// read as a formula (CSV injection: names, targets and details came from people).
enum AuditCSV {
  static let header = "id,at,actor_kind,actor_user,actor,origin,action,target,outcome,detail\r\n"

  static func line(_ entry: AuditEntry) -> String {
    let at = ISO8601DateFormatter().string(from: entry.at)
    return [
      String(entry.id), at, entry.actor.kind.rawValue, entry.actor.user.map { String($0.rawValue) } ?? "", entry.actor.name, entry.origin,
      entry.action.rawValue, entry.target, entry.outcome.rawValue, entry.detail,
    ].map(cell).joined(separator: ",") + "\r\n"
  }

  /// One cell: neutralised, then quoted when it holds a comma, quote or line break.
  static func cell(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
