import Foundation
import HeraldCampaign
import HeraldCore
import HeraldInbox
import HeraldMail
import HeraldStore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// Received mail: every message the inbox read, by class (`/inbox`); one message shown
  /// safely (`/inbox/ID`: its headers and text as text, its HTML sanitised in a sandboxed
  /// frame, its attachments as downloads); and correcting its class, as
  /// `herald inbox reclassify` does (`Inbox.reclassify`), for senders.
  func addReceivedMailRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.inbox.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let query = DeskQuery(request)
      let kind = query["class"].flatMap(InboundClass.init(rawValue:))
      let before = query["before"].flatMap(Int64.init).flatMap { $0 > 0 ? $0 : nil }
      let values = try await self.pageValues { try self.inboxValues(kind: kind, before: before) }
      return self.page("inbox", values, for: signedIn)
    }
    router.get(RouterPath(DeskRoute.received.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let id = try self.receivedID(context)
      let values = try await self.pageValues { try self.receivedValues(id, role: signedIn.user.role) }
      return self.page("received", values, for: signedIn)
    }
    router.get(RouterPath(DeskRoute.receivedHTML.pattern)) { request, context in
      _ = try await self.require(.viewer, request)
      let id = try self.receivedID(context)
      let label = self.strings["desk_received_image_blocked"] ?? "Image not loaded"
      let note = self.strings["desk_received_html_truncated"] ?? "The message is longer; its end is not shown."
      let document = try await BlockingWork.run { () -> String? in
        let (record, mail) = try self.receivedMail(id)
        guard let mail, let result = mail.sanitizedHTML(imageLabel: label) else { return nil }
        return ReceivedFrame.document(result, title: Self.visible(record.subject ?? ""), truncatedNote: note)
      }
      guard let document else { throw DeskRefusal(self.message(.notFound, "This message has no HTML part.")) }
      return ReceivedFrame.response(document)
    }
    router.get(RouterPath(DeskRoute.receivedAttachment.pattern)) { request, context in
      _ = try await self.require(.viewer, request)
      let id = try self.receivedID(context)
      let notFound = DeskRefusal(self.message(.notFound, "The message has no such attachment."))
      guard let index = context.parameters.get("index").flatMap(Int.init), index >= 1, let name = context.parameters.get("name") else {
        throw notFound
      }
      let found = try await BlockingWork.run { () -> (ReceivedAttachment, [UInt8])? in
        try self.receivedMail(id).mail?.attachment(index)
      }
      // The name in the address must be the one the page links to (a made-up name, "..",
      // an encoded "/" or a NUL names nothing).
      guard let (attachment, bytes) = found, name == attachment.name || name.removingPercentEncoding == attachment.name else { throw notFound }
      return ReceivedFrame.download(bytes, name: attachment.name)
    }
    router.post(RouterPath(DeskRoute.reclassify.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.sender, request, context)
      let id = try self.receivedID(context)
      let chosen = self.field(form, "class")
      guard let kind = InboundClass(rawValue: chosen) else {
        let error = "Choose the class the message should have: \(InboundClass.allCases.map(\.rawValue).joined(separator: ", "))."
        let values = try await self.pageValues { try self.receivedValues(id, role: signedIn.user.role, error: error) }
        return self.page("received", values, for: signedIn, status: .unprocessableContent)
      }
      let user = signedIn.user
      do {
        _ = try await BlockingWork.run {
          let record = try self.mailroom.store.inbound(id: id)
          guard record.kind != kind else {
            throw InboxError(.invalidRequest, "The message is already \(kind.rawValue); choose another class.")
          }
          let inbox = try Inbox(mailroom: self.mailroom, logger: self.logger)
          return try inbox.reclassify(id, as: kind, by: user.name, command: "desk: inbox reclassify \(id) \(kind.rawValue) (\(user.name), \(user.email))")
        }
      } catch let error as StoreError where error.code == .notFound {
        throw DeskRefusal(self.message(.notFound, "There is no received message \(id)."))
      } catch let error as InboxError {
        let values = try await self.pageValues { try self.receivedValues(id, role: signedIn.user.role, error: Self.sentence(error.message)) }
        return self.page("received", values, for: signedIn, status: .unprocessableContent)
      }
      return self.redirect(DeskPage.received(id).path)
    }
  }

  /// How many messages a page of /inbox lists.
  static let inboxPageSize = 50

  /// The id in the route (`:message`) of a message the inbox read; the 404 page otherwise.
  func receivedID(_ context: DeskContext) throws -> Int64 {
    guard let id = context.parameters.get("message").flatMap(Int64.init), id > 0 else {
      throw DeskRefusal(message(.notFound, "There is no such received message."))
    }
    return id
  }

  /// A message's record, and the message read from its file (nil when the file is gone).
  func receivedMail(_ id: Int64) throws -> (record: InboundRecord, mail: ReceivedMail?) {
    let record: InboundRecord
    do {
      record = try mailroom.store.inbound(id: id)
    } catch let error as StoreError where error.code == .notFound {
      throw DeskRefusal(message(.notFound, "There is no received message \(id)."))
    }
    return (record, try? ReceivedMail.load(record, root: mailroom.workspace.root))
  }

  // MARK: The list

  /// The values of /inbox: the counts per class (kept a few seconds: one scan of an index),
  /// and one page of messages with what each changed (two indexed queries).
  func inboxValues(kind: InboundClass?, before: Int64?) throws -> [String: Any] {
    let store = mailroom.store
    let counts = try cache.value("inbox-counts", fingerprint: ["\(store.generation)"], lifetime: 5) { try store.inboundCounts() }
    let rows = try store.inboundPage(kind: kind, before: before, limit: Self.inboxPageSize + 1)
    let shown = Array(rows.prefix(Self.inboxPageSize))
    let actions = try store.inboundActions(of: shown.map(\.id))
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    let total = counts.values.reduce(0, +)
    var classes: [[String: Any]] = [
      ["label": strings["desk_received_all"] ?? "All", "count": total.formatted(), "path": DeskPage.inbox().path, "selected": kind == nil]
    ]
    classes += InboundClass.allCases.map { each in
      [
        "label": className(each), "count": (counts[each] ?? 0).formatted(), "path": DeskPage.inbox(kind: each.rawValue).path,
        "selected": each == kind,
      ]
    }
    var values: [String: Any] = [
      "classes": classes, "heading": kind.map(className) ?? (strings["desk_received_all"] ?? "All"),
      "messages": shown.map { record -> [String: Any] in
        var entry = receivedSummary(record, time: time)
        let changes = (actions[record.id] ?? []).map(actionValues)
        entry["changes"] = changes
        entry["has_changes"] = !changes.isEmpty
        return entry
      },
      "empty": shown.isEmpty, "is_later_page": before != nil, "first_page": DeskPage.inbox(kind: kind?.rawValue).path,
    ]
    if rows.count > Self.inboxPageSize, let last = shown.last {
      values["next"] = DeskPage.inbox(kind: kind?.rawValue, before: last.id).path
    }
    return values
  }

  /// A message's line in the list, and the top of its page.
  func receivedSummary(_ record: InboundRecord, time: LocalTime) -> [String: Any] {
    let sender = record.fromName.map { "\($0) <\(record.fromAddress ?? "")>" } ?? record.fromAddress ?? (strings["desk_received_no_sender"] ?? "(no sender)")
    var entry: [String: Any] = [
      "id": record.id, "path": DeskPage.received(record.id).path, "class": record.kind.rawValue, "class_label": className(record.kind),
      "from": Self.visible(sender), "subject": Self.visible(record.subject ?? (strings["desk_received_no_subject"] ?? "(no subject)")),
      "reason": Self.visible(record.reason), "received": time.string(record.importedAt),
    ]
    if let release = record.release { entry["release"] = Self.visible(release) }
    return entry
  }

  /// A class's name for people.
  func className(_ kind: InboundClass) -> String {
    strings["desk_received_class_\(kind.rawValue.replacingOccurrences(of: "-", with: "_"))"] ?? kind.rawValue
  }

  /// What one action of reading a message did, in words ("Unsubscribed x from press-en").
  func actionValues(_ action: InboundAction) -> [String: Any] {
    let key = "desk_received_did_" + action.kind.rawValue.replacingOccurrences(of: "-", with: "_")
    let text = (strings[key] ?? "\(action.kind.rawValue): {address} {list} {detail}")
      .replacingOccurrences(of: "{address}", with: action.address ?? "?")
      .replacingOccurrences(of: "{list}", with: action.list ?? (strings["desk_received_every_list"] ?? "every list"))
      .replacingOccurrences(of: "{detail}", with: action.detail)
    var values: [String: Any] = ["text": Self.visible(text), "undone": action.undoneAt != nil]
    if action.kind == .inquiry, let inquiry = Int64(action.detail) { values["inquiry"] = DeskPage.inquiry(inquiry).path }
    return values
  }

  // MARK: One message

  /// The values of a message's page: its record (class, reason, what it changed), and what
  /// its file holds (headers, text, attachments), or a note that the file is gone.
  func receivedValues(_ id: Int64, role: DeskRole, error: String? = nil) throws -> [String: Any] {
    let (record, mail) = try receivedMail(id)
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    var values = receivedSummary(record, time: time)
    let changes = try mailroom.store.inboundActions(id).map(actionValues)
    values["changes"] = changes
    values["has_changes"] = !changes.isEmpty
    values["inbox"] = DeskPage.inbox(kind: record.kind.rawValue).path
    values["can_reclassify"] = role.allows(.sender)
    values["reclassify"] = DeskPage.reclassify(id).path
    values["kinds"] = InboundClass.allCases.filter { $0 != record.kind }.map { ["value": $0.rawValue, "label": className($0)] }
    if let error { values["error"] = error }
    guard let mail else {
      values["file_missing"] = (strings["desk_received_file_missing"] ?? "The message's file, {file}, is gone.").replacingOccurrences(of: "{file}", with: record.rawFile)
      return values
    }
    values["headers"] = mail.headers.map { ["name": $0.name, "value": Self.visible($0.value)] }
    values["has_headers"] = !mail.headers.isEmpty
    values["text"] = Self.visible(mail.text, keepingLines: true)
    values["has_text"] = !mail.text.isEmpty
    values["text_from_html"] = mail.textIsFromHTML
    values["text_truncated"] = mail.textTruncated
    values["size"] = ByteCount.formatted(mail.size)
    if mail.hasHTML { values["frame"] = DeskPage.receivedHTML(id).path }
    values["problems"] = mail.problems.map { Self.visible($0) }
    values["has_problems"] = !mail.problems.isEmpty
    values["attachments"] = mail.attachments.map { attachment -> [String: Any] in
      [
        "name": Self.visible(attachment.name), "path": DeskPage.receivedAttachment(id, index: attachment.index, name: attachment.name).path,
        "declared": Self.visible(attachment.declaredType), "sniffed": attachment.sniffedType, "size": ByteCount.formatted(attachment.size),
        "differs": attachment.declaredType != attachment.sniffedType,
      ]
    }
    values["has_attachments"] = !mail.attachments.isEmpty
    return values
  }
}
