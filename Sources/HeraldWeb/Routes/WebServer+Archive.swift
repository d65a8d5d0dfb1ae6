import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension WebServer {
  /// The archive: the index at /, a page per release at /releases/SLUG, the Atom feed at
  /// /feed.atom, and the stylesheet. All are rendered already; a request only looks one up.
  func addArchiveRoutes(to router: Router<WebContext>) {
    let stylesheet = StaticPage(String(decoding: pages.stylesheet, as: UTF8.self), contentType: "text/css; charset=utf-8")
    router.get("/") { request, _ in self.serve(self.archive.page("/"), request: request) }
    router.get("/feed.atom") { request, _ in self.serve(self.archive.page("/feed.atom"), request: request) }
    router.get("/releases/:slug") { request, context in
      let slug = context.parameters.get("slug") ?? ""
      return self.serve(self.archive.page("/releases/\(slug)"), request: request)
    }
    router.get("/style.css") { request, _ in self.serve(stylesheet, request: request, robots: false) }
  }

  /// A rendered page, or 304 when the client has it already, or the 404 page.
  func serve(_ page: StaticPage?, request: Request, robots: Bool = true) -> Response {
    guard let page else { return notFound() }
    var headers: HTTPFields = [.contentType: page.contentType, .eTag: page.etag, .cacheControl: "public, max-age=60"]
    if robots, let tag = settings.robots { headers[HTTPField.Name("X-Robots-Tag")!] = tag }
    if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == page.etag }) {
      return Response(status: .notModified, headers: headers)
    }
    headers[.contentLength] = String(page.body.readableBytes)
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
  }
}
