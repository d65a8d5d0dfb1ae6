import Foundation
import HeraldCampaign
import HeraldCore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// The sign-in page and its form, and signing out.
  ///
  /// A wrong password, an unknown address and a disabled account get the same page, after
  /// the same work (`DeskAccounts.signIn` hashes a dummy); too many failures for the account
  /// or from the address get 429 with Retry-After, without a thread waiting.
  func addSignInRoutes(to router: Router<DeskContext>) {
    router.get("/sign-in") { request, _ in
      if let token = self.cookie.token(in: request.headers), let signedIn = try await BlockingWork.run({ try self.accounts.session(token: token) }) {
        return self.redirect(signedIn.session.awaitingCode ? DeskPage.signInCode.path : DeskPage.releases.path)
      }
      return self.page("sign-in", [:], for: nil)
    }
    router.post("/sign-in") { request, context in
      // No session yet, so no form token: the cross-site check and SameSite=Strict keep
      // another site from signing a browser in to an account of its choosing.
      guard self.isSameSite(request) else { return self.forbidden(nil, message: self.strings["desk_form_expired"]) }
      let form = try await self.readForm(request)
      let email = self.field(form, "email")
      let password = form["password"] ?? ""
      let client = self.client(request, context)
      let agent = request.headers[.userAgent] ?? ""
      let outcome = try await BlockingWork.run {
        try self.accounts.signIn(email: email, password: password, client: client, userAgent: agent)
      }
      switch outcome {
      case .signedIn(let token, _, let user):
        context.audit.signedIn(user)
        let next = self.accountTask(user) ?? .releases
        return self.redirect(next.path, headers: [.setCookie: self.cookie.setting(token)])
      case .codeNeeded(let token, _, let user):
        context.audit.signedIn(user)
        context.audit.detail("the password was right; the code is still to come")
        return self.redirect(DeskPage.signInCode.path, headers: [.setCookie: self.cookie.setting(token)])
      case .refused:
        // What was typed is not recorded: the address field sometimes holds a password.
        context.audit.detail("wrong address or password, or a disabled account")
        return self.page("sign-in", ["email": email, "problem": self.strings["desk_wrong"] ?? ""], for: nil, status: .unauthorized)
      case .throttled(let seconds):
        context.audit.detail("too many failed sign-ins: wait \(seconds) s")
        var response = self.page(
          "sign-in",
          ["email": email, "problem": (self.strings["desk_throttled"] ?? "").replacingOccurrences(of: "{seconds}", with: "\(seconds)")],
          for: nil, status: .tooManyRequests)
        response.headers[.retryAfter] = "\(seconds)"
        return response
      }
    }
    router.post("/sign-out") { request, context in
      let (signedIn, _) = try await self.requireForm(.viewer, request, context, changingPassword: true, awaitingCode: true)
      try await BlockingWork.run { try self.accounts.store.revokeDeskSession(signedIn.session.id) }
      return self.redirect("/sign-in", headers: [.setCookie: self.cookie.clearing])
    }
  }
}
