import Foundation
import HeraldCampaign
import HeraldCore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// One's own account: who one is, and changing one's password (which ends one's other
  /// sessions). A one-time password must be changed here before anything else.
  func addAccountRoutes(to router: Router<DeskContext>) {
    router.get("/account") { request, _ in
      let signedIn = try await self.require(.viewer, request, changingPassword: true)
      return self.page("account", ["must_change": signedIn.user.mustChangePassword], for: signedIn)
    }
    router.post("/account/password") { request, context in
      let (signedIn, form) = try await self.requireForm(.viewer, request, context, changingPassword: true)
      let current = form["current"] ?? ""
      let new = form["new"] ?? ""
      do {
        try await BlockingWork.run { try self.accounts.changePassword(signedIn, current: current, new: new) }
      } catch let error as DeskAccountError where error.code == .wrongPassword || error.code == .weakPassword {
        let field = error.code == .wrongPassword ? "current" : "new"
        return self.page(
          "account", ["must_change": signedIn.user.mustChangePassword, "errors": [field: Self.sentence(error.message)]], for: signedIn,
          status: .unprocessableContent)
      }
      var updated = signedIn
      updated.user.mustChangePassword = false
      return self.page("account", ["changed": true], for: updated)
    }
  }

  /// A library's message as a sentence on a page: capitalised, with a full stop.
  static func sentence(_ message: String) -> String {
    guard let first = message.first else { return message }
    return first.uppercased() + message.dropFirst() + (message.hasSuffix(".") ? "" : ".")
  }
}
