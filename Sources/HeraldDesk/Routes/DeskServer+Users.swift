import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HTTPTypes
import Hummingbird

extension DeskServer {
  /// The users page, for administrators: add a user (with a one-time password shown once),
  /// change a role, disable a user. The same library calls as `herald users`.
  func addUserRoutes(to router: Router<DeskContext>) {
    router.get("/users") { request, _ in
      let signedIn = try await self.require(.admin, request)
      return try await self.usersPage(signedIn)
    }
    router.post("/users/add") { request, context in
      let (signedIn, form) = try await self.requireForm(.admin, request, context)
      let name = self.field(form, "name")
      let email = self.field(form, "email")
      let values = ["name": name, "email": email]
      guard let role = DeskRole(named: self.field(form, "role")) else {
        return try await self.usersPage(signedIn, values: ["form": values, "problem": "Choose a role: \(DeskRole.names)."], status: .unprocessableContent)
      }
      do {
        let (user, password) = try await BlockingWork.run { try self.accounts.add(name: name, email: email, role: role, password: nil) }
        context.audit.target("user \(user.id.rawValue)")
        context.audit.detail("\(user.name), \(role.rawValue)")
        var added = self.userValues(user)
        added["password"] = password
        return try await self.usersPage(signedIn, values: ["added": added])
      } catch let error as DeskAccountError where error.code == .invalidInput || error.code == .duplicateEmail {
        let field = error.code == .duplicateEmail || error.message.hasPrefix("the address") ? "email" : "name"
        return try await self.usersPage(
          signedIn, values: ["form": values, "errors": [field: Self.sentence(error.message)], "new_role": role.rawValue],
          status: .unprocessableContent)
      }
    }
    router.post("/users/role") { request, context in
      let (signedIn, form) = try await self.requireForm(.admin, request, context)
      let email = self.field(form, "email")
      context.audit.target("user \(DeskUser.key(email))")
      guard let role = DeskRole(named: self.field(form, "role")) else {
        return try await self.usersPage(signedIn, values: ["problem": "Choose a role: \(DeskRole.names)."], status: .unprocessableContent)
      }
      // An administrator who lowered their own role could leave the desk without one.
      guard DeskUser.key(email) != DeskUser.key(signedIn.user.email) else {
        return try await self.usersPage(
          signedIn, values: ["problem": "You cannot change your own role; ask another administrator (or use herald users role)."],
          status: .unprocessableContent)
      }
      do {
        _ = try await BlockingWork.run { try self.accounts.setRole(email: email, role) }
        context.audit.detail("role \(role.rawValue)")
      } catch let error as DeskAccountError {
        return try await self.usersPage(signedIn, values: ["problem": Self.sentence(error.message)], status: .unprocessableContent)
      }
      return self.redirect("/users")
    }
    router.post("/users/disable") { request, context in
      let (signedIn, form) = try await self.requireForm(.admin, request, context)
      let email = self.field(form, "email")
      context.audit.target("user \(DeskUser.key(email))")
      // An administrator who disabled themselves could lock the desk out of its users.
      guard DeskUser.key(email) != DeskUser.key(signedIn.user.email) else {
        return try await self.usersPage(signedIn, values: ["problem": "You cannot disable your own account; ask another administrator."], status: .unprocessableContent)
      }
      do {
        _ = try await BlockingWork.run { try self.accounts.disable(email: email) }
      } catch let error as DeskAccountError {
        return try await self.usersPage(signedIn, values: ["problem": Self.sentence(error.message)], status: .unprocessableContent)
      }
      return self.redirect("/users")
    }
  }

  func usersPage(_ signedIn: DeskSignedIn, values: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
    let users = try await BlockingWork.run { try self.accounts.users() }
    let newRole = values["new_role"] as? String ?? DeskRole.viewer.rawValue
    var context = values
    context["users"] = users.map { user -> [String: Any] in
      var entry = self.userValues(user)
      entry["is_self"] = user.id == signedIn.user.id
      entry["roles"] = self.roleOptions(selected: user.role.rawValue)
      return entry
    }
    context["new_roles"] = roleOptions(selected: newRole)
    return page("users", context, for: signedIn, status: status)
  }

  func roleOptions(selected: String) -> [[String: Any]] {
    DeskRole.allCases.map { ["value": $0.rawValue, "label": roleName($0), "selected": $0.rawValue == selected] }
  }
}
