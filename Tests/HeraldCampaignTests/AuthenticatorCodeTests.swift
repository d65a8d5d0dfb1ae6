import Foundation
import HeraldCampaign
import Testing

struct AuthenticatorCodeTests {
  /// RFC 6238 Appendix B: the SHA-1 test vectors (secret "12345678901234567890", 8 digits).
  @Test(arguments: [
    (59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
    (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
  ])
  func codesAreRFC6238s(time: Double, expected: String) {
    let code = AuthenticatorCode(secret: "12345678901234567890")
    #expect(code.code(step: AuthenticatorCode.step(at: Date(timeIntervalSince1970: time)), digits: 8) == expected)
  }

  @Test func theKeyToTypeIsBase32OfTheSecretInGroups() {
    let code = AuthenticatorCode(secret: "12345678901234567890")
    #expect(code.typedKey == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")
    let url = code.authenticatorURL(account: "claire@example.org", issuer: "Institute for Water")
    #expect(url == "otpauth://totp/Institute%20for%20Water%3Aclaire@example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Institute%20for%20Water")
  }

  @Test func theCodeOfNowAndOfOneStepEitherSideMatchesNothingElse() {
    let code = AuthenticatorCode(secret: AuthenticatorCode.newSecret())
    let now = Date(timeIntervalSince1970: 1_800_000_015)
    let step = AuthenticatorCode.step(at: now)
    #expect(code.matchingStep(code.code(step: step), at: now) == step)
    #expect(code.matchingStep(code.code(step: step - 1), at: now) == step - 1)
    #expect(code.matchingStep(code.code(step: step + 1), at: now) == step + 1)
    // Two steps away is too far (unless, one time in a million, it is the same six digits).
    let far = code.code(step: step - 2)
    if ![step - 1, step, step + 1].map({ code.code(step: $0) }).contains(far) {
      #expect(code.matchingStep(far, at: now) == nil)
    }
    // What people type between the digits is ignored; anything else is not a code.
    let current = code.code(step: step)
    #expect(code.matchingStep(current.prefix(3) + " " + current.dropFirst(3), at: now) == step)
    #expect(code.matchingStep("", at: now) == nil)
    #expect(code.matchingStep("12345", at: now) == nil)
    #expect(code.matchingStep("１２３４５６", at: now) == nil)
  }

  @Test func newSecretsAreTwentyCharactersAndDiffer() {
    let secrets = (0..<50).map { _ in AuthenticatorCode.newSecret() }
    #expect(Set(secrets).count == 50)
    #expect(secrets.allSatisfy { $0.count == 20 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
  }
}
