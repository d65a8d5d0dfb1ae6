import Foundation
import HeraldCampaign
import HeraldCore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// Two-step sign-in: the code page after the password, and setting it up or turning it off
  /// from one's account. herald.yml's `desk.two_step` makes it required for a role: such a
  /// user is sent to set it up before anything else.
  func addTwoStepRoutes(to router: Router<DeskContext>) {
    router.get(RouterPath(DeskRoute.signInCode.pattern)) { request, _ in
      let waiting = try await self.require(.viewer, request, changingPassword: true, awaitingCode: true)
      guard waiting.session.awaitingCode else { return self.redirect(DeskPage.releases.path) }
      return self.page("sign-in-code", [:], for: nil, csrf: waiting.session.formToken)
    }
    router.post(RouterPath(DeskRoute.signInCode.pattern)) { request, context in
      let (waiting, form) = try await self.requireForm(.viewer, request, context, changingPassword: true, awaitingCode: true)
      guard waiting.session.awaitingCode else { return self.redirect(DeskPage.releases.path) }
      let code = self.field(form, "code")
      let client = self.client(request, context)
      let agent = request.headers[.userAgent] ?? ""
      let outcome = try await BlockingWork.run { try self.accounts.confirmCode(waiting, code: code, client: client, userAgent: agent) }
      switch outcome {
      case .signedIn(let token, _, let user):
        let next = self.accountTask(user) ?? .releases
        return self.redirect(next.path, headers: [.setCookie: self.cookie.setting(token)])
      case .refused:
        return self.page(
          "sign-in-code", ["problem": self.strings["desk_code_wrong"] ?? ""], for: nil, csrf: waiting.session.formToken, status: .unauthorized)
      case .throttled(let seconds):
        var response = self.page(
          "sign-in-code", ["problem": (self.strings["desk_throttled"] ?? "").replacingOccurrences(of: "{seconds}", with: "\(seconds)")],
          for: nil, csrf: waiting.session.formToken, status: .tooManyRequests)
        response.headers[.retryAfter] = "\(seconds)"
        return response
      }
    }
    router.get(RouterPath(DeskRoute.twoStep.pattern)) { request, _ in
      let signedIn = try await self.require(.viewer, request, changingPassword: true)
      guard !signedIn.user.mustChangePassword else { return self.redirect(DeskPage.account.path) }
      return try await self.twoStepPage(signedIn, secret: signedIn.user.twoStep ? nil : AuthenticatorCode.newSecret())
    }
    router.post(RouterPath(DeskRoute.twoStep.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.viewer, request, context, changingPassword: true)
      guard !signedIn.user.mustChangePassword else { return self.redirect(DeskPage.account.path) }
      let secret = self.field(form, "secret")
      let code = self.field(form, "code")
      do {
        try await BlockingWork.run { try self.accounts.enableTwoStep(signedIn, secret: secret, code: code) }
      } catch let error as DeskAccountError where error.code == .wrongCode || error.code == .invalidInput {
        let again = error.code == .wrongCode ? secret : AuthenticatorCode.newSecret()
        return try await self.twoStepPage(signedIn, secret: again, problem: Self.sentence(error.message), status: .unprocessableContent)
      }
      var updated = signedIn
      updated.user.twoStep = true
      return try await self.twoStepPage(updated, secret: nil, values: ["turned_on": true])
    }
    router.post(RouterPath(DeskRoute.twoStepOff.pattern)) { request, context in
      let (signedIn, form) = try await self.requireForm(.viewer, request, context, changingPassword: true)
      let code = self.field(form, "code")
      do {
        try await BlockingWork.run { try self.accounts.disableTwoStep(signedIn, code: code) }
      } catch let error as DeskAccountError where error.code == .wrongCode || error.code == .twoStepRequired {
        return try await self.twoStepPage(signedIn, secret: nil, problem: Self.sentence(error.message), status: .unprocessableContent)
      }
      var updated = signedIn
      updated.user.twoStep = false
      return try await self.twoStepPage(updated, secret: AuthenticatorCode.newSecret(), values: ["turned_off": true])
    }
  }

  /// The two-step page: on (with the form to turn it off, unless required), or the set-up
  /// form for `secret` (its QR code, the key to type, the code field).
  func twoStepPage(
    _ signedIn: DeskSignedIn, secret: String?, problem: String? = nil, values: [String: Any] = [:], status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    var context = values
    context["on"] = signedIn.user.twoStep
    context["required"] = accounts.policy.requiresTwoStep(signedIn.user.role)
    if let problem { context["problem"] = problem }
    if let secret {
      let code = AuthenticatorCode(secret: secret)
      let link = code.authenticatorURL(account: signedIn.user.email, issuer: (site["organization"] as? String) ?? "Herald")
      let image = try await BlockingWork.run { QRCodeImage.svg(link) }
      context["setup"] = ["secret": secret, "key": code.typedKey, "link": link, "qr": image.map(QRCodeImage.dataURL) as Any]
    }
    return page("two-step", context, for: signedIn, status: status)
  }
}
