import Foundation
import HeraldCore
import HTTPTypes
import Hummingbird
import NIOCore

extension WebServer {
  /// The archive: the index, a page per release, the Atom feed, and the stylesheet, at the
  /// addresses `PublicRoute` defines. All are rendered already; a request only looks one up.
  func addArchiveRoutes(to router: Router<WebContext>) {
    let stylesheet = StaticPage(String(decoding: pages.stylesheet, as: UTF8.self), contentType: "text/css; charset=utf-8")
    router.get(RouterPath(.home)) { request, _ in
      // In the visitor's language where releases are in it: caches must keep one per language.
      var response = self.serve(self.archive.index(acceptLanguage: request.headers[.acceptLanguage]), request: request)
      response.headers[.vary] = "Accept-Language"
      return response
    }
    router.get(RouterPath(.feed)) { request, _ in self.serve(self.archive.page(.feed), request: request) }
    router.get(RouterPath(.release)) { request, context in
      let slug = context.parameters.value(of: .release) ?? ""
      return self.serve(self.archive.page(.release(slug: slug)), request: request)
    }
    router.get(RouterPath(.translation)) { request, context in
      let slug = context.parameters.get("slug") ?? ""
      let language = context.parameters.get("language") ?? ""
      return self.serve(self.archive.page(.translation(slug: slug, language: language)), request: request)
    }
    router.get(RouterPath(.languageFeed)) { request, context in
      let language = context.parameters.value(of: .languageFeed) ?? ""
      return self.serve(self.archive.page(.languageFeed(language: language)), request: request)
    }
    router.get(RouterPath(.stylesheet)) { request, _ in self.serve(stylesheet, request: request, robots: false) }
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
