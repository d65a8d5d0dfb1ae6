import Foundation
import HeraldMail
import Testing

@testable import HeraldWeb

struct FormTokenTests {
  static let signer = LinkSigner(secret: Array(0..<32))
  static let tokens = FormToken(signer: signer)
  static let issued = Date(timeIntervalSince1970: 1_750_000_000)

  @Test(arguments: [2.0, 60, 7200] as [TimeInterval])
  func tokenPassesForItsFormBetweenTheMinimumAndMaximumAge(_ age: TimeInterval) {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + age) == nil)
  }

  @Test func missingOrEmptyTokenIsMissing() {
    #expect(Self.tokens.check(nil, form: "subscribe", at: Self.issued) == .missing)
    #expect(Self.tokens.check("", form: "subscribe", at: Self.issued) == .missing)
  }

  @Test func tokenForAnotherFormIsRefused() {
    let token = Self.tokens.issue(form: "contact", at: Self.issued)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 60) == .otherForm)
    #expect(Self.tokens.check(token, form: "contact", at: Self.issued + 60) == nil)
  }

  @Test func formNameThatIsAPrefixOrHoldsTheSeparatorIsStillAnotherForm() {
    let token = Self.tokens.issue(form: "sub\u{1F}scribe", at: Self.issued)
    #expect(Self.tokens.check(token, form: "sub\u{1F}scribe", at: Self.issued + 60) == nil)
    #expect(Self.tokens.check(token, form: "sub", at: Self.issued + 60) == .otherForm)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 60) == .otherForm)
  }

  @Test(arguments: [0.0, 0.5, 1.999] as [TimeInterval])
  func tokenSentBackTooSoonIsTooFast(_ age: TimeInterval) {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + age) == .tooFast)
  }

  @Test func ageCountsFromTheStartOfTheSecondTheTokenWasIssuedIn() {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued + 0.9)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 1.9) == .tooFast)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 2.0) == nil)
  }

  @Test func tokenOlderThanTheMaximumAgeIsExpired() {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 2 * 3600 + 1) == .expired)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 30 * 86400) == .expired)
  }

  @Test func customAgesApply() {
    let tokens = FormToken(signer: Self.signer, minimumAge: 5, maximumAge: 10)
    let token = tokens.issue(form: "contact", at: Self.issued)
    #expect(tokens.check(token, form: "contact", at: Self.issued + 4) == .tooFast)
    #expect(tokens.check(token, form: "contact", at: Self.issued + 5) == nil)
    #expect(tokens.check(token, form: "contact", at: Self.issued + 10) == nil)
    #expect(tokens.check(token, form: "contact", at: Self.issued + 11) == .expired)
  }

  @Test(arguments: [1.0, 3600, 86400] as [TimeInterval])
  func tokenFromTheFutureIsExpired(_ ahead: TimeInterval) {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued + ahead)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued) == .expired)
  }

  @Test func tokenFromAnotherSecretIsForged() {
    let other = FormToken(signer: LinkSigner(secret: Array(repeating: 9, count: 32)))
    let token = other.issue(form: "subscribe", at: Self.issued)
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 60) == .forged)
  }

  @Test func linkTokenWithTheSameFieldsIsForged() {
    let token = Self.signer.token(.unsubscribe, fields: ["subscribe", String(Int(Self.issued.timeIntervalSince1970))])
    #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 60) == .forged)
  }

  @Test func genuineTokenWithoutATimeIsForged() {
    for fields in [["subscribe"], ["subscribe", "soon"], ["subscribe", "+1750000000"], ["subscribe", ""]] {
      let token = Self.signer.token(.form, fields: fields)
      #expect(Self.tokens.check(token, form: "subscribe", at: Self.issued + 60) == .forged, "\(fields)")
    }
  }

  @Test func everyAlteredByteIsForged() {
    let token = Array(Self.tokens.issue(form: "subscribe", at: Self.issued).utf8)
    var altered = 0
    for index in token.indices {
      for replacement in [UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "0"), UInt8(ascii: "-"), UInt8(ascii: "."), 0xFF]
      where replacement != token[index] {
        var bytes = token
        bytes[index] = replacement
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Self.tokens.check(text, form: "subscribe", at: Self.issued + 60) == .forged, "\(text)")
        altered += 1
      }
    }
    #expect(altered > token.count * 4)
  }

  @Test func truncatedOrExtendedTokenIsForged() {
    let token = Self.tokens.issue(form: "subscribe", at: Self.issued)
    for length in 1..<token.count {
      #expect(Self.tokens.check(String(token.prefix(length)), form: "subscribe", at: Self.issued + 60) == .forged)
    }
    #expect(Self.tokens.check(token + "A", form: "subscribe", at: Self.issued + 60) == .forged)
    #expect(Self.tokens.check(" " + token, form: "subscribe", at: Self.issued + 60) == .forged)
    #expect(Self.tokens.check(String(repeating: "A", count: 100_000), form: "subscribe", at: Self.issued + 60) == .forged)
  }

  @Test func everyProblemHasAMessage() {
    for problem in [FormTokenProblem.missing, .forged, .otherForm, .tooFast, .expired] {
      #expect(problem.message.count > 20)
    }
    #expect(FormTokenProblem.tooFast.message != FormTokenProblem.expired.message)
  }
}
