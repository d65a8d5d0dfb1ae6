import HeraldCore

/// A desk account action that cannot be done: an unknown user or role, an address taken, a
/// password too weak, a wrong current password.
package struct DeskAccountError: HeraldError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case unknownUser, unknownRole, invalidInput, duplicateEmail, weakPassword, wrongPassword, wrongCode, twoStepRequired }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// No desk user has the address.
    package static var unknownUser: Self { Self(.unknownUser) }
    /// A role that is not viewer, editor, sender or admin.
    package static var unknownRole: Self { Self(.unknownRole) }
    /// A name or address that cannot be used.
    package static var invalidInput: Self { Self(.invalidInput) }
    /// Another desk user has the address.
    package static var duplicateEmail: Self { Self(.duplicateEmail) }
    /// A password that is too short or too easy to guess.
    package static var weakPassword: Self { Self(.weakPassword) }
    /// The current password given to change it is not the user's.
    package static var wrongPassword: Self { Self(.wrongPassword) }
    /// An authenticator code that is not the current one (or was used already).
    package static var wrongCode: Self { Self(.wrongCode) }
    /// Two-step sign-in cannot be turned off: herald.yml's `desk.two_step` requires it for the role.
    package static var twoStepRequired: Self { Self(.twoStepRequired) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// What failed, with which value, and what to do.
  package var message: String
  package var underlying: (any Error & Sendable)?

  /// Makes an error.
  package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }
}
