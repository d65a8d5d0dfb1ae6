import Foundation
import Crypto

/// Signs and verifies the tokens in links a recipient may follow (unsubscribe, confirm):
/// HMAC-SHA256 with the workspace secret over the purpose and the subject, so a token
/// cannot be forged, altered to name someone else, or reused for another purpose.
///
/// A token is `PAYLOAD.MAC`, both base64url: the payload holds the subject fields, the MAC
/// its first 16 bytes (128 bits).
// @unchecked: the keyed HMAC is never mutated, only copied (its hash state is
// copy-on-write); swift-crypto does not mark it Sendable.
public struct LinkSigner: @unchecked Sendable {
  /// An HMAC with the key already absorbed: each token copies it instead of keying anew.
  private let keyed: HMAC<SHA256>

  /// Makes a signer from the workspace secret (at least 32 random bytes).
  public init(secret: [UInt8]) {
    precondition(secret.count >= 16, "the link secret is too short")
    self.keyed = HMAC<SHA256>(key: SymmetricKey(data: secret))
  }

  /// What a token lets its holder do. Each purpose is signed into the token's MAC, so a
  /// token made for one never passes for another.
  public enum Purpose: String, Sendable, CaseIterable {
    /// Leave a list (RFC 8058 one-click, the footer link, an emailed request).
    case unsubscribe
    /// Confirm a subscription (double opt-in).
    case confirmation
    /// Send one of the site's forms (`FormToken`).
    case form
  }

  /// A token for `purpose` over the subject's fields, e.g. a subscriber and a list.
  public func token(_ purpose: Purpose, fields: [String]) -> String {
    let payload = Array(fields.joined(separator: "\u{1F}").utf8)
    return Base64.encodeURLSafe(payload) + "." + Base64.encodeURLSafe(mac(purpose: purpose.rawValue, payload: payload))
  }

  /// The subject's fields when `token` is genuine and was made for `purpose`.
  /// - Throws: `MailError` `.invalidToken` when it is malformed or its MAC does not match.
  public func verify(_ token: String, purpose: Purpose) throws -> [String] {
    let pieces = token.split(separator: ".", omittingEmptySubsequences: false)
    guard pieces.count == 2, let payload = Base64.decodeURLSafe(String(pieces[0])),
      let given = Base64.decodeURLSafe(String(pieces[1]))
    else { throw MailError(.invalidToken, "the link is incomplete or damaged; ask for a new one") }
    let expected = mac(purpose: purpose.rawValue, payload: payload)
    // Compare in constant time.
    guard given.count == expected.count, zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
      throw MailError(.invalidToken, "the link was not issued by this sender or has been altered")
    }
    return String(decoding: payload, as: UTF8.self).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
  }

  /// The token in an unsubscribe link: HMAC over the subscriber (their store id, or their
  /// address before they have one) and the list. It cannot be forged, turned into another
  /// subscriber's or list's, or used for another purpose.
  public func unsubscribeToken(subscriber: String, list: String) -> String {
    token(.unsubscribe, fields: [subscriber, list])
  }

  /// The subscriber and list of a genuine unsubscribe token.
  /// - Throws: `MailError` `.invalidToken` when it is not genuine or not an unsubscribe token.
  public func verifyUnsubscribeToken(_ token: String) throws -> (subscriber: String, list: String) {
    let fields = try verify(token, purpose: .unsubscribe)
    guard fields.count == 2 else { throw MailError(.invalidToken, "the link is incomplete or damaged; ask for a new one") }
    return (fields[0], fields[1])
  }

  /// The token in a confirmation link: the subscriber, the list, and when it was issued
  /// (whole seconds since 1970), so that it expires.
  public func confirmationToken(subscriber: String, list: String, issued: Date) -> String {
    token(.confirmation, fields: [subscriber, list, String(Int64(issued.timeIntervalSince1970.rounded(.down)))])
  }

  /// The subscriber, list and time of issue of a genuine confirmation token.
  /// - Throws: `MailError` `.invalidToken` when it is not genuine or not a confirmation token.
  public func verifyConfirmationToken(_ token: String) throws -> (subscriber: String, list: String, issued: Date) {
    let fields = try verify(token, purpose: .confirmation)
    guard fields.count == 3, let seconds = Int64(fields[2]) else {
      throw MailError(.invalidToken, "the link is incomplete or damaged; ask for a new one")
    }
    return (fields[0], fields[1], Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  /// A stable key for a recipient address (lowercased), 16 base32 characters, that does not
  /// reveal the address: used in Message-IDs.
  public func recipientKey(for address: String) -> String {
    // Not a token's purpose: a key is never accepted as a link.
    let digest = mac(purpose: "recipient", payload: Array(address.lowercased().utf8))
    return Base32.encode(digest.prefix(10))
  }

  private func mac(purpose: String, payload: [UInt8]) -> [UInt8] {
    var hmac = keyed
    hmac.update(data: Array(purpose.utf8))
    hmac.update(data: [0])
    hmac.update(data: payload)
    return Array(hmac.finalize()).prefix(16).map { $0 }
  }
}

/// Lowercase base32 (RFC 4648 alphabet, no padding): short ids safe in any header or path.
public enum Base32 {
  private static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

  /// Encodes bytes; 5 bytes become 8 characters.
  public static func encode(_ bytes: some Collection<UInt8>) -> String {
    var output: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = (buffer << 8) | UInt32(byte)
      bits += 8
      while bits >= 5 {
        output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
        bits -= 5
      }
    }
    if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
    return String(decoding: output, as: UTF8.self)
  }
}
