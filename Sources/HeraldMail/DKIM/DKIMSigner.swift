import Crypto
import Foundation

/// Signs messages with DKIM (RFC 6376; Ed25519 by RFC 8463): relaxed/relaxed
/// canonicalisation, SHA-256, no body length limit.
///
/// Make one signer per campaign and call ``signature(for:at:)`` for each message, from
/// as many threads as you like: it keeps no state between messages.
public struct DKIMSigner: Sendable {
  /// The header fields signed by default, in this order, each as often as the message has it.
  public static let defaultSignedHeaders: [String] = [
    "from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type",
    "content-transfer-encoding", "reply-to", "sender", "list-id", "list-unsubscribe",
    "list-unsubscribe-post", "list-post", "in-reply-to", "references", "precedence", "feedback-id",
  ]

  /// The fields signed once more than the message has them ("over-signing"), so that
  /// nobody can add another after signing without breaking the signature. RFC 8058 §4
  /// wants List-Unsubscribe and List-Unsubscribe-Post covered this way.
  public static let defaultOverSignedHeaders: Set<String> = ["from", "subject", "list-unsubscribe", "list-unsubscribe-post"]

  /// The signing domain, d=, in ASCII.
  public let domain: String
  /// The selector, s=: the key's record is at `SELECTOR._domainkey.DOMAIN`.
  public let selector: String
  /// The private key.
  public let key: DKIMKey
  /// The names of the fields to sign, lowercased, in order.
  public let signedHeaders: [String]

  private let names: [[UInt8]]
  private let overSigned: [Bool]
  private let fromName: Int

  /// Makes a signer.
  /// - Parameters:
  ///   - domain: The signing domain, usually that of the From address (for DMARC
  ///     alignment); an internationalised name is written in its ASCII form.
  ///   - selector: The selector whose DNS record holds the public key, e.g. "herald".
  ///   - key: The private key.
  ///   - signedHeaders: The fields to sign, in order; "from" must be among them.
  ///   - overSignedHeaders: Those of `signedHeaders` to sign once more than they occur.
  /// - Throws: `MailError` `.invalidHeader` for a domain, selector or field name that
  ///   cannot be written in the signature.
  public init(
    domain: String, selector: String, key: DKIMKey, signedHeaders: [String] = DKIMSigner.defaultSignedHeaders,
    overSignedHeaders: Set<String> = DKIMSigner.defaultOverSignedHeaders
  ) throws {
    do {
      self.domain = try Punycode.toASCII(domain: domain)
    } catch let error as MailError {
      throw MailError(.invalidHeader, "the DKIM signing domain is not usable: \(error.message)")
    }
    self.selector = try Self.checkedSelector(selector)
    self.key = key
    var unique: [String] = []
    for name in signedHeaders {
      let lowered = name.lowercased()
      guard !lowered.isEmpty, lowered.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
        throw MailError(.invalidHeader, "“\(name)” is not a header field name; list names like “from” or “list-unsubscribe”")
      }
      if !unique.contains(lowered) { unique.append(lowered) }
    }
    guard let fromName = unique.firstIndex(of: "from") else {
      throw MailError(.invalidHeader, "the signed header fields must include “from” (RFC 6376 §5.4); add it to the list")
    }
    let overSigned = Set(overSignedHeaders.map { $0.lowercased() })
    self.signedHeaders = unique
    self.names = unique.map { Array($0.utf8) }
    self.overSigned = unique.map { overSigned.contains($0) }
    self.fromName = fromName
  }

  /// A selector as s= and DNS need it: dot-separated labels of letters, digits, "-" and
  /// "_" (common in practice, though RFC 6376 §3.1 names only "-"); others in ASCII form.
  private static func checkedSelector(_ selector: String) throws -> String {
    let labels = selector.split(separator: ".", omittingEmptySubsequences: false)
    let plain = labels.allSatisfy { label in
      !label.isEmpty && label.utf8.count <= 63 && label.utf8.allSatisfy { byte in
        byte < 0x80 && (Character(UnicodeScalar(byte)).isLetter || Character(UnicodeScalar(byte)).isNumber || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_"))
      }
    }
    if plain { return selector }
    do {
      return try Punycode.toASCII(domain: selector)
    } catch let error as MailError {
      throw MailError(.invalidHeader, "the DKIM selector is not usable: \(error.message); use letters, digits and “-”, like herald or 2026-11")
    }
  }

  /// The DKIM-Signature header field for `message`, ending in CRLF, to put before it.
  /// - Parameters:
  ///   - message: The whole message, header and body, with CRLF line ends.
  ///   - time: The signing time, t=.
  /// - Throws: `MailError` `.invalidHeader` when the header cannot be read or has no From
  ///   field; `.invalidKey` if the key fails to sign.
  public func signature(for message: [UInt8], at time: Date) throws -> [UInt8] {
    try message.withUnsafeBufferPointer { message in
      let (fields, bodyStart) = try DKIMCanonicalization.parseHeader(message)

      var bodyHash = HashSink()
      DKIMCanonicalization.writeRelaxedBody(UnsafeBufferPointer(rebasing: message[bodyStart...]), to: &bodyHash)

      // Which signed name each field has (-1: none), and how often each name occurs.
      var nameOfField = [Int](repeating: -1, count: fields.count)
      var occurrences = [Int](repeating: 0, count: names.count)
      for (number, field) in fields.enumerated() {
        if let name = signedName(of: field, in: message) {
          nameOfField[number] = name
          occurrences[name] += 1
        }
      }
      guard occurrences[fromName] > 0 else {
        throw MailError(.invalidHeader, "the message has no From field; DKIM must sign it (RFC 6376 §5.4), so add From before signing")
      }

      var canonical: [UInt8] = []
      canonical.reserveCapacity(bodyStart + 1024)
      var header = FoldedField(name: "DKIM-Signature")
      header.appendWord("v=1;")
      header.appendWord("a=\(key.signatureAlgorithm);")
      header.appendWord("c=relaxed/relaxed;")
      header.appendWord("d=\(domain);")
      header.appendWord("s=\(selector);")
      header.appendWord("t=\(Int64(time.timeIntervalSince1970.rounded(.down)));")

      var listed: [Int] = []  // name indices in h= order
      for name in names.indices where occurrences[name] > 0 {
        for _ in 0..<(occurrences[name] + (overSigned[name] ? 1 : 0)) { listed.append(name) }
        // Fields of one name are signed from the bottom up (§5.4.2); a name listed once
        // more than it occurs signs "no such field" and adds nothing here.
        for number in fields.indices.reversed() where nameOfField[number] == name {
          DKIMCanonicalization.appendRelaxed(fields[number], of: message, to: &canonical)
          canonical.append(.cr)
          canonical.append(.lf)
        }
      }
      for (position, name) in listed.enumerated() {
        let last = position == listed.count - 1
        let word = (position == 0 ? "h=" : "") + signedHeaders[name] + (last ? ";" : ":")
        // Folding white space may follow the colons of h= (§3.5).
        header.appendWord(word, separated: position == 0)
      }
      header.appendWord("bh=" + String(decoding: Base64.encode(Array(bodyHash.hasher.finalize())), as: UTF8.self) + ";")
      header.appendWord("b=")

      // The signature field itself is signed with an empty b= and no CRLF (§3.7).
      let colon = header.nameLength
      header.bytes.withUnsafeBufferPointer { bytes in
        let field = DKIMCanonicalization.Field(start: 0, colon: colon, end: bytes.count)
        DKIMCanonicalization.appendRelaxed(field, of: bytes, to: &canonical)
      }
      let signature = try key.sign(SHA256.hash(data: canonical))
      for character in Base64.encode(signature) { header.appendUnseparated(character) }
      header.bytes.append(.cr)
      header.bytes.append(.lf)
      return header.bytes
    }
  }

  /// The message with its DKIM-Signature field in front.
  /// - Throws: as ``signature(for:at:)``.
  public func sign(_ message: [UInt8], at time: Date) throws -> [UInt8] {
    var signed = try signature(for: message, at: time)
    signed.append(contentsOf: message)
    return signed
  }

  /// The index in `names` of the field's name, compared without regard to case.
  private func signedName(of field: DKIMCanonicalization.Field, in message: UnsafeBufferPointer<UInt8>) -> Int? {
    var end = field.colon
    while end > field.start, message[end - 1] == .space || message[end - 1] == .tab { end -= 1 }
    let length = end - field.start
    search: for (index, name) in names.enumerated() where name.count == length {
      for offset in 0..<length {
        let byte = message[field.start + offset]
        let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
        if lowered != name[offset] { continue search }
      }
      return index
    }
    return nil
  }
}

/// Feeds canonical bytes to SHA-256.
private struct HashSink: DKIMByteSink {
  var hasher = SHA256()

  mutating func write(_ chunk: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: chunk)
  }
}

/// A header field written word by word, folded before a word that would take a line past
/// 78 characters (RFC 5322 §2.1.1); continuation lines start with one space.
private struct FoldedField {
  static let limit = 78
  var bytes: [UInt8]
  var column: Int
  let nameLength: Int

  init(name: String) {
    bytes = Array(name.utf8)
    bytes.reserveCapacity(640)
    nameLength = bytes.count
    bytes.append(UInt8(ascii: ":"))
    column = bytes.count
  }

  /// Appends `word`, after a space when `separated`; a fold replaces that space, or is put
  /// between unseparated words, when the word would not fit.
  mutating func appendWord(_ word: String, separated: Bool = true) {
    let length = word.utf8.count + (separated ? 1 : 0)
    if column + length > Self.limit, column > 1 {
      fold()
      bytes.append(contentsOf: word.utf8)
      column += word.utf8.count
    } else {
      if separated { bytes.append(.space) }
      bytes.append(contentsOf: word.utf8)
      column += length
    }
  }

  /// Appends one character of a base64 value, folding first when the line is full.
  mutating func appendUnseparated(_ character: UInt8) {
    if column + 1 > Self.limit { fold() }
    bytes.append(character)
    column += 1
  }

  private mutating func fold() {
    bytes.append(contentsOf: [.cr, .lf, .space])
    column = 1
  }
}
