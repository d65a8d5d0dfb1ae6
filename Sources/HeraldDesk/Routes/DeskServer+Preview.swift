import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWeb
import HTTPTypes
import Hummingbird
import NIOCore

/// What the preview form asks: for whom, through which list, in which language.
struct PreviewRequest: Sendable {
  /// The address typed ("as"), or the default.
  var address: String
  /// The list ("list"), nil for the release's first.
  var list: String?
  /// The language ("language"), nil for the one the recipient gets.
  var language: String?

  /// The request's query, `as`, `list` and `language`, read as `DeskQuery` reads a GET form.
  init(_ request: Request, defaultAddress: String) {
    let values = DeskQuery(request)
    address = values["as"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAddress
    list = values["list"].flatMap { $0.isEmpty ? nil : $0 }
    language = values["language"].flatMap { $0.isEmpty ? nil : $0 }
  }
}

extension DeskServer {
  /// The preview: the email as a chosen recipient gets it (subject, From, To, language, the
  /// HTML in a sandboxed frame, the text, the headers, the DKIM signatures verified with the
  /// workspace's own keys, size and parts), and the archive page as it will look. Composed by
  /// the library `herald preview` uses (`Mailroom.preview`), on the blocking pool.
  func addPreviewRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.preview.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let asked = PreviewRequest(request, defaultAddress: signedIn.user.email)
      // Composing, signing and rendering are blocking work.
      return try await BlockingWork.run {
        // Kept for a few seconds while the release's files are unchanged (DeskCache), as this
        // session's page (its name and form token are in it).
        let key = ["preview", signedIn.session.id, file.name, asked.address, asked.list ?? "", asked.language ?? ""].joined(separator: "\u{0}")
        let page = try self.cache.value(key, fingerprint: self.fingerprint(ofRelease: file.name), lifetime: DeskCache.Lifetime.preview) {
          DeskRenderedPage(html: self.html("preview", try self.previewValues(file, asked), for: signedIn))
        }
        return page.response()
      }
    }
    router.get(RouterPath(DeskRoute.previewMessage.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let asked = PreviewRequest(request, defaultAddress: signedIn.user.email)
      let document = try await BlockingWork.run { try self.messageDocument(file, asked) }
      return PreviewFrame.response(document)
    }
    router.get(RouterPath(DeskRoute.previewPage.pattern)) { request, context in
      let signedIn = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let asked = PreviewRequest(request, defaultAddress: signedIn.user.email)
      let document = try await BlockingWork.run { try self.archiveDocument(file, language: asked.language) }
      return PreviewFrame.response(document)
    }
    router.get(RouterPath(DeskRoute.previewFile.pattern)) { request, context in
      _ = try await self.require(.viewer, request)
      let file = try self.releaseFile(context)
      let digest = context.parameters.get("digest") ?? ""
      let name = context.parameters.get("name") ?? ""
      guard let found = try await BlockingWork.run({ try self.releaseFiles(file)[DeskPage.previewFile(file: file.name, digest: digest, name: name).path] }),
        let bytes = try await BlockingWork.run({ FileManager.default.contents(atPath: found.url.path) })
      else {
        throw DeskRefusal(self.message(.notFound, "The release has no such file."))
      }
      return Response(
        status: .ok,
        headers: [
          .contentType: found.mediaType, .cacheControl: "no-store",
          HTTPField.Name("Content-Security-Policy")!: PreviewFrame.contentSecurityPolicy,
        ],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
  }

  // MARK: The preview page

  /// The preview page's values; problems with what was asked are shown beside their fields.
  func previewValues(_ file: DeskReleaseFile, _ asked: PreviewRequest) throws -> [String: Any] {
    var values: [String: Any] = [
      "release": try releaseEntry(file.name), "form": ["as": asked.address, "list": asked.list ?? "", "language": asked.language ?? ""],
      "links": ["release": DeskPage.release(file: file.name).path, "check": DeskPage.check(file: file.name).path,
        "preview": DeskPage.preview(file: file.name).path],
    ]
    let family: ComposedFamily
    do {
      family = try mailroom.workspace.composeFamily(file.url.path, configuration: mailroom.configuration)
    } catch let error as any HeraldError {
      values["problem"] = error.summary
      return values
    }
    let lists = try mailroom.store.lists().map(\.name)
    let releaseLists = family.first.release.lists
    values["lists"] = (releaseLists + lists.filter { !releaseLists.contains($0) }).map { ["name": $0, "selected": $0 == asked.list] }
    values["languages"] = family.family.languages.map { ["code": $0, "name": LanguageTag.autonym($0), "selected": $0 == asked.language] }
    values["has_lists"] = !(releaseLists + lists).isEmpty
    values["has_languages"] = family.family.languages.count > 1
    var errors: [String: String] = [:]
    let mailbox = try? Mailbox(parsing: asked.address)
    if mailbox == nil {
      errors["as"] = strings["desk_preview_bad_address"] ?? "This is not an email address. Write it like name@example.org."
    }
    if let list = asked.list, !lists.contains(list), !releaseLists.contains(list) {
      errors["list"] = (strings["desk_preview_bad_list"] ?? "There is no such list. Choose one of these:") + " " + (releaseLists + lists).joined(separator: ", ")
    }
    if let language = asked.language, !family.family.languages.contains(language) {
      errors["language"] = (strings["desk_preview_bad_language"] ?? "The release has no translation in this language. It has:") + " "
        + family.family.languages.joined(separator: ", ")
    }
    guard errors.isEmpty, let mailbox else {
      values["errors"] = errors
      return values
    }
    let preview: ReleasePreview
    do {
      preview = try mailroom.preview(file.url.path, to: mailbox, list: asked.list, language: asked.language, family: family)
    } catch let error as any HeraldError {
      values["problem"] = error.summary
      return values
    }
    let received = ReceivedMessage(parsing: preview.bytes)
    let warnings = preview.diagnostics.map { relative($0).description } + preview.sendingWarnings
    values["message"] = [
      "subject": Self.visible(preview.subject), "from": Self.visible(preview.from.description),
      "to": Self.visible(preview.message.recipient.description),
      "language": preview.language, "language_name": LanguageTag.autonym(preview.language), "list": preview.list,
      "is_subscriber": preview.isSubscriber, "size": ByteCount.formatted(preview.bytes.count),
      // Every leaf of the MIME tree: the text, the HTML, embedded photos, attachments.
      "parts": received.allParts.filter { $0.parts.isEmpty }.map { part -> [String: Any] in
        var values: [String: Any] = ["type": part.contentType.mimeType, "size": ByteCount.formatted(part.body.count)]
        if let name = part.filename { values["name"] = Self.visible(name) }
        if let encoding = part.header.raw("Content-Transfer-Encoding") { values["encoding"] = encoding }
        return values
      },
      "text": Self.visible(preview.text, keepingLines: true),
      "headers": received.header.fields.map { ["name": Self.visible($0.name), "value": Self.visible($0.value)] },
      "frame": DeskPage.previewMessage(file: file.name, recipient: asked.address, list: asked.list, language: asked.language).path,
      "page_frame": DeskPage.previewPage(file: file.name, language: preview.language).path,
      "dkim": dkimValues(preview),
      "warnings": warnings.map { Self.visible($0) }, "has_warnings": !warnings.isEmpty,
    ]
    return values
  }

  /// The DKIM result: each signature verified against the workspace's own keys, or why the
  /// message is not signed.
  func dkimValues(_ preview: ReleasePreview) -> [String: Any] {
    guard !preview.signers.isEmpty else {
      return ["unsigned": strings["desk_dkim_unsigned"] ?? "Not signed: herald dkim keygen makes a key."]
    }
    let verdicts: [DKIMVerifier.Verdict]
    do {
      verdicts = try DKIMVerifier(signers: preview.signers).verify(preview.bytes)
    } catch {
      return ["signatures": [["verified": false, "domain": "", "selector": "", "failure": "\(error)"]]]
    }
    return [
      "signatures": verdicts.map { verdict -> [String: Any] in
        var values: [String: Any] = [
          "verified": verdict.verified, "domain": verdict.domain, "selector": verdict.selector, "algorithm": verdict.algorithm,
        ]
        if let failure = verdict.failure { values["failure"] = failure }
        return values
      }
    ]
  }

  /// A header value as the table shows it: control and bidirectional formatting characters
  /// written out ("⟨U+202E⟩"), so that none can disguise what is around it.
  /// - Parameter keepingLines: whether line feeds and tabs stay as they are (a text part).
  static func visible(_ text: String, keepingLines: Bool = false) -> String {
    var output = ""
    for scalar in text.unicodeScalars {
      if isInvisibleControl(scalar), !(keepingLines && (scalar == "\n" || scalar == "\r" || scalar == "\t")) {
        output += "⟨U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "⟩"
      } else {
        output.unicodeScalars.append(scalar)
      }
    }
    return output
  }

  // MARK: The frames

  /// The email's HTML as the recipient gets it, for the sandboxed frame.
  func messageDocument(_ file: DeskReleaseFile, _ asked: PreviewRequest) throws -> String {
    guard let mailbox = try? Mailbox(parsing: asked.address) else {
      throw DeskRefusal(message(.badRequest, strings["desk_preview_bad_address"] ?? "This is not an email address."))
    }
    let preview: ReleasePreview
    do {
      preview = try mailroom.preview(file.url.path, to: mailbox, list: asked.list, language: asked.language)
    } catch let error as any HeraldError {
      throw DeskRefusal(message(.unprocessableContent, error.summary))
    }
    let addresses = preview.composed.localFiles(under: DeskRoute.preview.path(file.name) + "/files/").paths
    return PreviewFrame.document(preview.html, addresses: addresses, files: try releaseFiles(file, family: preview.family))
  }

  /// The archive page as it will look, for the sandboxed frame, marked as not published.
  func archiveDocument(_ file: DeskReleaseFile, language: String?) throws -> String {
    let family: ComposedFamily
    let page: (html: String, publication: Publication)
    do {
      family = try mailroom.workspace.composeFamily(file.url.path, configuration: mailroom.configuration)
      guard language.map({ family.family.languages.contains($0) }) ?? true else {
        throw DeskRefusal(message(.notFound, "The release has no translation in this language."))
      }
      let archive = try ArchivePreview(mailroom: mailroom, logger: logger)
      page = try archive.page(of: family, language: language)
      // The site's own addresses of the files (/releases/SLUG/files/…) and the absolute ones.
      var addresses: [String: String] = [:]
      for composed in family.translations { addresses.merge(composed.localFiles(under: DeskRoute.preview.path(file.name) + "/files/").paths) { $1 } }
      for published in page.publication.files {
        addresses[PublicPage.releaseFile(slug: page.publication.slug, file: published).path] =
          DeskPage.previewFile(file: file.name, digest: published.digest, name: published.name).path
      }
      return PreviewFrame.document(
        page.html, addresses: addresses, files: try releaseFiles(file, family: family), stylesheet: archive.stylesheet,
        banner: strings["desk_preview_not_published"] ?? "Preview — not published")
    } catch let error as any HeraldError {
      throw DeskRefusal(message(.unprocessableContent, error.summary))
    }
  }

  /// The release's files (every translation's) by their desk address: the file in Media/,
  /// its media type and size.
  func releaseFiles(_ file: DeskReleaseFile, family given: ComposedFamily? = nil) throws -> [String: (url: URL, mediaType: String, size: Int)] {
    let family = try given ?? mailroom.workspace.composeFamily(file.url.path, configuration: mailroom.configuration)
    let folder = MediaFolder(directory: mailroom.workspace.mediaDirectory)
    var files: [String: (url: URL, mediaType: String, size: Int)] = [:]
    for composed in family.translations {
      for published in composed.media.publishedFiles {
        files[DeskPage.previewFile(file: file.name, digest: published.digest, name: published.name).path] =
          (folder.url(of: published), published.mediaType, published.size)
      }
    }
    return files
  }
}

extension String {
  fileprivate func leftPadded(to length: Int) -> String {
    count >= length ? self : String(repeating: "0", count: length - count) + self
  }
}
