import HeraldMail
import Testing

struct LinkSignerTests {
  static let secret: [UInt8] = Array(0..<32)
  static let signer = LinkSigner(secret: secret)

  @Test(arguments: [
    ["editor@example.org", "spring-news"],
    ["редактор@пример.рф", "список"],
    ["", ""],
    ["only-one"],
  ])
  func tokenVerifiesAndGivesBackTheFields(_ fields: [String]) throws {
    let token = Self.signer.token(.unsubscribe, fields: fields)
    #expect(try Self.signer.verify(token, purpose: .unsubscribe) == fields)
    #expect(token.utf8.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".utf8.contains($0) })
  }

  @Test func tokensForDifferentFieldsDiffer() {
    let first = Self.signer.token(.unsubscribe, fields: ["a@example.org", "news"])
    let second = Self.signer.token(.unsubscribe, fields: ["b@example.org", "news"])
    #expect(first != second)
    #expect(first == Self.signer.token(.unsubscribe, fields: ["a@example.org", "news"]))
  }

  @Test func everySingleCharacterAlterationIsRejected() {
    let token = Self.signer.token(.unsubscribe, fields: ["editor@example.org", "spring-news"])
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    var characters = Array(token)
    for index in characters.indices where characters[index] != "." {
      let original = characters[index]
      for replacement in alphabet where replacement != original {
        characters[index] = replacement
        let altered = String(characters)
        let error = #expect(throws: MailError.self, "\(altered) at \(index)") {
          try Self.signer.verify(altered, purpose: .unsubscribe)
        }
        #expect(error?.code == .invalidToken)
      }
      characters[index] = original
    }
  }

  @Test func payloadNamingSomeoneElseIsRejected() throws {
    let token = Self.signer.token(.unsubscribe, fields: ["editor@example.org", "news"])
    let mac = try #require(token.split(separator: ".").last)
    let forged = Base64.encodeURLSafe(Array("victim@example.org\u{1F}news".utf8)) + "." + mac
    let error = #expect(throws: MailError.self) { try Self.signer.verify(forged, purpose: .unsubscribe) }
    #expect(error?.code == .invalidToken)
  }

  @Test func tokenForAnotherPurposeIsRejected() {
    let token = Self.signer.token(.confirmation, fields: ["editor@example.org"])
    let error = #expect(throws: MailError.self) { try Self.signer.verify(token, purpose: .unsubscribe) }
    #expect(error?.code == .invalidToken)
  }

  @Test func tokenFromAnotherSecretIsRejected() {
    let other = LinkSigner(secret: Array(repeating: 7, count: 32))
    let token = other.token(.unsubscribe, fields: ["editor@example.org"])
    let error = #expect(throws: MailError.self) { try Self.signer.verify(token, purpose: .unsubscribe) }
    #expect(error?.code == .invalidToken)
  }

  @Test(arguments: ["", ".", "abc", "a.b.c", "!!!.???", "Zm9v.", ".Zm9v", "Zm9v.Zm9v"])
  func malformedTokensAreRejectedWithAMessage(_ token: String) {
    let error = #expect(throws: MailError.self) { try Self.signer.verify(token, purpose: .unsubscribe) }
    #expect(error?.code == .invalidToken)
    #expect(error?.message.isEmpty == false)
  }

  @Test func truncatedMacIsRejected() throws {
    let token = Self.signer.token(.unsubscribe, fields: ["editor@example.org"])
    let error = #expect(throws: MailError.self) { try Self.signer.verify(String(token.dropLast(3)), purpose: .unsubscribe) }
    #expect(error?.code == .invalidToken)
  }

  @Test func recipientKeyIsStableCaseInsensitiveAnd16Base32Characters() {
    let key = Self.signer.recipientKey(for: "Editor@Example.org")
    #expect(key.count == 16)
    #expect(key.utf8.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".utf8.contains($0) })
    #expect(LinkSigner(secret: Self.secret).recipientKey(for: "Editor@Example.org") == key)
    #expect(Self.signer.recipientKey(for: "editor@example.org") == key)
    #expect(Self.signer.recipientKey(for: "EDITOR@EXAMPLE.ORG") == key)
    #expect(Self.signer.recipientKey(for: "other@example.org") != key)
    #expect(LinkSigner(secret: Array(repeating: 7, count: 32)).recipientKey(for: "editor@example.org") != key)
    #expect(!key.contains("editor"))
  }
}
