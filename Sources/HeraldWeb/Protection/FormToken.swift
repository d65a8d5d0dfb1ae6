import Foundation
import HeraldMail

/// A session-less token for an HTML form, against cross-site request forgery and bots.
///
/// The page carries a token signed with the workspace secret (purpose `.form`, so it never
/// passes as a link's token) over the form's name and the
/// second it was issued. A submission passes when the token is genuine, was issued for the
/// same form, and is neither younger than `minimumAge` (bots fill forms instantly) nor older
/// than `maximumAge`.
///
/// The token is not single-use: within its lifetime it can be replayed, which the rate
/// limiter bounds. It binds nothing about the client, so it stops forgery only together
/// with ``CrossSiteCheck`` (another site cannot read our page to copy the token).
package struct FormToken: Sendable {
  /// Longer than any token we issue for a sensible form name; spares the MAC on junk.
  static let maximumLength = 1024

  private let signer: LinkSigner
  private let minimumAge: TimeInterval
  private let maximumAge: TimeInterval

  /// Makes tokens signed with `signer`.
  /// - Parameters:
  ///   - signer: The workspace's signer.
  ///   - minimumAge: Seconds a person needs at least to fill in the form.
  ///   - maximumAge: Seconds after which a page must be loaded again.
  package init(signer: LinkSigner, minimumAge: TimeInterval = 2, maximumAge: TimeInterval = 2 * 3600) {
    precondition(minimumAge >= 0 && maximumAge > minimumAge, "a form token needs 0 ≤ minimumAge < maximumAge")
    self.signer = signer
    self.minimumAge = minimumAge
    self.maximumAge = maximumAge
  }

  /// A token for the form named `form` ("subscribe", "contact"), to put in a hidden field.
  package func issue(form: String, at date: Date) -> String {
    signer.token(.form, fields: [form, String(Self.second(of: date))])
  }

  /// Why the submitted `token` does not pass for `form` at `date`, or nil when it passes.
  ///
  /// Tokens are stamped with whole seconds (the second they were issued in), so the age
  /// compared with `minimumAge` and `maximumAge` counts from the start of that second: a
  /// token issued at 10.9 s is 2 s old at 12.0 s.
  ///
  /// A token stamped later than `date` (the clock stepped back, or another server's clock
  /// is ahead) is ``FormTokenProblem/expired``: it is genuine, so not forged, but its age is
  /// unknown, and reloading the page issues one on the current clock, which is what the
  /// person has to do.
  package func check(_ token: String?, form: String, at date: Date) -> FormTokenProblem? {
    guard let token, !token.isEmpty else { return .missing }
    guard token.utf8.count <= Self.maximumLength, let fields = try? signer.verify(token, purpose: .form),
      let stamp = fields.last, let issued = Int(stamp), String(issued) == stamp
    else { return .forged }
    // A form name holding the field separator comes back split; join it again to compare.
    guard fields.dropLast().joined(separator: "\u{1F}") == form else { return .otherForm }
    let now = Self.second(of: date)
    if issued > now { return .expired }
    let age = date.timeIntervalSince1970 - Double(issued)
    if age < minimumAge { return .tooFast }
    if age > maximumAge { return .expired }
    return nil
  }

  private static func second(of date: Date) -> Int {
    Int(date.timeIntervalSince1970.rounded(.down))
  }
}

/// Why a form's token does not pass ``FormToken/check(_:form:at:)``.
package enum FormTokenProblem: Sendable, Equatable {
  /// The submission has no token (or an empty one): not sent from our page.
  case missing
  /// The token was not issued by this server or has been altered.
  case forged
  /// The token was issued for another form.
  case otherForm
  /// The form came back sooner than a person can fill it in.
  case tooFast
  /// The page is too old (or from a clock ahead of ours); it must be loaded again.
  case expired

  /// What the person who sent the form should do, for the page that refuses it.
  var message: String {
    switch self {
    case .missing, .forged, .otherForm:
      "This form did not come from this site's page, or was changed on the way. Open the page again and send the form from there."
    case .tooFast:
      "The form was sent too quickly after the page opened. Wait a few seconds and send it again."
    case .expired:
      "The page has been open too long. Reload it and send the form again."
    }
  }
}
