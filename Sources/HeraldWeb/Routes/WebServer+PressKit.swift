import Foundation
import HeraldCompose
import HeraldCore
import HTTPTypes
import Hummingbird

extension WebServer {
  /// A release's published files and its press kit's ZIP, at the addresses `PublicRoute`
  /// defines. Served only while the release is visible (the archive decides, embargo
  /// included) and only for files it lists; anything else is the site's 404 page.
  func addPressKitRoutes(to router: Router<WebContext>) {
    router.get(RouterPath(.releaseFile)) { request, context in
      let names = PublicRoute.releaseFile.parameters
      let slug = context.parameters.get(names[0]) ?? ""
      let digest = context.parameters.get(names[1]) ?? ""
      // The router gives the segment as sent: the name may be percent-encoded ("%D0%BE…").
      let name = context.parameters.get(names[2]).flatMap { $0.removingPercentEncoding } ?? ""
      // A digest is 64 lowercase hex digits; anything else is not an address of a file.
      guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
        let release = self.archive.release(slug),
        let file = release.publication.files.first(where: { $0.digest == digest && $0.name == name })
      else { return self.notFound() }
      let served = MediaFile(
        storagePath: file.storagePath, size: file.size, etag: "\"\(file.digest)\"", contentType: file.mediaType,
        contentDisposition: ContentDisposition.value(attachment: file.kind == .document, filename: file.name),
        label: "\(file.name) of \(slug)")
      return await self.media.response(served, request: request, context: context) ?? self.notFound()
    }
    router.get(RouterPath(.pressKit)) { request, context in
      let slug = context.parameters.value(of: .pressKit) ?? ""
      guard let release = self.archive.release(slug) else { return self.notFound() }
      let archive = release.kit?.archive ?? PressKitArchive(files: release.publication.files)
      guard !archive.isEmpty else { return self.notFound() }
      let served = MediaFile(
        storagePath: "press-kits/\(archive.digest).zip", size: release.kit?.size ?? Int.max, etag: "\"\(archive.digest)\"",
        contentType: "application/zip", contentDisposition: ContentDisposition.value(attachment: true, filename: PressKitArchive.downloadName(slug: slug)),
        label: "the press kit of \(slug)")
      if let response = await self.media.response(served, request: request, context: context, logMissing: false) { return response }
      // Not made when the archive was (or removed since): made now, once however many ask.
      do {
        try await self.pressKitBuilds.make(archive, in: self.media.directory)
      } catch {
        self.logger.error("the press kit's ZIP could not be made", metadata: ["release": "\(slug)", "error": "\(error)"])
        return self.notFound()
      }
      return await self.media.response(served, request: request, context: context) ?? self.notFound()
    }
  }
}
