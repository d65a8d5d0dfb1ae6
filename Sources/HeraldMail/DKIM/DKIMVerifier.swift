import Crypto
import Foundation
import _CryptoExtras

/// Checks the DKIM signatures of a message (RFC 6376 §6; Ed25519 by RFC 8463) against
/// public keys it is given rather than looked up in DNS: a preview checks that what Herald
/// sends verifies with the workspace's own keys, before anyone publishes a record.
///
/// It canonicalises with the signer's code (`DKIMCanonicalization`): relaxed and simple,
/// header and body; a= rsa-sha256 or ed25519-sha256; the l= body length honoured.
public struct DKIMVerifier: Sendable {
  /// What became of one signature.
  public struct Verdict: Sendable, Hashable, CustomStringConvertible {
    /// The signing domain, d=; "" when the signature could not be read that far.
    public var domain: String
    /// The selector, s=.
    public var selector: String
    /// The algorithm, a=.
    public var algorithm: String
    /// Why it failed; nil when it verified.
    public var failure: String?

    /// Whether the signature verified.
    public var verified: Bool { failure == nil }

    /// "d=example.org s=herald: verified" or "…: failed: the body hash does not match …".
    public var description: String {
      "d=\(domain) s=\(selector): " + (failure.map { "failed: \($0)" } ?? "verified")
    }
  }

  /// The published records by name, `SELECTOR._domainkey.DOMAIN` lowercased, without a final dot.
  private let records: [String: String]

  /// A verifier that knows these keys.
  /// - Parameter records: `SELECTOR._domainkey.DOMAIN` → the TXT record's value
  ///   (`v=DKIM1; k=rsa; p=…`), as `DKIMRecord` makes them.
  public init(records: [String: String]) {
    var lowered: [String: String] = [:]
    for (name, value) in records { lowered[Self.recordName(name)] = value }
    self.records = lowered
  }

  /// A verifier that knows the public halves of the keys `signers` sign with.
  public init(signers: [DKIMSigner]) {
    self.init(records: Dictionary(signers.map { (DKIMRecord(signer: $0).name, DKIMRecord(signer: $0).value) }, uniquingKeysWith: { first, _ in first }))
  }

  private static func recordName(_ name: String) -> String {
    var name = name.lowercased()
    while name.hasSuffix(".") { name.removeLast() }
    return name
  }

  /// Every DKIM-Signature of `message`, top to bottom, each verified on its own. An empty
  /// array: the message is not signed.
  /// - Throws: `MailError` `.invalidHeader` when the message's header cannot be read.
  public func verify(_ message: [UInt8]) throws -> [Verdict] {
    try message.withUnsafeBufferPointer { message in
      let (fields, bodyStart) = try DKIMCanonicalization.parseHeader(message)
      return fields.indices.filter { Self.name(of: fields[$0], in: message) == "dkim-signature" }.map { index in
        verify(signature: index, fields: fields, bodyStart: bodyStart, in: message)
      }
    }
  }

  private func verify(
    signature index: Int, fields: [DKIMCanonicalization.Field], bodyStart: Int, in message: UnsafeBufferPointer<UInt8>
  ) -> Verdict {
    let field = fields[index]
    let value = Array(message[(field.colon + 1)..<field.end])
    let tags = Self.tags(value)
    var verdict = Verdict(domain: tags["d"] ?? "", selector: tags["s"] ?? "", algorithm: tags["a"] ?? "", failure: nil)
    func fail(_ reason: String) -> Verdict {
      verdict.failure = reason
      return verdict
    }
    guard tags["v"] == "1" else { return fail("the signature's v= is not 1: it is not a DKIM signature this verifier reads") }
    for required in ["a", "b", "bh", "d", "h", "s"] where tags[required] == nil {
      return fail("the signature has no \(required)= tag")
    }
    let algorithm = verdict.algorithm.lowercased()
    guard algorithm == "rsa-sha256" || algorithm == "ed25519-sha256" else {
      return fail("the algorithm \(verdict.algorithm) is not checked (only rsa-sha256 and ed25519-sha256)")
    }
    let canonicalization = (tags["c"] ?? "simple/simple").lowercased().split(separator: "/", omittingEmptySubsequences: false)
    guard (1...2).contains(canonicalization.count), canonicalization.allSatisfy({ $0 == "simple" || $0 == "relaxed" }) else {
      return fail("the canonicalisation c=\(tags["c"] ?? "") is not simple or relaxed")
    }
    let relaxedHeader = canonicalization[0] == "relaxed"
    let relaxedBody = canonicalization.count == 2 && canonicalization[1] == "relaxed"
    let signedNames = (tags["h"] ?? "").split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard signedNames.contains("from") else { return fail("the signature does not sign From (h= lacks it), which RFC 6376 requires") }
    guard let bodyHash = Data(base64Encoded: tags["bh"] ?? ""), let signature = Data(base64Encoded: tags["b"] ?? "") else {
      return fail("the signature's bh= or b= is not base64")
    }
    var length: Int?
    if let limit = tags["l"] {
      guard let value = Int(limit), value >= 0 else { return fail("the signature's l= is not a length") }
      length = value
    }

    // The body, canonicalised, hashed (up to l= bytes).
    var collected = CollectingSink()
    let body = UnsafeBufferPointer(rebasing: message[bodyStart...])
    if relaxedBody {
      DKIMCanonicalization.writeRelaxedBody(body, to: &collected)
    } else {
      DKIMCanonicalization.writeSimpleBody(body, to: &collected)
    }
    if let length {
      guard length <= collected.bytes.count else { return fail("the signature's l= is longer than the body: the body was shortened after signing") }
      collected.bytes.removeLast(collected.bytes.count - length)
    }
    guard Array(SHA256.hash(data: collected.bytes)) == Array(bodyHash) else {
      return fail("the body hash does not match (bh=): the body was changed after it was signed")
    }

    // The signed header fields, each name's instances from the bottom up (§5.4.2); then the
    // signature field itself with b= emptied and no CRLF (§3.7).
    var canonical: [UInt8] = []
    var used = Set<Int>()
    func append(_ field: DKIMCanonicalization.Field, of bytes: UnsafeBufferPointer<UInt8>) {
      if relaxedHeader {
        DKIMCanonicalization.appendRelaxed(field, of: bytes, to: &canonical)
      } else {
        DKIMCanonicalization.appendSimple(field, of: bytes, to: &canonical)
      }
    }
    for name in signedNames {
      guard let number = fields.indices.reversed().first(where: { !used.contains($0) && Self.name(of: fields[$0], in: message) == name })
      else { continue }  // a name signed once more than it occurs: "no such field"
      used.insert(number)
      append(fields[number], of: message)
      canonical.append(.cr)
      canonical.append(.lf)
    }
    let emptied = Array(message[field.start..<(field.colon + 1)]) + Self.emptyingB(value)
    emptied.withUnsafeBufferPointer { bytes in
      append(DKIMCanonicalization.Field(start: 0, colon: field.colon - field.start, end: bytes.count), of: bytes)
    }
    let digest = SHA256.hash(data: canonical)

    // The key.
    let name = Self.recordName("\(verdict.selector)._domainkey.\(verdict.domain)")
    guard let record = records[name] else {
      return fail("there is no key for \(name) among the workspace's keys")
    }
    let keyTags = Self.tags(Array(record.utf8))
    let kind = (keyTags["k"] ?? "rsa").lowercased()
    guard let publicKey = Data(base64Encoded: keyTags["p"] ?? ""), !publicKey.isEmpty else {
      return fail("the key record of \(name) has no public key (p=): the key is revoked or the record is damaged")
    }
    guard kind == (algorithm == "rsa-sha256" ? "rsa" : "ed25519") else {
      return fail("the key of \(name) is k=\(kind), but the message was signed with \(algorithm)")
    }
    let valid: Bool
    if algorithm == "rsa-sha256" {
      guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: publicKey) else {
        return fail("the key record of \(name) does not hold an RSA public key of 1024 bits or more")
      }
      valid = key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
    } else {
      guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
        return fail("the key record of \(name) does not hold a 32-byte Ed25519 public key")
      }
      // Ed25519 signs the hash's bytes as its message (RFC 8463 §3).
      valid = digest.withUnsafeBytes { key.isValidSignature(signature, for: Data($0)) }
    }
    guard valid else {
      return fail("the signature (b=) does not verify: a signed header field was changed after signing, or it was signed with another key")
    }
    return verdict
  }

  /// A field's name, lowercased, without the white space before its colon.
  private static func name(of field: DKIMCanonicalization.Field, in message: UnsafeBufferPointer<UInt8>) -> String {
    var end = field.colon
    while end > field.start, message[end - 1] == .space || message[end - 1] == .tab { end -= 1 }
    return String(decoding: UnsafeBufferPointer(rebasing: message[field.start..<end]), as: UTF8.self).lowercased()
  }

  /// A tag list (§3.2): `name=value` pairs split at semicolons, white space removed from
  /// names and values (none of the tags read here keeps inner white space: base64, lists,
  /// names); the first of a repeated tag counts.
  static func tags(_ value: [UInt8]) -> [String: String] {
    var tags: [String: String] = [:]
    for part in value.split(separator: UInt8(ascii: ";")) {
      guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
      let name = String(decoding: part[part.startIndex..<equals], as: UTF8.self).filter { !$0.isWhitespace }
      let text = String(decoding: part[(equals + 1)...], as: UTF8.self)
      guard !name.isEmpty, tags[name] == nil else { continue }
      tags[name] = text.filter { !$0.isWhitespace }
    }
    return tags
  }

  /// The value of a DKIM-Signature with the value of its b= tag removed, everything else
  /// (white space and folds included) as it was (§3.5: "b=" with an empty value).
  static func emptyingB(_ value: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(value.count)
    var start = 0
    while start <= value.count {
      let end = value[start...].firstIndex(of: UInt8(ascii: ";")) ?? value.count
      let part = value[start..<end]
      if let equals = part.firstIndex(of: UInt8(ascii: "=")),
        String(decoding: part[start..<equals], as: UTF8.self).filter({ !$0.isWhitespace }) == "b"
      {
        output.append(contentsOf: value[start...equals])
      } else {
        output.append(contentsOf: part)
      }
      if end < value.count { output.append(UInt8(ascii: ";")) }
      start = end + 1
    }
    return output
  }
}

/// Canonical bytes collected to be hashed (and cut at l=).
private struct CollectingSink: DKIMByteSink {
  var bytes: [UInt8] = []
  mutating func write(_ chunk: UnsafeRawBufferPointer) { bytes.append(contentsOf: chunk) }
}
