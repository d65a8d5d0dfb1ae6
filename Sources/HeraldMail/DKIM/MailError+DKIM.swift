extension MailError.Code {
  // MailError.swift has no code for keys yet and its codes can only be made there. Until it
  // gains a public `invalidKey` (then delete this), key problems share `.invalidToken`, the
  // nearest kind: secret material that is malformed or unusable.
  /// A DKIM private key that cannot be read or used.
  static var invalidKey: Self { .invalidToken }
}
