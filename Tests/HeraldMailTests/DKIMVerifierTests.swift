import Foundation
import HeraldTesting
import Testing

@testable import HeraldMail

/// The verifier is judged against dkimpy, an independent implementation, on the same bytes:
/// Herald's own signatures, the same messages tampered with, a wrong key, and signatures that
/// dkimpy made with the canonicalisations Herald does not sign with.
struct DKIMVerifierTests {
  static let record = "herald._domainkey.example.org"

  static func verifier(_ algorithm: DKIMKey.Algorithm) -> DKIMVerifier {
    DKIMVerifier(records: [record: DKIMSignerTests.key(algorithm).dnsRecord])
  }

  @Test(arguments: DKIMKey.Algorithm.allCases)
  func heraldsSignatureVerifiesAsDkimpySays(_ algorithm: DKIMKey.Algorithm) throws {
    let signed = try DKIMSignerTests.signer(algorithm).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let verdicts = try Self.verifier(algorithm).verify(signed)
    #expect(verdicts.count == 1)
    #expect(verdicts.first?.verified == true, "\(verdicts)")
    #expect(verdicts.first?.domain == "example.org")
    #expect(verdicts.first?.selector == "herald")
    #expect(verdicts.first?.algorithm == (algorithm == .rsa ? "rsa-sha256" : "ed25519-sha256"))
    let dkimpy = try DKIMSignerTests.verify(signed, algorithm)
    #expect(dkimpy.valid, "\(dkimpy.log)")
  }

  @Test(arguments: DKIMKey.Algorithm.allCases, 0..<DKIMSignerTests.tamperings.count)
  func aTamperedMessageFailsAsItDoesForDkimpy(_ algorithm: DKIMKey.Algorithm, _ number: Int) throws {
    let (what, tamper) = DKIMSignerTests.tamperings[number]
    let signed = try DKIMSignerTests.signer(algorithm).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let tampered = tamper(signed)
    #expect(tampered != signed, "\(what) changed nothing")
    let ours = try Self.verifier(algorithm).verify(tampered)
    let dkimpy = try DKIMSignerTests.verify(tampered, algorithm)
    #expect(ours.count == 1)
    #expect(ours.first?.verified == dkimpy.valid, "\(what): ours \(ours), dkimpy \(dkimpy.valid) \(dkimpy.log)")
    #expect(ours.first?.verified == false, "\(what) was accepted")
  }

  @Test func aChangedBodyIsNamedAsSuch() throws {
    let signed = try DKIMSignerTests.signer(.rsa).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let tampered = DKIMSignerTests.tamperings[0].1(signed)
    let failure = try #require(try Self.verifier(.rsa).verify(tampered).first?.failure)
    #expect(failure.contains("body hash"))
  }

  @Test func aChangedHeaderFieldFailsTheSignatureNotTheBodyHash() throws {
    let signed = try DKIMSignerTests.signer(.ed25519).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let tampered = DKIMSignerTests.tamperings[1].1(signed)
    let failure = try #require(try Self.verifier(.ed25519).verify(tampered).first?.failure)
    #expect(failure.contains("(b=) does not verify"))
  }

  @Test(arguments: DKIMKey.Algorithm.allCases)
  func anotherKeyOfTheSameNameFailsAsItDoesForDkimpy(_ algorithm: DKIMKey.Algorithm) throws {
    let signed = try DKIMSignerTests.signer(algorithm).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let other = try DKIMKey.generate(algorithm)
    let ours = try DKIMVerifier(records: [Self.record: other.dnsRecord]).verify(signed)
    let dkimpy = try PythonOracle.verifyDKIM(message: signed, txtRecord: other.dnsRecord)
    #expect(ours.first?.verified == false)
    #expect(!dkimpy.valid)
    #expect(ours.first?.failure?.contains("another key") == true)
  }

  @Test func aSignatureWithoutAKnownKeySaysWhichRecordIsMissing() throws {
    let signed = try DKIMSignerTests.signer(.rsa).sign(DKIMSignerTests.release(), at: DKIMSignerTests.time)
    let verdict = try #require(try DKIMVerifier(records: [:]).verify(signed).first)
    #expect(!verdict.verified)
    #expect(verdict.failure?.contains("herald._domainkey.example.org") == true)
  }

  @Test func anUnsignedMessageHasNoVerdicts() throws {
    #expect(try Self.verifier(.rsa).verify(DKIMSignerTests.release()).isEmpty)
  }

  @Test func everySignatureOfATwiceSignedMessageIsVerified() throws {
    let message = DKIMSignerTests.release()
    let rsa = try DKIMSignerTests.signer(.rsa)
    let ed25519 = try DKIMSigner(domain: "example.org", selector: "ed", key: DKIMSignerTests.key(.ed25519))
    let signed = try rsa.signature(for: message, at: DKIMSignerTests.time) + ed25519.signature(for: message, at: DKIMSignerTests.time) + message
    let verifier = DKIMVerifier(signers: [rsa, ed25519])
    let verdicts = try verifier.verify(signed)
    #expect(verdicts.map(\.selector) == ["herald", "ed"])
    #expect(verdicts.allSatisfy { $0.verified }, "\(verdicts)")
  }

  /// dkimpy signs with each canonicalisation (Herald signs relaxed/relaxed only); the
  /// verifier must accept each signature, and refuse it once the body changes.
  @Test(arguments: ["simple/simple", "relaxed/simple", "simple/relaxed", "relaxed/relaxed"])
  func dkimpysSignaturesVerify(_ canonicalization: String) throws {
    let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString).pem")
    try DKIMSignerTests.key(.rsa).pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: keyFile) }
    let parts = canonicalization.split(separator: "/")
    let signed = try python(
      """
      import dkim, sys
      message = sys.stdin.buffer.read()
      key = open(\(String(reflecting: keyFile.path)), 'rb').read()
      signature = dkim.sign(message, b'herald', b'example.org', key, canonicalize=(b'\(parts[0])', b'\(parts[1])'),
                            include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
      sys.stdout.buffer.write(signature + message)
      """, stdin: DKIMSignerTests.release())
    let verdict = try #require(try Self.verifier(.rsa).verify(signed).first)
    #expect(verdict.verified, "\(canonicalization): \(verdict)")
    let tampered = DKIMSignerTests.tamperings[0].1(signed)
    #expect(try Self.verifier(.rsa).verify(tampered).first?.verified == false)
  }

  @Test func emptyingBKeepsEverythingButTheSignature() {
    let value = Array(" v=1; a=rsa-sha256; bh=abc=;\r\n b=Zm9v\r\n YmFy; t=1".utf8)
    #expect(String(decoding: DKIMVerifier.emptyingB(value), as: UTF8.self) == " v=1; a=rsa-sha256; bh=abc=;\r\n b=; t=1")
  }
}
