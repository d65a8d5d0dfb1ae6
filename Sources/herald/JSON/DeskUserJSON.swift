import Foundation
import HeraldCore
import HeraldStore

// What herald users prints with --json.

/// A desk user, for `herald users list --json` and `users add --json` (never a password hash).
struct DeskUserJSON: Encodable {
  var id: DeskUserID
  var name: String
  var email: String
  var role: DeskRole
  var disabled: Bool
  var mustChangePassword: Bool
  var twoStep: Bool
  var createdAt: Date
  var passwordChangedAt: Date

  enum CodingKeys: String, CodingKey {
    case id, name, email, role, disabled
    case mustChangePassword = "must_change_password"
    case twoStep = "two_step"
    case createdAt = "created_at"
    case passwordChangedAt = "password_changed_at"
  }

  init(_ user: DeskUser) {
    id = user.id
    name = user.name
    email = user.email
    role = user.role
    disabled = user.disabled
    mustChangePassword = user.mustChangePassword
    twoStep = user.twoStep
    createdAt = user.createdAt
    passwordChangedAt = user.passwordChangedAt
  }
}

/// What `herald users add --json` and `users passwd --json` print: the user, and the
/// one-time password when Herald made one up (null when it was read from standard input).
struct DeskPasswordJSON: Encodable {
  var user: DeskUserJSON
  @Nullable var oneTimePassword: String?

  enum CodingKeys: String, CodingKey {
    case user
    case oneTimePassword = "one_time_password"
  }
}
