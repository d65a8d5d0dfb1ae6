import Foundation
import HeraldMail
import HummingbirdOTP

/// Time-based one-time codes (RFC 6238, as authenticator apps make them): six digits from
/// HMAC-SHA1 of a shared secret and the 30-second step of the time.
///
/// The secret is 20 characters from an alphabet without look-alikes (about 114 bits); the
/// app is given their bytes in base32, as RFC 6238's apps expect (`otpauth://totp/…`).
package struct AuthenticatorCode: Sendable {
  /// The shared secret (its UTF-8 bytes are the HMAC key).
  package let secret: String
  /// The length of a time step (RFC 6238's default, which every app uses).
  package static let stepSeconds = 30
  /// Steps either side of now whose codes are accepted: a phone's clock may be a little off,
  /// and typing takes time.
  package static let tolerance: Int64 = 1

  /// The code maker of a secret.
  package init(secret: String) {
    self.secret = secret
  }

  /// A new random secret.
  package static func newSecret() -> String {
    let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
  }

  /// The time step of an instant.
  package static func step(at date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 / Double(stepSeconds)).rounded(.down))
  }

  /// The code of a time step, as the app shows it (six digits, leading zeros kept).
  package func code(step: Int64, digits: Int = 6) -> String {
    let value = TOTP(secret: secret, length: digits, timeStep: Self.stepSeconds)
      .compute(date: Date(timeIntervalSince1970: Double(step) * Double(Self.stepSeconds)))
    let text = String(value)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  /// The step whose code `typed` is, among the steps around `date`; nil when it is none of
  /// them. Spaces and dashes people type between the digits are ignored.
  package func matchingStep(_ typed: String, at date: Date) -> Int64? {
    let digits = typed.filter { $0 != " " && $0 != "-" && $0 != "\u{00A0}" }
    guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    let now = Self.step(at: date)
    // Every candidate is computed and compared, so the time taken does not say which was close.
    var found: Int64?
    for step in (now - Self.tolerance)...(now + Self.tolerance) where Self.equal(code(step: step), digits) {
      found = found ?? step
    }
    return found
  }

  /// The secret as the app takes it typed in: base32 of its bytes, in groups of four.
  package var typedKey: String {
    let key = Self.base32(Array(secret.utf8))
    return stride(from: 0, to: key.count, by: 4).map { start in
      let from = key.index(key.startIndex, offsetBy: start)
      return String(key[from..<key.index(from, offsetBy: min(4, key.count - start))])
    }.joined(separator: " ")
  }

  /// The `otpauth://` address an app takes from a QR code or a link.
  /// - Parameters:
  ///   - account: whose it is (their address).
  ///   - issuer: the organisation, shown in the app.
  package func authenticatorURL(account: String, issuer: String) -> String {
    let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "@.-_"))) ?? account
    let issuerQuery = issuer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    return "otpauth://totp/\(label)?secret=\(Self.base32(Array(secret.utf8)))&issuer=\(issuerQuery)"
  }

  /// RFC 4648 base32 in capitals, without padding (as authenticator apps take it).
  static func base32(_ bytes: [UInt8]) -> String {
    Base32.encode(bytes).uppercased()
  }

  private static func equal(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
  }
}
