import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldWeb
import HeraldWorkspace
import Hummingbird
import NIOCore

extension DeskServer {
  /// A release's photos and files: those it refers to and those in its folder
  /// (Releases/SLUG/), each with its kind, size and the Markdown to paste (everyone signed
  /// in); uploading into the folder and removing a file the release does not use (editors).
  func addFileRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.files.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let values = try await self.pageValues { self.filesValues(file, canEdit: signedIn.user.role.allows(.editor)) }
      return self.page("files", values, for: signedIn)
    }
    router.post(RouterPath(DeskRoute.files.pattern)) { request, context in
      let signedIn = try await self.requireUpload(request)
      let file = try self.releaseFile(context)
      let outcomes = try await self.receiveUpload(request, into: ReleaseFolder(releaseFile: file.url), signedIn: signedIn)
      var values = try await self.pageValues { self.filesValues(file, canEdit: true) }
      values["uploaded"] = outcomes.enumerated().map { index, outcome -> [String: Any] in
        var entry = outcome
        entry["index"] = index
        return entry
      }
      values["has_uploaded"] = !outcomes.isEmpty
      let refused = outcomes.contains { $0["saved"] as? Bool != true }
      return self.page("files", values, for: signedIn, status: refused ? .unprocessableContent : .ok)
    }
    router.post(RouterPath(DeskRoute.removeFile.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.editor, request, context)
      let file = try self.releaseFile(context)
      let name = form["name"] ?? ""
      let folder = ReleaseFolder(releaseFile: file.url)
      let outcome = try await BlockingWork.run { () -> (String, Bool) in
        let path = "\(folder.slug)/\(name)"
        guard case .success(let safe) = ReleaseFolder.safeName(name), safe == name,
          let entry = folder.entries(referenced: self.references(file)).first(where: { $0.path == path && $0.inFolder })
        else {
          return ("There is no file “\(name.prefix(120))” in Releases/\(folder.slug)/ to remove.", false)
        }
        if entry.referenced {
          return ("“\(path)” is used in the text; take it out of the text first, then remove it.", false)
        }
        try folder.remove(name)
        return ((self.strings["desk_files_removed"] ?? "Removed {name}.").replacingOccurrences(of: "{name}", with: path), true)
      }
      var values = try await self.pageValues { self.filesValues(file, canEdit: true) }
      values[outcome.1 ? "removed" : "problem"] = outcome.0
      if outcome.1 { self.logger.info("file removed in the desk", metadata: ["file": "Releases/\(folder.slug)/\(name)", "user": "\(signedIn.user.email)"]) }
      return self.page("files", values, for: signedIn, status: outcome.1 ? .ok : .unprocessableContent)
    }
  }

  /// The most one upload (its whole body) may hold: herald.yml's `press_kit: upload_limit`, 50 MB.
  var uploadLimit: Int { mailroom.configuration.compose.media.uploadLimit }

  /// An upload's user, after the same checks as a form's (signed in, same site, an editor);
  /// its token is checked as the body's first field, in `receiveUpload`.
  func requireUpload(_ request: Request) async throws -> DeskSignedIn {
    let signedIn = try await require(.viewer, request)
    guard isSameSite(request) else { throw DeskRefusal(forbidden(signedIn, message: strings["desk_form_expired"])) }
    guard signedIn.user.role.allows(.editor) else { throw DeskRefusal(forbidden(signedIn)) }
    return signedIn
  }

  /// The parser of a multipart upload of at most `limit` bytes, after the checks every upload
  /// shares: a declared length over the limit is refused at once (413), a body that is not
  /// multipart with a boundary is refused (415). With it, the refusal to throw when the body
  /// turns out larger than the limit as it arrives.
  func multipartUpload(_ request: Request, limit: Int, signedIn: DeskSignedIn) throws -> (parser: MultipartFormParser, tooLarge: DeskRefusal) {
    let tooLarge = DeskRefusal(page("forbidden", [
      "heading": strings["desk_files_too_large_heading"] ?? "Too large",
      "message": (strings["desk_files_too_large"] ?? "The upload is larger than {limit}, the most the desk takes at once. Nothing was saved.")
        .replacingOccurrences(of: "{limit}", with: ByteCount.formatted(limit)),
    ], for: signedIn, status: .contentTooLarge))
    if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
    do {
      return (try MultipartFormParser(contentType: request.headers[.contentType]), tooLarge)
    } catch let error as FormBodyError {
      throw DeskRefusal(message(.unsupportedMediaType, Self.sentence(error.message)))
    }
  }

  /// Reads a multipart upload as it arrives, each file into a temporary file in the folder,
  /// kept under a safe free name once whole and recognised, otherwise removed. The form's
  /// token must come before the files (the page's form puts it first), so that nothing of a
  /// forged upload is written.
  /// - Returns: per file, what was saved (path, type, size, Markdown) or why not.
  func receiveUpload(_ request: Request, into folder: ReleaseFolder, signedIn: DeskSignedIn) async throws -> [[String: Any]] {
    let limit = uploadLimit
    var (parser, tooLarge) = try multipartUpload(request, limit: limit, signedIn: signedIn)
    var received = 0
    var token: [UInt8] = []
    var current: (part: MultipartFormParser.Part, upload: ReleaseUpload?)?
    var pending: [UInt8] = []
    var outcomes: [[String: Any]] = []
    var uploads: [ReleaseUpload] = []
    let expired = DeskRefusal(forbidden(signedIn, message: strings["desk_form_expired"]))
    // Whatever ends the request early, no temporary file is left.
    defer { for upload in uploads { upload.discard() } }

    func flush() async throws {
      guard let upload = current?.upload, !pending.isEmpty else { return }
      let bytes = pending
      pending.removeAll(keepingCapacity: true)
      try await BlockingWork.run { try upload.write(bytes) }
    }

    func handle(_ event: MultipartFormParser.Event) async throws {
      switch event {
      case .part(let part):
        if part.name == "csrf" {
          current = (part, nil)
          return
        }
        // A file before the token: the form was not the desk's.
        guard DeskAccounts.formTokenMatches(String(decoding: token, as: UTF8.self), signedIn.session) else { throw expired }
        guard part.name == "file", let given = part.fileName else {
          current = (part, nil)
          return
        }
        if given.isEmpty {
          current = (part, nil)  // the file input left empty
          return
        }
        let upload = try await BlockingWork.run { try ReleaseUpload(into: folder) }
        uploads.append(upload)
        current = (part, upload)
      case .bytes(let bytes):
        guard let part = current?.part else { return }
        if part.name == "csrf" {
          token += bytes
        } else if current?.upload != nil {
          pending += bytes
          if pending.count >= 262_144 { try await flush() }
        }
      case .end:
        defer { current = nil }
        guard let entry = current, let upload = entry.upload, let given = entry.part.fileName else { return }
        try await flush()
        let outcome = try await self.pageValues { () -> [String: Any] in
          switch ReleaseFolder.safeName(given) {
          case .failure(let problem):
            upload.discard()
            return ["saved": false, "name": given, "reason": Self.sentence(problem.message)]
          case .success(let name):
            let size = upload.count
            switch try upload.finish(as: name) {
            case .failure(let problem):
              return ["saved": false, "name": given, "reason": Self.sentence(problem.message)]
            case .success(let saved):
              let path = "\(folder.slug)/\(saved)"
              let type = HeraldCompose.MediaType.named(saved)
              return [
                "saved": true, "name": given, "path": path, "type": type?.name ?? "", "size": ByteCount.formatted(size),
                "markdown": self.markdown(path: path, type: type),
              ]
            }
          }
        }
        if outcome["saved"] as? Bool == true {
          logger.info("file uploaded in the desk", metadata: ["file": "Releases/\(outcome["path"] ?? "")", "user": "\(signedIn.user.email)"])
        }
        outcomes.append(outcome)
      }
    }

    do {
      for try await chunk in request.body {
        received += chunk.readableBytes
        guard received <= limit else { throw tooLarge }
        for event in try parser.feed(chunk.readableBytesView) { try await handle(event) }
      }
      try parser.finish()
    } catch let error as FormBodyError where error.code == .tooLarge {
      throw DeskRefusal(message(.contentTooLarge, Self.sentence(error.message)))
    } catch let error as FormBodyError {
      throw DeskRefusal(message(.badRequest, "The upload could not be read: \(error.message). Send it from the page again; nothing was saved from the part that broke."))
    }
    // A form without any file still needs its token, to say anything.
    guard DeskAccounts.formTokenMatches(String(decoding: token, as: UTF8.self), signedIn.session) else { throw expired }
    return outcomes
  }

  /// The Markdown that shows a photo or links a document: `![Description](SLUG/photo.jpg
  /// "Caption — Photo: Name")`, `[name](SLUG/report.pdf)`.
  func markdown(path: String, type: HeraldCompose.MediaType?) -> String {
    let address = path.split(separator: "/").map { PublicRoute.percentEncoded(String($0)) }.joined(separator: "/")
    if type?.isImage == true {
      let description = strings["desk_files_alt"] ?? "Description"
      let caption = strings["desk_files_caption"] ?? "Caption — Photo: Name"
      return "![\(description)](\(address) \"\(caption)\")"
    }
    return "[\((path as NSString).lastPathComponent)](\(address))"
  }

  /// The files a release refers to (none when it cannot be read).
  func references(_ file: DeskReleaseFile) -> [ReleaseMedia.Reference] {
    guard let release = try? Release(contentsOf: file.url.path) else { return [] }
    return ReleaseMedia.references(of: release)
  }

  /// The page's values: the files with their kind, size, Markdown, and whether they can be removed.
  func filesValues(_ file: DeskReleaseFile, canEdit: Bool) -> [String: Any] {
    let folder = ReleaseFolder(releaseFile: file.url)
    let title = (try? Release(contentsOf: file.url.path).title) ?? file.name
    let entries = folder.entries(referenced: references(file)).enumerated().map { index, entry -> [String: Any] in
      var values: [String: Any] = [
        "index": index, "path": entry.path, "name": (entry.path as NSString).lastPathComponent,
        "type": entry.type?.name ?? (strings["desk_files_unknown_type"] ?? "Not a kind of file a release may carry"),
        "size": ByteCount.formatted(entry.size), "referenced": entry.referenced, "removable": canEdit && entry.inFolder && !entry.referenced,
      ]
      if let type = entry.type { values["markdown"] = markdown(path: entry.path, type: type) }
      return values
    }
    let accept = HeraldCompose.MediaType.allowed.flatMap { $0.extensions.map { "." + $0 } }.joined(separator: ",")
    return [
      "title": title, "file": "Releases/\(file.name)", "entries": entries, "can_upload": canEdit, "accept": accept,
      "limit_hint": (strings["desk_files_limit"] ?? "At most {limit} at once.").replacingOccurrences(of: "{limit}", with: ByteCount.formatted(uploadLimit)),
      "links": ["release": DeskPage.release(file: file.name).path, "files": DeskPage.files(file: file.name).path, "remove": DeskPage.removeFile(file: file.name).path],
    ]
  }
}
