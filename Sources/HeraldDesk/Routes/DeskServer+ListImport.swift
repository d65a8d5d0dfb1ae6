import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldWeb
import HTTPTypes
import Hummingbird
import NIOCore

extension DeskServer {
  /// Importing a CSV file into a list (editors), in three steps: the upload (a file, the
  /// state new addresses get, and where their consent comes from); the check: the columns
  /// as Herald reads them, the file's encoding, its first rows, and a dry run's counts (new,
  /// updated, kept out and why), before anything is written; then the import itself in the
  /// background, whose page shows its progress and result. The same `importCSV` as `herald
  /// lists import`, all or nothing.
  func addListImportRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.listImport.pattern)) { request, context in
      let signedIn = try await self.require(.editor, request)
      let list = try await self.namedList(context)
      return self.importUploadPage(signedIn, list: list.name, form: ["status": "subscribed"], errors: [:])
    }
    router.post(RouterPath(DeskRoute.listImport.pattern)) { request, context in
      let signedIn = try await self.requireUpload(request)
      let list = try await self.namedList(context)
      let received = try await self.receiveImport(request, signedIn: signedIn)
      var errors: [String: String] = [:]
      let status: MembershipStatus? = ["subscribed": .subscribed, "pending": .pending][received.fields["status"] ?? ""]
      let note = received.fields["note"] ?? ""
      if status == nil { errors["status"] = self.strings["desk_subscriber_bad_status"] ?? "Choose subscribed or pending." }
      if note.isEmpty || note.count > 500 {
        errors["note"] = self.strings["desk_subscriber_note_needed"] ?? "Say where their consent comes from."
      }
      if received.file == nil { errors["file"] = self.strings["desk_import_no_file"] ?? "Choose a CSV file." }
      guard errors.isEmpty, let status, let file = received.file else {
        if let file = received.file { DeskImports.remove(file.url) }
        return self.importUploadPage(signedIn, list: list.name, form: received.fields, errors: errors, status: .unprocessableContent)
      }
      var upload = DeskImports.Upload(
        id: 0, list: list.name, name: file.name, file: file.url, status: status, user: signedIn.user.email, note: note,
        uploadedAt: self.mailroom.clock.now, rows: 0)
      // The check: the mapping and the first rows, then the dry run (nothing is written).
      let evidence = DeskImports.displayName(upload)
      let checked = try await BlockingWork.runOnThread(named: "herald-desk-import-check") { () -> Result<(SubscriberStore.ImportPreview, SubscriberStore.ImportReport), StoreError> in
        do {
          let preview = try self.mailroom.store.importPreview(file.url, displayName: file.name)
          let report = try self.mailroom.store.importCSV(
            file.url, displayName: evidence, into: list.name, status: status, dryRun: true)
          return .success((preview, report))
        } catch let error as StoreError {
          return .failure(error)
        }
      }
      switch checked {
      case .failure(let error):
        DeskImports.remove(file.url)
        return self.importUploadPage(
          signedIn, list: list.name, form: received.fields, errors: ["file": DeskImports.message(error.message, upload)],
          status: .unprocessableContent)
      case .success(let (preview, report)):
        upload.rows = report.rows
        let id = self.imports.add(upload)
        return self.page("list-import-check", self.importCheckValues(list: list.name, id: id, upload: upload, preview: preview, report: report), for: signedIn)
      }
    }
    router.post(RouterPath(DeskRoute.listImportRun.pattern)) { request, context in
      _ = try await self.requireForm(.editor, request, context)
      let (list, id) = try self.importAddress(context)
      guard self.imports.upload(id, list: list) != nil else { throw DeskRefusal(self.importGone()) }
      _ = self.imports.start(id, store: self.mailroom.store)
      return self.redirect(DeskPage.listImportRun(list, id).path)
    }
    router.get(RouterPath(DeskRoute.listImportRun.pattern)) { request, context in
      let signedIn = try await self.require(.editor, request)
      let (list, id) = try self.importAddress(context)
      guard let upload = self.imports.upload(id, list: list) else { throw DeskRefusal(self.importGone()) }
      return self.page("list-import", self.importRunValues(upload), for: signedIn)
    }
  }

  /// The list and import id of the address, or the 404.
  func importAddress(_ context: DeskContext) throws -> (String, Int64) {
    guard let list = context.parameters.get("list"), let text = context.parameters.get("import"), let id = Int64(text) else {
      throw HTTPError(.notFound)
    }
    return (list, id)
  }

  /// The 404 of an import the desk does not have (never, or before a restart).
  func importGone() -> Response {
    message(
      .notFound,
      strings["desk_import_gone"]
        ?? "There is no such import. Imports are kept until the desk restarts; an import that was running then was not written (it is all or nothing). Look at the list, and upload the file again if it is not there.")
  }

  /// The upload form.
  func importUploadPage(
    _ signedIn: DeskSignedIn, list: String, form: [String: String], errors: [String: String], status: HTTPResponse.Status = .ok
  ) -> Response {
    page(
      "list-import-upload",
      [
        "list": list, "back": DeskPage.list(list).path, "action": DeskPage.listImport(list).path, "form": form, "errors": errors,
        "pending": form["status"] == "pending",
        "limit_hint": (strings["desk_files_limit"] ?? "At most {limit} at once.").replacingOccurrences(of: "{limit}", with: ByteCount.formatted(DeskImports.uploadLimit)),
      ], for: signedIn, status: status)
  }

  /// The check page: the mapping, the encoding, the first rows, the dry run's counts.
  func importCheckValues(
    list: String, id: Int64, upload: DeskImports.Upload, preview: SubscriberStore.ImportPreview, report: SubscriberStore.ImportReport
  ) -> [String: Any] {
    let encodings: [CSVEncoding: String] = [.utf8: "UTF-8", .latin1: "Latin-1 (Windows-1252)", .windows1251: "Cyrillic (Windows-1251)"]
    let delimiters: [Character: String] = [",": strings["desk_import_comma"] ?? "commas", ";": strings["desk_import_semicolon"] ?? "semicolons",
      "\t": strings["desk_import_tab"] ?? "tabs"]
    return [
      "list": list, "file": upload.name, "back": DeskPage.list(list).path, "action": DeskPage.listImportRun(list, id).path,
      "encoding": encodings[preview.encoding] ?? preview.encoding.rawValue, "delimiter": delimiters[preview.delimiter] ?? String(preview.delimiter),
      "columns": preview.columns.map { column -> [String: Any] in
        ["header": column.header, "role": roleText(column.role), "ignored": column.role == .ignored]
      },
      "headers": preview.columns.map(\.header),
      "rows": preview.rows.map { record -> [String: Any] in ["line": record.line, "fields": record.fields.map { String($0.prefix(200)) }] },
      "warnings": preview.warnings.map { DeskImports.message($0, upload) },
      "status_name": statusName(upload.status), "note": upload.note,
      "report": reportValues(report, upload), "upload": ["back": DeskPage.listImport(list).path],
    ]
  }

  /// What a column is taken for, in words.
  func roleText(_ role: SubscriberStore.ImportPreview.Role) -> String {
    switch role {
    case .email: return strings["desk_email"] ?? "Email address"
    case .name: return strings["desk_name"] ?? "Name"
    case .firstName: return strings["desk_import_first_name"] ?? "First name"
    case .lastName: return strings["desk_import_last_name"] ?? "Last name"
    case .organization: return strings["desk_organization"] ?? "Organisation"
    case .language: return strings["desk_preview_language"] ?? "Language"
    case .attributesJSON: return strings["desk_import_attributes"] ?? "Attributes (JSON)"
    case .attribute(let name): return (strings["desk_import_attribute"] ?? "Kept as “{name}”").replacingOccurrences(of: "{name}", with: name)
    case .ignored: return strings["desk_import_ignored"] ?? "Ignored"
    }
  }

  /// An import's counts and problems as the pages show them.
  func reportValues(_ report: SubscriberStore.ImportReport, _ upload: DeskImports.Upload) -> [String: Any] {
    [
      "rows": report.rows.formatted(), "added": report.added.formatted(), "updated": report.updated.formatted(),
      "unchanged": report.unchanged.formatted(), "duplicates": report.duplicates.formatted(), "rejected": report.rejected.formatted(),
      "kept_out": report.keptOut.formatted(),
      "problems": report.problems.prefix(50).map { problem -> [String: Any] in
        ["line": problem.line, "email": problem.email, "reason": DeskImports.message(problem.reason, upload)]
      },
      "has_problems": !report.problems.isEmpty,
    ]
  }

  /// The import's page: its progress while it runs (kept up to date by desk.js), then its result.
  func importRunValues(_ upload: DeskImports.Upload) -> [String: Any] {
    var values: [String: Any] = ["list": upload.list, "file": upload.name, "back": DeskPage.list(upload.list).path]
    switch upload.state {
    case .checked:
      values["waiting"] = true
    case .running(let rows):
      values["running"] = true
      values["refresh"] = 2
      values["read"] = rows.formatted()
      values["total"] = upload.rows.formatted()
    case .done(let report):
      values["done"] = true
      values["report"] = reportValues(report, upload)
    case .failed(let text):
      values["failed"] = text
    }
    return values
  }

  /// An import upload as it arrives: its small fields (the form token first, as the page
  /// sends it) and its file, written to a private temporary folder; nothing is written
  /// before the token is checked, and no file is left when the request fails.
  func receiveImport(_ request: Request, signedIn: DeskSignedIn) async throws -> (fields: [String: String], file: (url: URL, name: String)?) {
    let limit = DeskImports.uploadLimit
    var (parser, tooLarge) = try multipartUpload(request, limit: limit, signedIn: signedIn)
    let expired = DeskRefusal(forbidden(signedIn, message: strings["desk_form_expired"]))
    var fields: [String: [UInt8]] = [:]
    var current: MultipartFormParser.Part?
    var file: (upload: DeskImports.UploadFile, name: String)?
    var pending: [UInt8] = []
    var received = 0
    var finished = false
    defer {
      if !finished, let file {
        try? file.upload.close()
        DeskImports.remove(file.upload.url)
      }
    }
    func flush() async throws {
      guard let upload = file?.upload, !pending.isEmpty else { return }
      let bytes = pending
      pending.removeAll(keepingCapacity: true)
      try await BlockingWork.run { try upload.write(bytes) }
    }
    do {
      for try await chunk in request.body {
        received += chunk.readableBytes
        guard received <= limit else { throw tooLarge }
        for event in try parser.feed(chunk.readableBytesView) {
          switch event {
          case .part(let part):
            current = part
            if part.name == "file", let given = part.fileName, !given.isEmpty, file == nil {
              // A file before the token: the form was not the desk's.
              guard DeskAccounts.formTokenMatches(String(decoding: fields["csrf"] ?? [], as: UTF8.self), signedIn.session) else { throw expired }
              let name = String(given.split(separator: "/").last?.split(separator: "\\").last ?? "upload.csv").prefix(120)
              let upload = try await BlockingWork.run { try DeskImports.UploadFile() }
              file = (upload, String(name))
            }
          case .bytes(let bytes):
            guard let part = current else { continue }
            if part.name == "file" {
              if part.fileName?.isEmpty == false, file != nil {
                pending += bytes
                if pending.count >= 262_144 { try await flush() }
              }
            } else if ["csrf", "status", "note"].contains(part.name) {
              fields[part.name, default: []] += bytes
            }
          case .end:
            if current?.name == "file" { try await flush() }
            current = nil
          }
        }
      }
      try parser.finish()
    } catch let error as FormBodyError where error.code == .tooLarge {
      throw DeskRefusal(message(.contentTooLarge, Self.sentence(error.message)))
    } catch let error as FormBodyError {
      throw DeskRefusal(message(.badRequest, "The upload could not be read: \(error.message). Send it from the page again; nothing was imported."))
    }
    guard DeskAccounts.formTokenMatches(String(decoding: fields["csrf"] ?? [], as: UTF8.self), signedIn.session) else { throw expired }
    try await flush()
    if let upload = file?.upload { try await BlockingWork.run { try upload.close() } }
    finished = true
    var values: [String: String] = [:]
    for name in ["status", "note"] {
      let text = String(decoding: fields[name] ?? [], as: UTF8.self)
      values[name] = String(String.UnicodeScalarView(text.unicodeScalars.filter { !DeskServer.isInvisibleControl($0) }))
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return (values, file.map { ($0.upload.url, $0.name) })
  }
}
