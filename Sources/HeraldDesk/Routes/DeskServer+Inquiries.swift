import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWeb
import HTTPTypes
import Hummingbird

/// The shared inbox of inquiries: the list in the order of what is due (viewers and up), an
/// inquiry with its whole thread and its sender's card, and — for editors and up — assigning,
/// notes, status, deadline and priority, and the reply (previewed, then sent through the
/// Outbox by the code `herald inquiries reply` uses). Every change joins the thread with the
/// desk user's name as its author.
extension DeskServer {
  func addInquiryRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.inquiries.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let query = DeskQuery(request)
      return try await self.keptPage("inquiries", for: signedIn, key: request.uri.query ?? "") {
        try self.inquiriesValues(signedIn, query: query)
      }
    }
    router.get(RouterPath(DeskRoute.inquiry.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      return try await self.inquiryPage(signedIn, try self.inquiryID(context))
    }
    router.post(RouterPath(DeskRoute.inquiryAssign.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      return try await self.assign(id, form, signedIn)
    }
    router.post(RouterPath(DeskRoute.inquiryNote.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let note = self.textField(form, "note")
      guard !note.isEmpty else {
        return try await self.inquiryPage(
          signedIn, id, form: ["note": note], errors: ["note": self.strings["desk_inquiry_note_empty"] ?? "Write the note first."], status: .unprocessableContent)
      }
      let author = signedIn.user.name
      let now = self.mailroom.clock.now
      try await self.changing { _ = try self.mailroom.store.noteInquiry(id, note, by: author, at: now) }
      return self.redirect(DeskPage.inquiry(id).path)
    }
    router.post(RouterPath(DeskRoute.inquiryStatus.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      guard let status = InquiryStatus(rawValue: self.field(form, "status")) else {
        return try await self.inquiryPage(
          signedIn, id, errors: ["status": self.strings["desk_inquiry_status_choose"] ?? "Choose a status from the list."], status: .unprocessableContent)
      }
      let author = signedIn.user.name
      let now = self.mailroom.clock.now
      try await self.changing { _ = try self.mailroom.store.setInquiryStatus(id, status, by: author, at: now) }
      return self.redirect(DeskPage.inquiry(id).path)
    }
    router.post(RouterPath(DeskRoute.inquiryDeadline.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      return try await self.setDeadline(id, form, signedIn)
    }
    router.post(RouterPath(DeskRoute.inquiryReply.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context, limits: DeskLimits.replyForm)
      return try await self.replyPreview(id, form, signedIn)
    }
    router.post(RouterPath(DeskRoute.inquiryReplySend.pattern)) { request, context in
      let id = try self.inquiryID(context)
      let (signedIn, form) = try await self.requireForm(.editor, request, context, limits: DeskLimits.replyForm)
      return try await self.sendReply(id, form, signedIn)
    }
  }

  /// The inquiry's number in the address, or the 404 page.
  func inquiryID(_ context: DeskContext) throws -> Int64 {
    guard let text = context.parameters.get("inquiry"), let id = Int64(text), id > 0 else {
      throw DeskRefusal(message(.notFound, "There is no such inquiry."))
    }
    return id
  }

  /// Runs a change to the store on the blocking pool; an unknown inquiry is the 404 page.
  func changing<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await BlockingWork.run(work)
    } catch let error as StoreError where error.code == .notFound {
      throw DeskRefusal(message(.notFound, "There is no such inquiry."))
    }
  }

  /// A textarea's text: line breaks and tabs kept, other control and bidirectional
  /// formatting characters removed, trimmed.
  func textField(_ form: FormBody, _ name: String) -> String {
    let value = form[name] ?? ""
    let cleaned = value.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || !DeskServer.isInvisibleControl($0) }
    return String(String.UnicodeScalarView(cleaned)).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  // MARK: The list

  /// The inbox page's values: counts per status, the filters (a GET form), a page of
  /// inquiries. Blocking work (the store).
  func inquiriesValues(_ signedIn: DeskSignedIn, query: DeskQuery) throws -> [String: Any] {
    var errors: [String: String] = [:]
    var filter = InquiryFilter()
    let statusValue = query["status"] ?? ""
    if let status = InquiryStatus(rawValue: statusValue) { filter.statuses = [status] }
    let release = query["release"] ?? ""
    if !release.isEmpty { filter.release = release }
    let assignee = query["assignee"] ?? ""
    switch assignee {
    case "": break
    case "mine": filter.assignee = .user(signedIn.user.id)
    case "nobody": filter.assignee = .nobody
    default: filter.assignee = Int64(assignee).map { .user(DeskUserID(rawValue: $0)) } ?? .anyone
    }
    var search = query["q"] ?? ""
    if search.count > InquiryFilter.searchLimit {
      errors["q"] = (strings["desk_inquiries_search_long"] ?? "Search for at most {count} characters.")
        .replacingOccurrences(of: "{count}", with: String(InquiryFilter.searchLimit))
      search = String(search.prefix(InquiryFilter.searchLimit))
    }
    if !search.isEmpty { filter.search = search }
    filter.page = max(0, min(Int(query["page"] ?? "") ?? 1, 100_000) - 1)
    let me = signedIn.user.id
    let chosen = filter
    let listed = try mailroom.store.inquiryPage(chosen)
    let releases = try mailroom.store.inquiryReleases()
    let users = try accounts.users().filter { !$0.disabled }
    let now = mailroom.clock.now
    let time = DeskTimes(timeZone: mailroom.configuration.compose.timeZone)
    let link = { (status: String?, pageNumber: Int?) -> String in
      var path = DeskPage.inquiries(
        status: status, release: release.isEmpty ? nil : release, assignee: assignee.isEmpty ? nil : assignee, search: search.isEmpty ? nil : search
      ).path
      if let pageNumber, pageNumber > 1 { path += (path.contains("?") ? "&" : "?") + "page=\(pageNumber)" }
      return path
    }
    let counts: [[String: Any]] = InquiryStatus.allCases.map { status -> [String: Any] in
      ["status": status.rawValue, "label": statusName(status), "count": (listed.counts[status] ?? 0).formatted(), "link": link(status.rawValue, nil),
       "current": statusValue == status.rawValue]
    }
    let pages = max(1, (listed.total + filter.pageSize - 1) / filter.pageSize)
    var values: [String: Any] = [
      "counts": counts,
      "all_link": link(nil, nil),
      "all_current": statusValue.isEmpty,
      "items": listed.items.map { inquiryListValues($0, now: now, time: time) },
      "has_items": !listed.items.isEmpty,
      "total": listed.total.formatted(),
      "statuses": [Self.option("", strings["desk_inquiries_status_any"] ?? "Still to answer first, then the rest", selected: statusValue.isEmpty)]
        + InquiryStatus.allCases.map { Self.option($0.rawValue, statusName($0), selected: $0.rawValue == statusValue) },
      "releases": [Self.option("", strings["desk_inquiries_release_any"] ?? "Any release", selected: release.isEmpty)]
        + releases.map { Self.option($0, $0, selected: $0 == release) },
      "assignees": [
        Self.option("", strings["desk_inquiries_assignee_any"] ?? "Anyone's", selected: assignee.isEmpty),
        Self.option("mine", strings["desk_inquiries_assignee_mine"] ?? "Mine", selected: assignee == "mine"),
        Self.option("nobody", strings["desk_inquiries_assignee_nobody"] ?? "Nobody's", selected: assignee == "nobody"),
      ] + users.filter { $0.id != me }.map { Self.option(String($0.id.rawValue), $0.name, selected: String($0.id.rawValue) == assignee) },
      "search": search,
      "errors": errors,
      "page_number": (filter.page + 1).formatted(),
      "pages": pages.formatted(),
      "has_pages": pages > 1,
      "time_zone": time.zone(at: now),
    ]
    if filter.page > 0 { values["previous"] = link(statusValue.isEmpty ? nil : statusValue, filter.page) }
    if filter.page + 1 < pages { values["next"] = link(statusValue.isEmpty ? nil : statusValue, filter.page + 2) }
    return values
  }

  /// What the list shows of one inquiry.
  func inquiryListValues(_ item: InquiryPage.Item, now: Date, time: DeskTimes) -> [String: Any] {
    let inquiry = item.inquiry
    var values = inquirySummary(inquiry, now: now, time: time)
    values["messages"] = item.messages.formatted()
    return values
  }

  /// An inquiry's summary, as the list and its page show it: who, what, its status, age and deadline.
  func inquirySummary(_ inquiry: Inquiry, now: Date, time: DeskTimes) -> [String: Any] {
    let unanswered = SubscriberStore.unansweredStatuses.contains(inquiry.status)
    var values: [String: Any] = [
      "id": inquiry.id, "link": DeskPage.inquiry(inquiry.id).path, "subject": inquiry.subject,
      "from": inquiry.fromName ?? inquiry.fromAddress, "address": inquiry.fromAddress, "organization": inquiry.organization ?? "",
      "status": inquiry.status.rawValue, "status_name": statusName(inquiry.status), "assignee": inquiry.assignee ?? "",
      "received": time.string(inquiry.createdAt), "unanswered": unanswered,
      "age": Self.age(now.timeIntervalSince(inquiry.createdAt)),
      "priority": inquiry.priority.rawValue, "priority_name": priorityName(inquiry.priority), "pressing": inquiry.priority != .normal,
      "release": inquiry.release ?? "",
    ]
    if let due = inquiry.dueAt {
      values["due_at"] = time.string(due)
      if unanswered {
        let overdue = due <= now
        values["overdue"] = overdue
        values["deadline"] = overdue
          ? (strings["desk_inquiry_overdue"] ?? "overdue by {span}").replacingOccurrences(of: "{span}", with: Self.age(now.timeIntervalSince(due)))
          : (strings["desk_inquiry_due"] ?? "due {time}").replacingOccurrences(of: "{time}", with: Self.dueTime(due, now: now, time: time))
      }
    }
    return Self.present(values)
  }

  /// `values` without its empty texts: a Mustache section shows for any text, even "".
  static func present(_ values: [String: Any]) -> [String: Any] {
    values.filter { !(($0.value as? String)?.isEmpty ?? false) }
  }

  /// A deadline as the list says it: "14:00" today, "2026-12-08 14:00" another day, the zone named.
  static func dueTime(_ due: Date, now: Date, time: DeskTimes) -> String {
    let sameDay = time.day(due) == time.day(now)
    return sameDay ? String(time.string(due).dropFirst(11)) : time.string(due)
  }

  /// An age a person reads at a glance: "40 min", "3 h", "2 d".
  static func age(_ seconds: TimeInterval) -> String {
    let minutes = Int(max(seconds, 0) / 60)
    if minutes < 60 { return "\(minutes) min" }
    if minutes < 48 * 60 { return "\(minutes / 60) h" }
    return "\(minutes / (24 * 60)) d"
  }

  /// An option of a select: its value, its label, whether it is chosen.
  static func option(_ value: String, _ label: String, selected: Bool) -> [String: Any] {
    ["value": value, "label": label, "selected": selected]
  }

  func statusName(_ status: InquiryStatus) -> String { strings["desk_inquiry_status_\(status.rawValue)"] ?? status.rawValue }

  func priorityName(_ priority: InquiryPriority) -> String { strings["desk_inquiry_priority_\(priority.rawValue)"] ?? priority.rawValue }

  // MARK: One inquiry

  /// What the inquiry page is made from, read in one go on the blocking pool.
  struct InquiryView: Sendable {
    var inquiry: Inquiry
    var entries: [InquiryEntry]
    var subscriber: Subscriber?
    var received: [SubscriberStore.ReceivedRelease]
    var earlier: [Inquiry]
    var releaseFile: String?
    var users: [DeskUser]
  }

  func inquiryView(_ id: Int64) async throws -> InquiryView {
    try await changing {
      let store = self.mailroom.store
      let (inquiry, entries) = try store.inquiry(id)
      let subscriber = try store.subscriber(address: inquiry.fromAddress)
      let received = try subscriber.map { try store.receivedReleases($0.id) } ?? []
      let earlier = try store.inquiries(from: inquiry.fromAddress, except: id)
      let file = inquiry.release.flatMap { self.releaseFileName(slug: $0) }
      let users = try self.accounts.users().filter { !$0.disabled }
      return InquiryView(inquiry: inquiry, entries: entries, subscriber: subscriber, received: received, earlier: earlier, releaseFile: file, users: users)
    }
  }

  /// The inquiry page.
  /// - Parameters:
  ///   - form: what the writer typed, put back in its fields.
  ///   - errors: problems by field, shown beside it.
  ///   - extra: more values (the warning that a reply was sent meanwhile).
  func inquiryPage(
    _ signedIn: DeskSignedIn, _ id: Int64, form: [String: String] = [:], errors: [String: String] = [:], extra: [String: Any] = [:],
    status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    let view = try await inquiryView(id)
    var values = inquiryValues(view, signedIn: signedIn)
    var fields = values["form"] as? [String: String] ?? [:]
    for (key, value) in form { fields[key] = value }
    values["form"] = fields
    values["errors"] = errors
    for (key, value) in extra { values[key] = value }
    return page("inquiry", values, for: signedIn, status: status)
  }

  func inquiryValues(_ view: InquiryView, signedIn: DeskSignedIn) -> [String: Any] {
    let inquiry = view.inquiry
    let now = mailroom.clock.now
    let time = DeskTimes(timeZone: mailroom.configuration.compose.timeZone)
    var values: [String: Any] = ["inquiry": inquirySummary(inquiry, now: now, time: time)]
    values["thread"] = view.entries.map { entryValues($0, time: time) }
    values["seen"] = String(view.entries.map(\.id).max() ?? 0)
    values["can_edit"] = signedIn.user.role.allows(.editor)
    values["time_zone"] = time.zone(at: now)
    if let file = view.releaseFile { values["release_link"] = DeskPage.release(file: file).path }
    if let subscriber = view.subscriber {
      values["subscriber"] = Self.present([
        "name": subscriber.name ?? "", "email": subscriber.email, "organization": subscriber.organization ?? "",
        "language": subscriber.language ?? "", "link": DeskPage.subscriber(subscriber.id.rawValue).path,
      ])
    }
    values["received"] = view.received.map { received -> [String: Any] in
      Self.present(["release": received.release, "at": time.string(received.at), "outcome": received.outcome.map { strings["desk_delivery_\($0.rawValue)"] ?? $0.rawValue } ?? ""])
    }
    values["has_received"] = !view.received.isEmpty
    values["earlier"] = view.earlier.map { inquirySummary($0, now: now, time: time) }
    values["has_earlier"] = !view.earlier.isEmpty
    values["assignees"] = [Self.option("", strings["desk_inquiry_nobody"] ?? "Nobody", selected: inquiry.assigneeID == nil)]
      + view.users.map { Self.option(String($0.id.rawValue), $0.name, selected: $0.id == inquiry.assigneeID) }
    values["statuses"] = InquiryStatus.allCases.map { Self.option($0.rawValue, statusName($0), selected: $0 == inquiry.status) }
    values["priorities"] = InquiryPriority.allCases.map { Self.option($0.rawValue, priorityName($0), selected: $0 == inquiry.priority) }
    values["form"] = ["due": inquiry.dueAt.map { Self.editableTime($0, time: time) } ?? ""]
    return values
  }

  /// A deadline as the field shows it for editing: "2026-12-08 14:00" in the workspace's zone.
  static func editableTime(_ date: Date, time: DeskTimes) -> String {
    String(time.string(date).prefix(16))
  }

  /// One entry of the thread: who, when, what; a message's quoted text apart, to be folded.
  func entryValues(_ entry: InquiryEntry, time: DeskTimes) -> [String: Any] {
    var values: [String: Any] = [
      "id": entry.id, "kind": entry.kind.rawValue, "author": entry.author ?? "", "at": time.string(entry.at),
      "is_\(entry.kind.rawValue)": true,
    ]
    switch entry.kind {
    case .message:
      let (own, quoted) = Self.splitQuoted(entry.text)
      values["text"] = own
      values["quoted"] = quoted
      values["attachments"] = entry.attachments.map { ($0 as NSString).lastPathComponent }
      values["has_attachments"] = !entry.attachments.isEmpty
      if let inbound = entry.inbound { values["received_link"] = DeskPage.received(inbound).path }
    case .reply, .note:
      values["text"] = entry.text
    case .status:
      values["text"] = InquiryStatus(rawValue: entry.text).map(statusName) ?? entry.text
    case .assign:
      values["text"] = entry.text == "nobody" ? (strings["desk_inquiry_nobody"] ?? "Nobody") : entry.text
    case .deadline:
      let formatter = ISO8601DateFormatter()
      values["text"] = formatter.date(from: entry.text).map { time.string($0) } ?? (strings["desk_inquiry_no_deadline"] ?? "no deadline")
    case .priority:
      values["text"] = InquiryPriority(rawValue: entry.text).map(priorityName) ?? entry.text
    }
    return Self.present(values)
  }

  /// A message's own words and the text it quotes (from the first quoted line, or the
  /// "On … wrote:" line before it, to the end): the quote is folded on the page.
  static func splitQuoted(_ text: String) -> (own: String, quoted: String) {
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    guard var start = lines.firstIndex(where: { $0.hasPrefix(">") }) else { return (text, "") }
    if start > 0 {
      var before = start - 1
      while before > 0 && lines[before].trimmingCharacters(in: .whitespaces).isEmpty { before -= 1 }
      let line = lines[before].trimmingCharacters(in: .whitespaces)
      if line.hasSuffix("wrote:") || line.hasSuffix("schrieb:") || line.hasSuffix("a écrit :") || line.hasSuffix("escribió:") || line.hasSuffix("написал:")
        || line.hasSuffix("написала:")
      {
        start = before
      }
    }
    let own = lines[..<start].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    let quoted = lines[start...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return (own, quoted)
  }

  // MARK: Changes

  func assign(_ id: Int64, _ form: FormBody, _ signedIn: DeskSignedIn) async throws -> Response {
    let choice = field(form, "user")
    let users = try await BlockingWork.run { try self.accounts.users().filter { !$0.disabled } }
    let user: DeskUser?
    if choice.isEmpty {
      user = nil
    } else if let number = Int64(choice), let found = users.first(where: { $0.id.rawValue == number }) {
      user = found
    } else {
      return try await inquiryPage(
        signedIn, id, errors: ["user": strings["desk_inquiry_assign_choose"] ?? "Choose someone from the list: an active desk user, or nobody."],
        status: .unprocessableContent)
    }
    let author = signedIn.user.name
    let now = mailroom.clock.now
    let inquiry = try await changing { try self.mailroom.store.assignInquiry(id, to: user?.id, name: user?.name, by: author, at: now) }
    // The assignee hears of it by email, unless they gave it to themselves.
    if let user, user.id != signedIn.user.id, settings.notifyAssignments {
      let link = Self.inquiryAddress(id, base: address)
      do {
        try await BlockingWork.run {
          _ = try self.mailroom.enqueueInquiryNotice(
            inquiry, reason: .assigned(by: author), to: Mailbox(name: user.name, address: user.email), link: link, at: now)
        }
      } catch {
        // The assignment stands; only its notice is missing, and the thread shows it.
        logger.error("the notice of an assignment could not be written", metadata: ["inquiry": "\(id)", "error": "\(error)"])
      }
    }
    return redirect(DeskPage.inquiry(id).path)
  }

  func setDeadline(_ id: Int64, _ form: FormBody, _ signedIn: DeskSignedIn) async throws -> Response {
    let text = field(form, "due")
    let now = mailroom.clock.now
    let deadline: InquiryDeadline
    do {
      deadline = try InquiryDeadline(parsing: text, now: now, timeZone: mailroom.configuration.compose.timeZone)
    } catch let problem as InquiryDeadline.Problem {
      return try await inquiryPage(signedIn, id, form: ["due": text], errors: ["due": Self.sentence(problem.description)], status: .unprocessableContent)
    }
    guard let priority = InquiryPriority(rawValue: field(form, "priority").isEmpty ? "normal" : field(form, "priority")) else {
      return try await inquiryPage(
        signedIn, id, form: ["due": text], errors: ["priority": strings["desk_inquiry_priority_choose"] ?? "Choose normal, high or urgent."],
        status: .unprocessableContent)
    }
    let author = signedIn.user.name
    try await changing {
      let (inquiry, _) = try self.mailroom.store.inquiry(id)
      // Only what changed joins the thread.
      if inquiry.dueAt != deadline.date { try self.mailroom.store.setInquiryDue(id, deadline.date, by: author, at: now) }
      if inquiry.priority != priority { try self.mailroom.store.setInquiryPriority(id, priority, by: author, at: now) }
    }
    return redirect(DeskPage.inquiry(id).path)
  }

  // MARK: The reply

  /// The reply's preview: the email as it will be sent, with Send and Edit.
  func replyPreview(_ id: Int64, _ form: FormBody, _ signedIn: DeskSignedIn) async throws -> Response {
    let markdown = textField(form, "markdown")
    let seen = field(form, "seen")
    if field(form, "edit") == "yes" || markdown.isEmpty {
      let errors = markdown.isEmpty ? ["markdown": strings["desk_inquiry_reply_empty"] ?? "Write the reply first."] : [:]
      return try await inquiryPage(signedIn, id, form: ["markdown": markdown], errors: errors, extra: ["seen": seen],
        status: markdown.isEmpty ? .unprocessableContent : .ok)
    }
    let now = mailroom.clock.now
    let quote = mailroom.configuration.replies.quoteQuestion
    let draft: Mailroom.InquiryReplyDraft
    do {
      draft = try await changing { try self.mailroom.draftInquiryReply(to: id, markdown: markdown, quotingQuestion: quote, now: now) }
    } catch let error as CampaignError {
      return try await inquiryPage(signedIn, id, form: ["markdown": markdown], errors: ["markdown": Self.sentence(error.message)], status: .unprocessableContent)
    }
    let values: [String: Any] = [
      "inquiry": inquirySummary(draft.inquiry, now: now, time: DeskTimes(timeZone: mailroom.configuration.compose.timeZone)),
      "to": draft.to.name.map { "\($0) <\(draft.to.address)>" } ?? draft.to.address,
      "from": mailroom.configuration.compose.from.address,
      "subject": draft.subject,
      "in_reply_to": Self.headerField("In-Reply-To", in: draft.composed.message.bytes) ?? "",
      "references": Self.headerField("References", in: draft.composed.message.bytes) ?? "",
      "text": draft.composed.text,
      "markdown": markdown,
      "seen": seen,
      "send_action": DeskPage.inquiryReplySend(id).path,
      "edit_action": DeskPage.inquiryReply(id).path,
    ]
    return page("inquiry-reply", values, for: signedIn)
  }

  /// A header field's value in a message's bytes (unfolded), as it will be sent.
  static func headerField(_ name: String, in bytes: [UInt8]) -> String? {
    let text = String(decoding: bytes.prefix(65_536), as: UTF8.self)
    let header = text.components(separatedBy: "\r\n\r\n").first ?? text
    let unfolded = header.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
    let prefix = name.lowercased() + ":"
    for line in unfolded.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(prefix) {
      return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  /// Sends the reply — unless the thread gained entries since the writer last saw it: then
  /// the inquiry page shows what was added (a colleague's reply) and keeps the writer's text.
  func sendReply(_ id: Int64, _ form: FormBody, _ signedIn: DeskSignedIn) async throws -> Response {
    let markdown = textField(form, "markdown")
    guard !markdown.isEmpty else {
      return try await inquiryPage(
        signedIn, id, errors: ["markdown": strings["desk_inquiry_reply_empty"] ?? "Write the reply first."], status: .unprocessableContent)
    }
    guard let seen = Int64(field(form, "seen")) else {
      throw DeskRefusal(message(.badRequest, "The form does not say what you had seen of the inquiry. Open the inquiry again and send from its page."))
    }
    let added = try await changing { try self.mailroom.store.inquiryEntries(id, after: seen) }
    if !added.isEmpty {
      let time = DeskTimes(timeZone: mailroom.configuration.compose.timeZone)
      let replies = added.filter { $0.kind == .reply }
      let warning: String
      if let reply = replies.last {
        warning = (strings["desk_inquiry_replied_meanwhile"] ?? "{name} sent a reply at {time} while you were writing.")
          .replacingOccurrences(of: "{name}", with: reply.author ?? "Someone").replacingOccurrences(of: "{time}", with: time.string(reply.at))
      } else {
        warning = strings["desk_inquiry_changed_meanwhile"] ?? "The inquiry changed while you were writing; read what was added before you send."
      }
      return try await inquiryPage(
        signedIn, id, form: ["markdown": markdown],
        extra: ["meanwhile": ["warning": warning, "entries": added.map { entryValues($0, time: time) }] as [String: Any]],
        status: .conflict)
    }
    let now = mailroom.clock.now
    let quote = mailroom.configuration.replies.quoteQuestion
    let author = signedIn.user.name
    do {
      _ = try await changing {
        let draft = try self.mailroom.draftInquiryReply(to: id, markdown: markdown, quotingQuestion: quote, now: now)
        // Written to the Outbox only: `herald serve`'s delivery (or `herald deliver`) sends it.
        return try self.mailroom.sendInquiryReply(draft, author: author, session: nil).messageID
      }
    } catch let error as CampaignError where error.code == .invalidRequest {
      return try await inquiryPage(signedIn, id, form: ["markdown": markdown], errors: ["markdown": Self.sentence(error.message)], status: .unprocessableContent)
    }
    return redirect(DeskPage.inquiry(id).path)
  }
}

extension DeskServer {
  /// The key and lifetime of the navigation's count of inquiries waiting for an answer.
  private static let waitingKey = "nav.inquiries_waiting"
  private static let waitingLifetime: TimeInterval = 5

  /// Reads the count of inquiries waiting for an answer (new and open: one COUNT on the
  /// status index) when the store changed since it was read, or it is older than a few
  /// seconds (changes by other processes); on the blocking pool, beside the session's check.
  func refreshWaitingCount() {
    _ = try? cache.value(Self.waitingKey, fingerprint: [String(mailroom.store.generation)], lifetime: Self.waitingLifetime) {
      try mailroom.store.inquiriesWaiting()
    }
  }

  /// The count the navigation shows, as last read (each page's sign-in check reads it again
  /// first when the store changed); nil before it is.
  var waitingCount: Int? {
    cache.latest(Self.waitingKey)
  }
}

extension DeskServer {
  /// An inquiry's address on a desk at `base` ("https://desk.example.org"): what notices and
  /// reminders link to.
  package static func inquiryAddress(_ id: Int64, base: String) -> String {
    (base.hasSuffix("/") ? String(base.dropLast()) : base) + DeskPage.inquiry(id).path
  }

  /// The reminders of inquiries' deadlines for `herald serve`, linking to this desk; nil when
  /// herald.yml turns them off (`desk.notify.reminders: off`).
  package func reminderService() -> InquiryReminderService? {
    guard let lead = settings.reminderLead else { return nil }
    let server = self
    let reminders = InquiryReminders(
      mailroom: mailroom, lead: lead, link: { DeskServer.inquiryAddress($0, base: server.address) }, logger: logger)
    return InquiryReminderService(reminders: reminders)
  }
}
