import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
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
      return self.page("lists", values, for: signedIn)
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
