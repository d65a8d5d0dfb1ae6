import Foundation
import HeraldCore
import HeraldStore
import HTTPTypes
import Hummingbird

extension WebServer {
  /// The List-Unsubscribe address (`PublicRoute.unsubscribe`).
  ///
  /// - POST with `List-Unsubscribe=One-Click` (RFC 8058, what Gmail and Yahoo send):
  ///   unsubscribes from the token's list at once and answers 200. It carries no cookies and
  ///   no context, so it is exempt from the cross-site checks and the rate limit: the signed
  ///   token is the authority, and doing it twice changes nothing.
  /// - GET never changes anything (mail scanners open every link): it shows a page whose
  ///   button POSTs, for this list or every list.
  /// - A forged, altered or malformed token, or one whose subscriber was forgotten, gets the
  ///   404 page, like an unknown address.
  ///
  /// Both take the unsubscribe durably in the store's journal (`Mailroom.takeUnsubscribe`)
  /// before answering; the store records it as soon as it can be written, so a store that
  /// another process holds neither delays the answer nor loses the unsubscribe.
  func addUnsubscribeRoutes(to router: Router<WebContext>) {
    router.get(RouterPath(.unsubscribe)) { _, context in
      guard let token = context.parameters.value(of: .unsubscribe), let (subscriber, list) = self.mailroom.unsubscribeLink(token) else {
        return self.notFound()
      }
      // A forgotten subscriber's link works for nobody (ids are never given again).
      guard let (person, _) = try await self.mailroom.subscriber(subscriber) else { return self.notFound() }
      return self.page("unsubscribe", [
        "email": person.email, "action": PublicPage.unsubscribe(token: token).path, "token": token,
        "list": ["name": list, "title": await self.listTitle(list)],
        "form_token": self.formToken.issue(form: "unsubscribe", at: self.mailroom.clock.now),
      ])
    }
    router.post(RouterPath(.unsubscribe)) { request, context in
      guard let token = context.parameters.value(of: .unsubscribe), let (subscriber, list) = self.mailroom.unsubscribeLink(token) else {
        return self.notFound()
      }
      let form: FormBody
      switch await self.readForm(request) {
      case .success(let body): form = body
      case .failure(let refusal): return refusal.response
      }
      guard let (person, _) = try await self.mailroom.subscriber(subscriber) else { return self.notFound() }
      if form["List-Unsubscribe"] == "One-Click" {
        // Durable before the answer, whether or not the store can be written now.
        try await self.mailroom.takeUnsubscribe(
          subscriber, list: list, source: ConsentSource(.unsubscribeLink, detail: "one-click, \(self.evidence(request, context))"))
        return Response(
          status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
          body: .init(byteBuffer: .init(string: "Unsubscribed.\n")))
      }
      // The page's button: a form of this site, within the rate, with its token.
      if let refusal = self.refusal(request, context) { return refusal }
      if let problem = self.formToken.check(form["form_token"], form: "unsubscribe", at: self.mailroom.clock.now) {
        return self.problem(.badRequest, heading: "Please try again", message: problem.message + " (Open the link in the email again.)")
      }
      if self.isBot(form) { return self.page("unsubscribed", ["email": person.email, "what": "this list"]) }
      let everything = form["scope"] == "all"
      let source = ConsentSource(.unsubscribeLink, detail: "page, \(self.evidence(request, context))")
      try await self.mailroom.takeUnsubscribe(subscriber, list: everything ? nil : list, source: source)
      return self.page("unsubscribed", [
        "email": person.email,
        "what": everything ? "any list of \(self.site["organization"] as? String ?? "ours")" : "“\(await self.listTitle(list))”",
      ])
    }
  }
}
