import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldWeb
import HTTPTypes
import Hummingbird
import NIOCore

extension DeskServer {
  /// The lists (viewers): title, public, double opt-in, language and members per state;
  /// a list's members as CSV (editors), by the same export as `herald lists export`.
  func addListRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.lists.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      let entries = try await self.pageValues { ["lists": try self.listEntries()] }
      var values = entries
      values["can_export"] = signedIn.user.role.allows(.editor)
      if signedIn.user.role.allows(.editor) { values["new_list"] = DeskPage.newList.path }
      return self.page("lists", values, for: signedIn)
    }
    router.get(RouterPath(DeskRoute.newList.pattern)) { request, _ in
      let signedIn = try await self.require(.editor, request)
      return self.listPage(signedIn, form: ["double_opt_in": "on"], isNew: true)
    }
    router.post(RouterPath(DeskRoute.newList.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let values = self.listForm(form)
      if let errors = self.listErrors(values) {
        return self.listPage(signedIn, form: values, isNew: true, errors: errors, status: .unprocessableContent)
      }
      let name = values["name"] ?? ""
      do {
        // The same calls as `herald lists create` (the list, then its web settings).
        try await BlockingWork.run {
          try self.mailroom.store.createList(
            name: name, title: values["title"].flatMap { $0.isEmpty ? nil : $0 }, description: values["description"] ?? "",
            language: values["language"].flatMap { $0.isEmpty ? nil : $0 }, doubleOptIn: values["double_opt_in"] == "on")
          try self.mailroom.store.updateList(name) { list in
            list.isPublic = values["public"] == "on"
            list.consentText = values["consent"] ?? ""
          }
        }
      } catch let error as StoreError where error.code == .invalidInput || error.code == .alreadyExists {
        return self.listPage(signedIn, form: values, isNew: true, errors: ["name": Self.sentence(error.message)], status: .unprocessableContent)
      }
      return self.redirect(DeskPage.list(name).path)
    }
    router.get(RouterPath(DeskRoute.list.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let list = try await self.namedList(context)
      return self.listPage(signedIn, form: self.listValues(list), isNew: false)
    }
    router.post(RouterPath(DeskRoute.list.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let list = try await self.namedList(context)
      var values = self.listForm(form)
      values["name"] = list.name
      if let errors = self.listErrors(values) {
        return self.listPage(signedIn, form: values, isNew: false, errors: errors, status: .unprocessableContent)
      }
      // The same call as `herald lists update`.
      let given = values
      let updated = try await BlockingWork.run {
        try self.mailroom.store.updateList(list.name) { list in
          list.title = (given["title"] ?? "").isEmpty ? list.name : given["title"] ?? list.name
          list.description = given["description"] ?? ""
          list.language = (given["language"] ?? "").isEmpty ? nil : given["language"]
          list.doubleOptIn = given["double_opt_in"] == "on"
          list.isPublic = given["public"] == "on"
          list.consentText = given["consent"] ?? ""
        }
      }
      return self.listPage(signedIn, form: self.listValues(updated), isNew: false, notice: self.strings["desk_list_saved"] ?? "Saved.")
    }
    router.get(RouterPath(DeskRoute.listExport.pattern)) { request, context in
      _ = try await self.require(.editor, request)
      guard let name = context.parameters.get("list") else { throw HTTPError(.notFound) }
      // Built on the blocking pool, whole: an export that fails sends an error, never half a file.
      let csv = try await BlockingWork.run { () -> ByteBuffer? in
        var buffer = ByteBuffer()
        do {
          try self.mailroom.store.exportCSV(list: name) { buffer.writeString($0) }
        } catch let error as StoreError where error.code == .notFound || error.code == .invalidInput {
          return nil
        }
        return buffer
      }
      guard let csv else { throw HTTPError(.notFound) }
      let file = name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
      return Response(
        status: .ok,
        headers: [
          .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file.isEmpty ? "list" : file).csv\"",
          .cacheControl: "no-store",
        ], body: .init(byteBuffer: csv))
    }
  }

  /// The list the address names, or the 404.
  func namedList(_ context: DeskContext) async throws -> MailingList {
    guard let name = context.parameters.get("list"),
      let list = try await BlockingWork.run({ try? self.mailroom.store.list(named: name) })
    else { throw HTTPError(.notFound) }
    return list
  }

  /// The list form's fields, cleaned; a checkbox is "on" or "".
  func listForm(_ form: FormBody) -> [String: String] {
    var values: [String: String] = [:]
    for name in ["name", "title", "description", "language", "consent", "public", "double_opt_in"] { values[name] = field(form, name) }
    return values
  }

  /// A list's settings as the form shows them.
  func listValues(_ list: MailingList) -> [String: String] {
    [
      "name": list.name, "title": list.title, "description": list.description, "language": list.language ?? "",
      "consent": list.consentText, "public": list.isPublic ? "on" : "", "double_opt_in": list.doubleOptIn ? "on" : "",
    ]
  }

  /// What is wrong with the list form, by field; nil when nothing is.
  func listErrors(_ values: [String: String]) -> [String: String]? {
    var errors: [String: String] = [:]
    for (name, limit) in [("title", 200), ("description", 1_000), ("consent", 2_000), ("language", 20)] where (values[name] ?? "").count > limit {
      errors[name] = (strings["desk_list_too_long"] ?? "Keep it under {limit} characters.").replacingOccurrences(of: "{limit}", with: "\(limit)")
    }
    // A public form without a confirmation would let anyone put any address on the list:
    // the desk does not make one (`herald lists update --single-opt-in` can, saying so).
    if values["public"] == "on" && values["double_opt_in"] != "on" {
      errors["double_opt_in"] = strings["desk_list_public_needs_confirmation"]
        ?? "A list with a public form must ask new subscribers to confirm."
    }
    return errors.isEmpty ? nil : errors
  }

  /// The form of a new list, or of a list's settings (read-only below editor).
  func listPage(
    _ signedIn: DeskSignedIn, form: [String: String], isNew: Bool, errors: [String: String] = [:], notice: String? = nil,
    status: HTTPResponse.Status = .ok
  ) -> Response {
    var values: [String: Any] = [
      "form": form, "errors": errors, "is_new": isNew, "can_edit": signedIn.user.role.allows(.editor),
      "action": isNew ? DeskPage.newList.path : DeskPage.list(form["name"] ?? "").path,
      "public": form["public"] == "on", "double_opt_in": form["double_opt_in"] == "on",
    ]
    if !isNew, signedIn.user.role.allows(.editor) {
      values["export"] = DeskPage.listExport(form["name"] ?? "").path
      values["import"] = DeskPage.listImport(form["name"] ?? "").path
    }
    if let notice { values["notice"] = notice }
    return page("list", values, for: signedIn, status: status)
  }

  /// Every list with its figures. The counts group the whole membership table: kept while
  /// the store does not change (`DeskCache`, keyed by its generation).
  func listEntries() throws -> [[String: Any]] {
    let store = mailroom.store
    return try cache.value("lists", fingerprint: ["\(store.generation)"], lifetime: DeskCache.Lifetime.plan) {
      let counts = try store.counts()
      return try store.lists().map { list -> [String: Any] in
        let count = counts[list.name] ?? ListCounts()
        return [
          "name": list.name, "title": list.title, "description": list.description, "language": list.language ?? "",
          "public": list.isPublic, "double_opt_in": list.doubleOptIn, "export": DeskPage.listExport(list.name).path,
          "link": DeskPage.list(list.name).path,
          "subscribed": count.subscribed.formatted(), "pending": count.pending.formatted(), "unsubscribed": count.unsubscribed.formatted(),
          "bounced": (count.bounced + count.complained).formatted(),
        ]
      }
    }
  }

  /// The suppressions (viewers read them; editors add and lift an address or a @domain):
  /// the same store calls as `herald subscribers suppress` and `unsuppress`.
  func addSuppressionRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.suppressions.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request)
      return try await self.suppressionsPage(signedIn)
    }
    router.post(RouterPath(DeskRoute.suppressions.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let target = self.field(form, "target")
      let reason = self.field(form, "reason")
      let values = ["target": target, "reason": reason]
      if self.field(form, "action") == "lift" {
        do {
          _ = try await BlockingWork.run { try self.mailroom.store.unsuppress(target) }
          return try await self.suppressionsPage(signedIn, notice: (self.strings["desk_suppression_lifted"] ?? "{target} may be sent to again.").replacingOccurrences(of: "{target}", with: target))
        } catch let error as StoreError where error.code == .notFound || error.code == .invalidInput {
          return try await self.suppressionsPage(signedIn, form: values, errors: ["target": Self.sentence(error.message)], status: .unprocessableContent)
        }
      }
      guard !target.isEmpty, target.count <= 320 else {
        return try await self.suppressionsPage(
          signedIn, form: values, errors: ["target": self.strings["desk_suppression_target_needed"] ?? "Write an address, or @ and a domain."],
          status: .unprocessableContent)
      }
      guard !reason.isEmpty, reason.count <= 500 else {
        return try await self.suppressionsPage(
          signedIn, form: values, errors: ["reason": self.strings["desk_suppress_reason_needed"] ?? "Say why (under 500 characters)."],
          status: .unprocessableContent)
      }
      do {
        _ = try await BlockingWork.run { try self.mailroom.store.suppress(target, reason: "\(reason) (by \(signedIn.user.email) in the desk)") }
        return self.redirect(DeskPage.suppressions.path)
      } catch let error as StoreError where error.code == .invalidInput {
        return try await self.suppressionsPage(signedIn, form: values, errors: ["target": Self.sentence(error.message)], status: .unprocessableContent)
      }
    }
  }

  func suppressionsPage(
    _ signedIn: DeskSignedIn, form: [String: String] = [:], errors: [String: String] = [:], notice: String? = nil,
    status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    let found = try await BlockingWork.run { try self.mailroom.store.suppressions() }
    let time = LocalTime(timeZone: mailroom.configuration.compose.timeZone)
    var values: [String: Any] = [
      "suppressions": found.suppressions.map { suppression -> [String: Any] in
        let target = suppression.kind == .domain ? "@" + suppression.value : suppression.value
        return ["target": target, "reason": suppression.reason, "at": time.string(suppression.createdAt), "domain": suppression.kind == .domain]
      },
      "hashed": found.hashed, "has_hashed": found.hashed > 0, "form": form, "errors": errors, "can_edit": signedIn.user.role.allows(.editor),
      "action": DeskPage.suppressions.path,
    ]
    if let notice { values["notice"] = notice }
    return page("suppressions", values, for: signedIn, status: status)
  }
}
