import Foundation
import HeraldTesting
import Testing

@testable import HeraldMail

/// Canonical bytes collected in tests, where the signer would hash them.
private struct CollectingSink: DKIMByteSink {
  var bytes: [UInt8] = []
  mutating func write(_ chunk: UnsafeRawBufferPointer) { bytes.append(contentsOf: chunk) }
}

private func canonicalBody(_ text: String) -> String {
  canonicalBody(Array(text.utf8))
}

private func canonicalBody(_ bytes: [UInt8]) -> String {
  var sink = CollectingSink()
  bytes.withUnsafeBufferPointer { DKIMCanonicalization.writeRelaxedBody($0, to: &sink) }
  return String(decoding: sink.bytes, as: UTF8.self)
}

/// Every header field of `message` relaxed, each followed by CRLF.
private func relaxedHeader(_ message: String) throws -> String {
  let bytes = Array(message.utf8)
  return try bytes.withUnsafeBufferPointer { buffer in
    var output: [UInt8] = []
    for field in try DKIMCanonicalization.parseHeader(buffer).fields {
      DKIMCanonicalization.appendRelaxed(field, of: buffer, to: &output)
      output += [.cr, .lf]
    }
    return String(decoding: output, as: UTF8.self)
  }
}

/// The tags of a DKIM-Signature field, unfolded: ["v": "1", "h": "from:from:…", …].
private func tags(_ field: [UInt8]) -> [String: String] {
  let text = String(decoding: field, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "")
  let value = text.drop { $0 != ":" }.dropFirst()
  var tags: [String: String] = [:]
  for tag in value.split(separator: ";") {
    let parts = tag.split(separator: "=", maxSplits: 1)
    let name = parts[0].trimmingCharacters(in: .whitespaces)
    tags[name] = parts.count > 1 ? parts[1].filter { $0 != " " && $0 != "\t" } : ""
  }
  return tags
}

struct DKIMCanonicalizationTests {
  // RFC 6376 §3.4.5, the example, exactly.
  static let example = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"

  @Test func relaxedHeaderMatchesTheRFCExample() throws {
    #expect(try relaxedHeader(Self.example) == "a:X\r\nb:Y Z\r\n")
  }

  @Test func relaxedBodyMatchesTheRFCExample() throws {
    let bytes = Array(Self.example.utf8)
    let bodyStart = try bytes.withUnsafeBufferPointer { try DKIMCanonicalization.parseHeader($0).bodyStart }
    #expect(canonicalBody(Array(bytes[bodyStart...])) == " C\r\nD E\r\n")
  }

  @Test(arguments: [
    ("", ""),  // an empty body stays empty in relaxed (RFC 6376 §3.4.4; "simple" makes it CRLF)
    ("\r\n", ""),
    ("\r\n\r\n\r\n", ""),
    (" \t \r\n\t\r\n", ""),  // lines of only white space are empty lines
    ("a", "a\r\n"),  // a last line without CRLF gains one
    ("a\r\n\r\n \r\n\t\r\n", "a\r\n"),  // trailing empty lines dropped
    ("a\r\n\r\n\r\nb\r\n", "a\r\n\r\n\r\nb\r\n"),  // inner empty lines kept
    ("a\r\n \r\nb\r\n", "a\r\n\r\nb\r\n"),
    ("a  \t b\t\r\n", "a b\r\n"),  // runs of WSP become one space, trailing WSP goes
    (" \t a\r\n", " a\r\n"),  // leading WSP is a run like any other, not removed
    ("a\rb\nc\r\n", "a\rb\nc\r\n"),  // a bare CR or LF is not a line end
    ("x \r\r\n", "x \r\r\n"),
    ("a\r\n\r", "a\r\n\r\r\n"),
    ("\r\n\r\na", "\r\n\r\na\r\n"),  // leading empty lines kept
    (" ", ""),
    ("a\r\n \t", "a\r\n"),
    ("a \r\nb", "a\r\nb\r\n"),
    ("a \r", "a \r\r\n"),  // a lone CR at the very end is text
    ("one two  three\tfour \r\nfive  \r\n", "one two three four\r\nfive\r\n"),  // runs inside the 8-byte steps
  ])
  func relaxedBodyCases(_ input: String, _ expected: String) {
    #expect(canonicalBody(input) == expected)
  }

  @Test func foldedFieldsUnfoldAndCollapse() throws {
    let header = "SUBJECT  :   Spring\r\n   release,\r\n\tpart  two \t \r\nX-Empty:\r\nTo: a@example.org\r\n\r\n"
    #expect(try relaxedHeader(header) == "subject:Spring release, part two\r\nx-empty:\r\nto:a@example.org\r\n")
  }

  @Test func headerWithBareLFIsRefused() {
    #expect(throws: MailError.self) { try relaxedHeader("From: a@example.org\nTo: b@example.org\r\n\r\n") }
  }

  /// Reference: the rules applied line by line with Foundation, slow and plain.
  static func referenceRelaxedBody(_ text: String) -> String {
    var lines = text.components(separatedBy: "\r\n")
    let endsWithCRLF = text.hasSuffix("\r\n")
    if endsWithCRLF { lines.removeLast() }
    lines = lines.map { line in
      var collapsed = ""
      var space = false
      for character in line {
        if character == " " || character == "\t" { space = true; continue }
        if space { collapsed.append(" "); space = false }
        collapsed.append(character)
      }
      return collapsed
    }
    while lines.last == "" { lines.removeLast() }
    return lines.map { $0 + "\r\n" }.joined()
  }

  @Test(arguments: 1...12)
  func relaxedBodyAgreesWithAReferenceAndDkimpyOnRandomBodies(seed: Int) throws {
    // Long bodies with runs of white space and empty lines in every position.
    var generator = SeededGenerator(seed: UInt64(seed))
    let pieces = ["a", "word", "longer-word", " ", "  ", "\t", " \t ", "\r\n", "\r\n\r\n", "é", "\r\n \r\n", "\r", "\n"]
    var text = ""
    while text.utf8.count < 6000 + seed * 1000 { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
    // SMTP bodies end in CRLF; without one, RFC 6376 leaves open whether WSP before the
    // added CRLF goes (Herald drops it, dkimpy keeps it).
    text += ["\r\n", "\r\n\r\n", "\r\n\r\n  \r\n"][seed % 3]
    let ours = canonicalBody(text)
    #expect(ours == Self.referenceRelaxedBody(text))
    let dkimpy = try python(
      "import sys; from dkim.canonicalization import Relaxed; sys.stdout.buffer.write(Relaxed.canonicalize_body(sys.stdin.buffer.read()))",
      stdin: Array(text.utf8))
    #expect(Array(ours.utf8) == dkimpy)
  }
}

/// A small deterministic generator (SplitMix64) for repeatable random tests.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

struct DKIMKeyTests {
  @Test(arguments: DKIMKey.Algorithm.allCases)
  func keySurvivesPEMRoundTrip(_ algorithm: DKIMKey.Algorithm) throws {
    let key = try DKIMKey.generate(algorithm)
    let loaded = try DKIMKey(pem: key.pemRepresentation)
    #expect(loaded.algorithm == algorithm)
    #expect(loaded.publicKeyBytes == key.publicKeyBytes)
    #expect(loaded.dnsRecord == key.dnsRecord)
    #expect(loaded.pemRepresentation == key.pemRepresentation)
  }

  @Test func rsaKeyIsPKCS1PEMAndItsRecordHoldsTheSubjectPublicKeyInfo() throws {
    let key = try DKIMKey.generate(.rsa)
    #expect(key.pemRepresentation.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"))
    #expect(key.pemRepresentation.hasSuffix("-----END RSA PRIVATE KEY-----\n"))
    #expect(key.description == "RSA 2048-bit key")
    #expect(key.dnsRecord.hasPrefix("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"))
  }

  @Test func ed25519KeyIsPKCS8PEMAndItsRecordHoldsTheRaw32Bytes() throws {
    let key = try DKIMKey.generate(.ed25519)
    let lines = key.pemRepresentation.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines.first == "-----BEGIN PRIVATE KEY-----")
    #expect(lines.last == "-----END PRIVATE KEY-----")
    #expect(lines[1].hasPrefix("MC4CAQAwBQYDK2VwBCIEI"))  // 302e020100300506032b657004220420
    #expect(PEM.decodeBase64(String(lines[1]))?.count == 48)
    let p = try #require(key.dnsRecord.split(separator: "p=").last)
    #expect(key.dnsRecord.hasPrefix("v=DKIM1; k=ed25519; p="))
    #expect(PEM.decodeBase64(String(p))?.count == 32)
  }

  @Test(arguments: [512, 1000, 1023, 4224, 8192])
  func rsaKeySizesOutsideTheRangeAreRefused(_ bits: Int) {
    #expect(throws: MailError.self) { try DKIMKey.generate(.rsa, bits: bits) }
  }

  @Test func a1024BitRSAKeyIsMadeAndRead() throws {
    let key = try DKIMKey.generate(.rsa, bits: 1024)
    #expect(try DKIMKey(pem: key.pemRepresentation).description == "RSA 1024-bit key")
  }

  static let ecKey = """
    -----BEGIN EC PRIVATE KEY-----
    MHcCAQEEIEZr8X6QdMBbSaQ3mX8Kn2jkPp9hH7pYpV0xD8m2i3ZBoAoGCCqGSM49
    AwEHoUQDQgAEq1S8J0QnWjR9o1nYb7iK8oYjzYtWJQY5K3n0mGkZ1kJg6H7mF8pN
    -----END EC PRIVATE KEY-----
    """

  @Test(arguments: [
    ("", "expected -----BEGIN PRIVATE KEY-----"),
    ("hello", "it has no -----BEGIN …----- line; make one with “herald dkim keygen”"),
    ("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", "public key, not the private key"),
    ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", "openssl pkey -in KEY.pem -out PLAIN.pem"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH's own format"),
    (ecKey, "EC (ECDSA) key"),
    ("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI", "no -----END PRIVATE KEY----- line"),
    ("-----BEGIN PRIVATE KEY-----\nMC4C*AQAw\n-----END PRIVATE KEY-----\n", "not valid base64"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIE\n-----END RSA PRIVATE KEY-----\n", "not a usable RSA private key"),
    ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END RSA PRIVATE KEY-----\n", "encrypted with a passphrase"),
  ])
  func badPEMIsRefusedSayingWhatIsWrong(_ pem: String, _ expected: String) {
    #expect {
      try DKIMKey(pem: pem)
    } throws: { error in
      let message = (error as? MailError)?.message ?? ""
      return message.contains(expected) && (message.contains("herald dkim keygen") || message.contains("openssl pkey"))
    }
  }

  @Test func pkcs8OfAnotherAlgorithmIsNamed() throws {
    // X25519 PKCS#8 (OID 1.3.101.110): a key-agreement key, not for signing.
    let der: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x6E, 0x04, 0x22, 0x04, 0x20] + Array(repeating: 7, count: 32)
    let pem = PEM.encode(label: "PRIVATE KEY", der: der)
    let error = #expect(throws: MailError.self) { try DKIMKey(pem: pem) }
    #expect(error?.message.contains("X25519") == true)
  }

  @Test func opensslKeysLoadAndAgreeOnThePublicKey() throws {
    // OpenSSL 3's genrsa writes PKCS#8; -traditional writes PKCS#1.
    for (command, algorithm) in [
      (["genrsa", "2048"], DKIMKey.Algorithm.rsa), (["genrsa", "-traditional", "2048"], .rsa), (["genpkey", "-algorithm", "ed25519"], .ed25519),
    ] {
      let pem = try openssl(command)
      let key = try DKIMKey(pem: pem)
      #expect(key.algorithm == algorithm)
      // openssl's own SubjectPublicKeyInfo: RSA's record holds all of it, Ed25519's its last 32 bytes.
      let spki = try opensslBytes(["pkey", "-pubout", "-outform", "DER"], stdin: pem)
      #expect(key.publicKeyBytes == (algorithm == .rsa ? spki : Array(spki.suffix(32))))
    }
  }
}

/// Runs openssl and returns its standard output as text.
func openssl(_ arguments: [String], stdin: String = "") throws -> String {
  String(decoding: try opensslBytes(arguments, stdin: stdin), as: UTF8.self)
}

/// Runs openssl (through Python, whose subprocess handles the pipes) and returns its stdout.
func opensslBytes(_ arguments: [String], stdin: String = "") throws -> [UInt8] {
  let list = "[" + (["openssl"] + arguments).map { "'\($0)'" }.joined(separator: ",") + "]"
  return try python(
    "import subprocess, sys; sys.stdout.buffer.write(subprocess.run(\(list), input=sys.stdin.buffer.read(), check=True, capture_output=True).stdout)",
    stdin: Array(stdin.utf8))
}

struct DKIMSignerTests {
  static let time = Date(timeIntervalSince1970: 1_774_944_000)  // 2026-03-31
  static let rsaKey = try! DKIMKey.generate(.rsa)
  static let ed25519Key = try! DKIMKey.generate(.ed25519)

  static func key(_ algorithm: DKIMKey.Algorithm) -> DKIMKey {
    algorithm == .rsa ? rsaKey : ed25519Key
  }

  static func signer(_ algorithm: DKIMKey.Algorithm) throws -> DKIMSigner {
    try DKIMSigner(domain: "example.org", selector: "herald", key: key(algorithm))
  }

  /// A release as Herald sends it: multipart/alternative, about 12 kB, list fields, a
  /// folded Subject, and text with trailing spaces and runs of them.
  static func release(listUnsubscribe: Bool = true, extra: (inout MessageHeader) -> Void = { _ in }) -> [UInt8] {
    var header = MessageHeader()
    header.append("From", .mailboxes([Mailbox(name: "Herald Press Office", address: "press@example.org")]))
    header.append("To", .mailboxes([Mailbox(name: "Jo Reporter", address: "jo@example.com")]))
    header.append("Subject", .text("New study: cities lose a third of their drinking water to leaks — and what the new report says about fixing them"))
    header.append("Date", .raw("Tue, 31 Mar 2026 10:00:00 +0200"))
    header.append("Message-ID", .raw("<water-report.abc123@example.org>"))
    header.append("List-Id", .raw("<press.example.org>"))
    if listUnsubscribe {
      header.append("List-Unsubscribe", .raw("<https://news.example.org/unsubscribe/abc.def>, <mailto:unsubscribe@example.org?subject=unsubscribe%20abc.def>"))
      header.append("List-Unsubscribe-Post", .raw("List-Unsubscribe=One-Click"))
    }
    extra(&header)
    let paragraph = "Cities lose a third of their water  to leaks.   The report, \tpublished today, names the worst networks. \n"
    let text = String(repeating: paragraph, count: 55) + "\n\n-- \nHerald Press Office\n\n\n"
    let html = "<!doctype html>\n<html>\n  <body>\n" + String(repeating: "    <p>Cities lose a third of their water to leaks.</p>\n", count: 60) + "  </body>\n</html>\n"
    let body = MIMEPart.multipart(subtype: "alternative", boundary: MIMEPart.boundary(token: "0123456789abcdef"), parts: [
      .text(subtype: "plain", content: Array(text.utf8)),
      .text(subtype: "html", content: Array(html.utf8)),
    ])
    return Message(header: header, body: body).encoded()
  }

  static func verify(_ message: [UInt8], _ algorithm: DKIMKey.Algorithm) throws -> DKIMVerdict {
    try PythonOracle.verifyDKIM(message: message, txtRecord: key(algorithm).dnsRecord)
  }

  @Test(arguments: DKIMKey.Algorithm.allCases)
  func dkimpyVerifiesARelease(_ algorithm: DKIMKey.Algorithm) throws {
    let message = Self.release()
    #expect(message.count > 10_000)
    let signed = try Self.signer(algorithm).sign(message, at: Self.time)
    let verdict = try Self.verify(signed, algorithm)
    #expect(verdict.valid, "\(verdict.log)")
    #expect(verdict.queried == ["herald._domainkey.example.org."])
  }

  /// Each change must make dkimpy fail: otherwise the test above would pass whatever we wrote.
  static let tamperings: [(String, @Sendable ([UInt8]) -> [UInt8])] = [
    ("a changed body byte", { message in
      var message = message
      let index = message.lastIndex(of: UInt8(ascii: "w"))!  // in the HTML part's last lines
      message[index] = UInt8(ascii: "W")
      return message
    }),
    ("a changed Subject", { message in
      // The Subject is an encoded-word (it has a dash): "=?utf-8?q?New_study=3A_…".
      Array(String(decoding: message, as: UTF8.self).replacingOccurrences(of: "?q?New_study", with: "?q?Old_study").utf8)
    }),
    ("a second From on top", { message in Array("From: mallory@example.net\r\n".utf8) + message }),
    ("a second From below", { message in insert("From: mallory@example.net\r\n", before: "To:", in: message) }),
    ("a second Subject", { message in insert("Subject: Act now\r\n", before: "To:", in: message) }),
    ("a second List-Unsubscribe", { message in insert("List-Unsubscribe: <https://evil.example/>\r\n", before: "To:", in: message) }),
  ]

  static func insert(_ field: String, before marker: String, in message: [UInt8]) -> [UInt8] {
    let text = String(decoding: message, as: UTF8.self)
    let range = text.range(of: "\r\n" + marker)!
    return Array(text.replacingCharacters(in: range, with: "\r\n" + field + marker).utf8)
  }

  @Test(arguments: DKIMKey.Algorithm.allCases, 0..<tamperings.count)
  func dkimpyRejectsATamperedRelease(_ algorithm: DKIMKey.Algorithm, _ number: Int) throws {
    let (what, tamper) = Self.tamperings[number]
    let signed = try Self.signer(algorithm).sign(Self.release(), at: Self.time)
    let tampered = tamper(signed)
    let changed = tampered != signed
    #expect(changed, "\(what) changed nothing")
    let verdict = try Self.verify(tampered, algorithm)
    #expect(!verdict.valid, "dkimpy accepted the message after \(what)")
  }

  @Test func aFieldThatIsNotSignedMayBeAdded() throws {
    // The control for the tampering tests: what DKIM does not cover leaves the signature valid.
    let signed = try Self.signer(.rsa).sign(Self.release(), at: Self.time)
    let verdict = try Self.verify(Array("Received: from relay.example.org\r\nX-Spam-Score: 0\r\n".utf8) + signed, .rsa)
    #expect(verdict.valid, "\(verdict.log)")
  }

  @Test func fieldsThatOccurTwiceAreSignedBottomUp() throws {
    let message = Self.release { header in header.append("To", .mailboxes([Mailbox(address: "desk@example.com")])) }
    let field = try Self.signer(.ed25519).signature(for: message, at: Self.time)
    let signed = field + message
    #expect(tags(field)["h"]?.hasPrefix("from:from:to:to:subject:subject:") == true)
    #expect(try Self.verify(signed, .ed25519).valid)
    // Swapping the two To fields changes what the bottom-up order signed.
    var text = String(decoding: signed, as: UTF8.self)
    text = text.replacingOccurrences(of: "To: Jo Reporter <jo@example.com>", with: "To: PLACEHOLDER")
      .replacingOccurrences(of: "To: desk@example.com", with: "To: Jo Reporter <jo@example.com>")
      .replacingOccurrences(of: "To: PLACEHOLDER", with: "To: desk@example.com")
    #expect(try !Self.verify(Array(text.utf8), .ed25519).valid)
  }

  @Test func headerListHasPresentFieldsInOrderAndOverSignsTheListFields() throws {
    let field = try Self.signer(.rsa).signature(for: Self.release(), at: Self.time)
    let found = tags(field)
    #expect(found["h"] == "from:from:to:subject:subject:date:message-id:mime-version:content-type:list-id:list-unsubscribe:list-unsubscribe:list-unsubscribe-post:list-unsubscribe-post")
    #expect(found["v"] == "1")
    #expect(found["a"] == "rsa-sha256")
    #expect(found["c"] == "relaxed/relaxed")
    #expect(found["d"] == "example.org")
    #expect(found["s"] == "herald")
    #expect(found["t"] == "1774944000")
    #expect(found["l"] == nil)
    #expect(found["bh"]?.count == 44)
    #expect(found["b"]?.count == 344)
    let withoutList = tags(try Self.signer(.rsa).signature(for: Self.release(listUnsubscribe: false), at: Self.time))
    #expect(withoutList["h"] == "from:from:to:subject:subject:date:message-id:mime-version:content-type:list-id")
    #expect(tags(try Self.signer(.ed25519).signature(for: Self.release(), at: Self.time))["a"] == "ed25519-sha256")
  }

  @Test(arguments: DKIMKey.Algorithm.allCases)
  func signatureFieldIsFoldedWithinSeventyEightColumnsWithBLast(_ algorithm: DKIMKey.Algorithm) throws {
    let field = try Self.signer(algorithm).signature(for: Self.release(), at: Self.time)
    let text = String(decoding: field, as: UTF8.self)
    #expect(text.hasPrefix("DKIM-Signature: v=1; a="))
    #expect(text.hasSuffix("\r\n"))
    var lines = text.components(separatedBy: "\r\n")
    #expect(lines.removeLast() == "")
    #expect(lines.count > 3)
    for line in lines {
      #expect(line.utf8.count <= 78, "\(line)")
      #expect(!line.contains("\n") && !line.contains("\r"))
    }
    for line in lines.dropFirst() { #expect(line.hasPrefix(" ")) }
    let unfolded = text.replacingOccurrences(of: "\r\n", with: "")
    let afterB = unfolded.components(separatedBy: " b=").last!
    #expect(!afterB.contains(";"), "b= is not the last tag")
    // The field reads back as one header field.
    let inspected = try inspectMessage(field + Self.release())
    #expect(inspected.header("DKIM-Signature").count == 1)
  }

  @Test func aMessageWithoutFromIsRefused() throws {
    let message = Array("To: jo@example.com\r\nSubject: Hello\r\n\r\nBody\r\n".utf8)
    let error = #expect(throws: MailError.self) { try Self.signer(.rsa).signature(for: message, at: Self.time) }
    #expect(error?.message.contains("no From field") == true)
  }

  @Test func signedHeadersMustIncludeFromAndBeFieldNames() throws {
    #expect(throws: MailError.self) { try DKIMSigner(domain: "example.org", selector: "s", key: Self.rsaKey, signedHeaders: ["subject"]) }
    #expect(throws: MailError.self) { try DKIMSigner(domain: "example.org", selector: "s", key: Self.rsaKey, signedHeaders: ["from", "bad name"]) }
    #expect(throws: MailError.self) { try DKIMSigner(domain: "exa mple.org", selector: "s", key: Self.rsaKey) }
    #expect(throws: MailError.self) { try DKIMSigner(domain: "example.org", selector: "a;b", key: Self.rsaKey) }
    let signer = try DKIMSigner(domain: "Bücher.Example", selector: "2026_11", key: Self.rsaKey)
    #expect(signer.domain == "xn--bcher-kva.example")
    #expect(signer.selector == "2026_11")
  }

  @Test func emptyBodyAndHeaderOnlyMessagesVerify() throws {
    for message in ["From: a@example.org\r\nSubject: Empty\r\n\r\n", "From: a@example.org\r\nSubject: No body\r\n"] {
      let field = try Self.signer(.rsa).signature(for: Array(message.utf8), at: Self.time)
      let signed = field + Array(message.utf8)
      #expect(tags(field)["bh"] == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")  // SHA-256 of nothing
      let verdict = try Self.verify(signed, .rsa)
      #expect(verdict.valid, "\(verdict.log)")
    }
  }

  @Test func opensslKeysSignMessagesDkimpyVerifies() throws {
    for command in [["genrsa", "2048"], ["genrsa", "-traditional", "2048"], ["genpkey", "-algorithm", "ed25519"], ["genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024"]] {
      let key = try DKIMKey(pem: try openssl(command))
      let signer = try DKIMSigner(domain: "example.org", selector: "openssl", key: key)
      let signed = try signer.sign(Self.release(), at: Self.time)
      let verdict = try PythonOracle.verifyDKIM(message: signed, txtRecord: key.dnsRecord)
      #expect(verdict.valid, "\(command): \(verdict.log)")
    }
  }

  @Test func signersOnSeveralThreadsAgreeWithOneThread() async throws {
    // RSA PKCS#1 v1.5 and Ed25519 are deterministic, so every thread must produce the same bytes.
    for algorithm in DKIMKey.Algorithm.allCases {
      let signer = try Self.signer(algorithm)
      let message = Self.release()
      let expected = try signer.signature(for: message, at: Self.time)
      let results = try await withThrowingTaskGroup(of: Bool.self) { group in
        for _ in 0..<8 {
          group.addTask {
            try (0..<25).allSatisfy { _ in try signer.signature(for: message, at: Self.time) == expected }
          }
        }
        return try await group.reduce(into: [Bool]()) { $0.append($1) }
      }
      #expect(results == Array(repeating: true, count: 8))
    }
  }
}
