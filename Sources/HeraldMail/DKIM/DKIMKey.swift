import Crypto
import Foundation
import _CryptoExtras

/// A private key for DKIM signatures: RSA (a=rsa-sha256, RFC 6376) or Ed25519
/// (a=ed25519-sha256, RFC 8463).
///
/// Keys are read from and written as PEM, the form OpenSSL uses; the public half is
/// published in DNS as ``dnsRecord``.
// @unchecked: both keys are immutable and only read to sign (BoringSSL's RSA signing is safe
// from several threads); swift-crypto 3.12 does not mark Curve25519 keys Sendable.
public struct DKIMKey: @unchecked Sendable, CustomStringConvertible {
  /// The kinds of key, named as in the DNS record's k= tag.
  public enum Algorithm: String, Sendable, CaseIterable {
    /// RSA, PKCS#1 v1.5 with SHA-256: every verifier checks it.
    case rsa
    /// Ed25519 over SHA-256 (RFC 8463): short keys and signatures, but not every verifier
    /// checks it yet, so it is best published beside an RSA key.
    case ed25519
  }

  enum Backing {
    case rsa(_RSA.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)
  }

  let backing: Backing

  /// The smallest RSA key Herald makes or reads, in bits (RFC 8301 §3.2).
  public static let minimumRSABits = 1024
  /// The largest RSA key Herald makes: verifiers need only check keys up to 4096 bits (RFC 8301 §3.2).
  public static let maximumRSABits = 4096

  // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410 §7): version 0, algorithm 1.3.101.112,
  // and the 32-byte seed in an OCTET STRING inside the privateKey OCTET STRING.
  private static let ed25519PKCS8Prefix: [UInt8] = [
    0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
  ]
  private static let ed25519OID: [UInt8] = [0x2B, 0x65, 0x70]
  private static let rsaOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
  private static let otherOIDs: [[UInt8]: String] = [
    [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]: "an EC (ECDSA) key",
    [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]: "an RSA-PSS key",
    [0x2B, 0x65, 0x71]: "an Ed448 key",
    [0x2B, 0x65, 0x6E]: "an X25519 key (for key agreement, not signing)",
    [0x2B, 0x65, 0x6F]: "an X448 key (for key agreement, not signing)",
  ]

  private init(_ backing: Backing) {
    self.backing = backing
  }

  /// Makes a new random key.
  /// - Parameters:
  ///   - algorithm: RSA or Ed25519.
  ///   - bits: The size of an RSA key: a multiple of 128 from 1024 to 4096; 2048 is the usual
  ///     choice. Ignored for Ed25519.
  /// - Throws: `MailError` when `bits` is out of range.
  public static func generate(_ algorithm: Algorithm, bits: Int = 2048) throws -> DKIMKey {
    switch algorithm {
    case .ed25519:
      return DKIMKey(.ed25519(Curve25519.Signing.PrivateKey()))
    case .rsa:
      guard bits >= minimumRSABits else {
        throw MailError(.invalidKey, "an RSA key of \(bits) bits is too weak for DKIM: verifiers reject keys under \(minimumRSABits) bits (RFC 8301); use 2048")
      }
      guard bits <= maximumRSABits, bits % 128 == 0 else {
        throw MailError(.invalidKey, "cannot make an RSA key of \(bits) bits: use a multiple of 128 from \(minimumRSABits) to \(maximumRSABits), usually 2048")
      }
      do {
        return DKIMKey(.rsa(try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))))
      } catch {
        throw MailError(.invalidKey, "could not make an RSA key of \(bits) bits (\(error)); try again with 2048")
      }
    }
  }

  /// Reads a private key from PEM text: `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) or
  /// `-----BEGIN PRIVATE KEY-----` (PKCS#8, RSA or Ed25519), as `herald dkim keygen`,
  /// `openssl genrsa` and `openssl genpkey` write them.
  /// - Throws: `MailError` saying what the text is instead and how to make a usable key.
  public init(pem text: String) throws {
    let labels = PEM.labels(in: text)
    let make = "make one with “herald dkim keygen”"
    guard let label = labels.first(where: { $0 == "PRIVATE KEY" || $0 == "RSA PRIVATE KEY" }) else {
      let found: String
      switch labels.first {
      case nil: found = "it has no -----BEGIN …----- line"
      case "ENCRYPTED PRIVATE KEY": found = "it is encrypted with a passphrase"
      case "OPENSSH PRIVATE KEY": found = "it is in OpenSSH's own format, which DKIM tools do not read"
      case "EC PRIVATE KEY": found = "it is an EC (ECDSA) key, which DKIM does not use"
      case "CERTIFICATE": found = "it holds a certificate, not the private key that signs"
      case let other? where other.hasSuffix("PUBLIC KEY"): found = "it holds a public key, not the private key that signs"
      case let other?: found = "it holds a “\(other)”"
      }
      let hint = labels.first == "ENCRYPTED PRIVATE KEY"
        ? "decrypt it with “openssl pkey -in KEY.pem -out PLAIN.pem” and keep PLAIN.pem private (mode 0600)"
        : make
      throw MailError(.invalidKey, "not a PEM private key: expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----, but \(found); \(hint)")
    }
    let block: PEM.Block
    do {
      block = try PEM.block(label, in: text)
    } catch {
      let hint = error.reason.contains("passphrase")
        ? "decrypt it with “openssl pkey -in KEY.pem -out PLAIN.pem” and keep PLAIN.pem private (mode 0600)" : make
      throw MailError(.invalidKey, "not a usable PEM private key: \(error.reason); \(hint)")
    }
    if label == "RSA PRIVATE KEY" {
      self.init(.rsa(try Self.rsaKey(der: block.der)))
      return
    }
    // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, params }, privateKey OCTET STRING, … }
    var outer = DERReader(block.der)
    guard var info = outer.read(tag: DERReader.sequence), outer.isAtEnd,
      info.readBytes(tag: DERReader.integer) != nil,
      var algorithm = info.read(tag: DERReader.sequence),
      let oid = algorithm.readBytes(tag: DERReader.objectIdentifier),
      let privateKey = info.readBytes(tag: DERReader.octetString)
    else {
      throw MailError(.invalidKey, "not a usable PEM private key: the data inside -----BEGIN PRIVATE KEY----- is not PKCS#8; the file is damaged, \(make)")
    }
    switch oid {
    case Self.rsaOID:
      self.init(.rsa(try Self.rsaKey(der: block.der)))
    case Self.ed25519OID:
      var inner = DERReader(privateKey)
      guard let seed = inner.readBytes(tag: DERReader.octetString), inner.isAtEnd, seed.count == 32,
        let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
      else {
        throw MailError(.invalidKey, "not a usable Ed25519 private key: it does not hold a 32-byte seed; the file is damaged, \(make)")
      }
      self.init(.ed25519(key))
    default:
      let kind = Self.otherOIDs[oid] ?? "a key of a kind DKIM does not use"
      throw MailError(.invalidKey, "the PEM private key is \(kind); DKIM signs with RSA or Ed25519 keys: \(make)")
    }
  }

  private static func rsaKey(der: [UInt8]) throws -> _RSA.Signing.PrivateKey {
    let key: _RSA.Signing.PrivateKey
    do {
      // The checked initialiser refuses keys under 2048 bits; DKIM still allows 1024 (RFC 8301).
      key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
    } catch {
      // Tell a weak key from a damaged one: the public half still says how big it is.
      if let bits = rsaModulusBits(der), bits < minimumRSABits {
        throw MailError(.invalidKey, "the RSA key has only \(bits) bits; DKIM needs at least \(minimumRSABits) (RFC 8301), better 2048: make a new one with “herald dkim keygen”")
      }
      throw MailError(.invalidKey, "not a usable RSA private key: the data inside the PEM block does not parse; the file is damaged, make a new one with “herald dkim keygen”")
    }
    return key
  }

  /// The size of an RSA key's modulus in bits, read from PKCS#1 or PKCS#8 DER; nil when the
  /// DER is not an RSA key.
  private static func rsaModulusBits(_ der: [UInt8]) -> Int? {
    // RSAPrivateKey ::= SEQUENCE { version INTEGER, modulus INTEGER, … }, perhaps inside a
    // PKCS#8 PrivateKeyInfo's OCTET STRING.
    var outer = DERReader(der)
    guard var sequence = outer.read(tag: DERReader.sequence), sequence.readBytes(tag: DERReader.integer) != nil else { return nil }
    if sequence.read(tag: DERReader.sequence) != nil {
      guard let inner = sequence.readBytes(tag: DERReader.octetString) else { return nil }
      return rsaModulusBits(inner)
    }
    guard var modulus = sequence.readBytes(tag: DERReader.integer) else { return nil }
    while modulus.first == 0 { modulus.removeFirst() }
    guard let first = modulus.first else { return nil }
    return (modulus.count - 1) * 8 + (8 - first.leadingZeroBitCount)
  }

  /// The key as PEM text, to store with mode 0600: PKCS#1 (`BEGIN RSA PRIVATE KEY`) for RSA,
  /// PKCS#8 (`BEGIN PRIVATE KEY`) for Ed25519, both as OpenSSL writes them.
  public var pemRepresentation: String {
    switch backing {
    case .rsa(let key):
      let pem = key.pemRepresentation
      return pem.hasSuffix("\n") ? pem : pem + "\n"
    case .ed25519(let key):
      return PEM.encode(label: "PRIVATE KEY", der: Self.ed25519PKCS8Prefix + Array(key.rawRepresentation))
    }
  }

  /// RSA or Ed25519.
  public var algorithm: Algorithm {
    switch backing {
    case .rsa: .rsa
    case .ed25519: .ed25519
    }
  }

  /// The public key as the DNS record's p= tag holds it: the DER SubjectPublicKeyInfo for
  /// RSA, the raw 32 bytes for Ed25519 (RFC 8463 §4).
  public var publicKeyBytes: [UInt8] {
    switch backing {
    case .rsa(let key): Array(key.publicKey.derRepresentation)
    case .ed25519(let key): Array(key.publicKey.rawRepresentation)
    }
  }

  /// The TXT record to publish at `SELECTOR._domainkey.DOMAIN`:
  /// `v=DKIM1; k=rsa; p=MIIBIjAN…` or `v=DKIM1; k=ed25519; p=11qYAYKx…`.
  public var dnsRecord: String {
    "v=DKIM1; k=\(algorithm.rawValue); p=" + String(decoding: Base64.encode(publicKeyBytes), as: UTF8.self)
  }

  /// "RSA 2048-bit key" or "Ed25519 key"; never any key material.
  public var description: String {
    switch backing {
    case .rsa(let key): "RSA \(key.keySizeInBits)-bit key"
    case .ed25519: "Ed25519 key"
    }
  }

  /// The a= tag: "rsa-sha256" or "ed25519-sha256".
  var signatureAlgorithm: String {
    switch backing {
    case .rsa: "rsa-sha256"
    case .ed25519: "ed25519-sha256"
    }
  }

  /// Signs the SHA-256 hash of the canonical header data. RSA signs the hash in a PKCS#1
  /// v1.5 DigestInfo (RFC 6376 §3.3.1); Ed25519 signs the 32 hash bytes themselves as its
  /// message (RFC 8463 §3), not the header data.
  func sign(_ digest: SHA256Digest) throws -> [UInt8] {
    do {
      switch backing {
      case .rsa(let key):
        return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
      case .ed25519(let key):
        return try digest.withUnsafeBytes { Array(try key.signature(for: Data($0))) }
      }
    } catch let error as MailError {
      throw error
    } catch {
      throw MailError(.invalidKey, "the \(self) could not sign (\(error)); check the key file or make a new one with “herald dkim keygen”")
    }
  }
}
