import Foundation
import HeraldCore

/// The reverse proxies whose `X-Forwarded-For` is believed, and the client address a
/// request comes from.
///
/// Each entry is an IPv4 or IPv6 address ("10.0.0.2", "::1") or a CIDR range
/// ("10.0.0.0/8", "fd00::/8"); host names are not resolved. An IPv4-mapped IPv6 entry
/// ("::ffff:10.0.0.0/104") is read as the IPv4 one. An empty list trusts no one: the peer
/// of the connection is the client.
package struct TrustedProxies: Sendable {
  /// An address range: a network address and the number of leading bits that count.
  struct AddressRange: Sendable, Equatable {
    var network: IPAddress
    var length: Int

    func contains(_ address: IPAddress) -> Bool { network.sharesPrefix(length, with: address) }
  }

  let ranges: [AddressRange]

  /// Reads the entries of herald.yml's trusted proxies.
  /// - Throws: ``TrustedProxyError`` naming the first entry that is not an address or range.
  package init(_ entries: [String]) throws {
    ranges = try entries.map(Self.range)
  }

  /// Whether `address` is one of the trusted proxies.
  func trusts(_ address: IPAddress) -> Bool {
    ranges.contains { $0.contains(address) }
  }

  /// The address of the client that sent a request, in its usual form ("192.0.2.1",
  /// "2001:db8::1"): a key for rate limits and logs.
  ///
  /// When the connection's peer is not a trusted proxy, it is the client, and
  /// `X-Forwarded-For` is ignored: anyone can send that header. Otherwise the header's
  /// entries (every occurrence, each a comma-separated list, in order) are read from the
  /// right, where each trusted proxy appended the address of the peer it saw, skipping
  /// trusted proxies; the first untrusted one is the client. If all are trusted, the
  /// leftmost is. The client chooses what it sends on the left, but never what a trusted
  /// proxy appends for it, and the walk stops there.
  ///
  /// An entry that is not an address ("unknown", a socket path, an obfuscated name) stops
  /// the walk, and the nearest trusted hop to its right (the last proxy we trusted, or the
  /// peer) is the answer. That entry was written by that trusted proxy (the walk passed every
  /// entry to its right as trusted), so it cannot be one the client chose; answering with the
  /// proxy puts every such client under the proxy's own rate limit, which errs on the side
  /// of limiting too much rather than letting a client pick its own key.
  ///
  /// - Parameters:
  ///   - remote: The connection's peer address: "192.0.2.1", "2001:db8::1", with or without
  ///     a port or brackets. When it cannot be read (a Unix socket) it is returned as given.
  ///   - forwardedFor: The values of every `X-Forwarded-For` header, in order.
  package func client(remote: String, forwardedFor: [String]) -> String {
    guard let peer = IPAddress(host: remote) else { return remote }
    guard trusts(peer) else { return peer.description }
    var nearest = peer
    // Empty list elements ("a, , b", an empty header) are allowed and mean nothing (RFC 9110 §5.6.1).
    let hops: [Substring] = forwardedFor.flatMap { header in header.split(separator: ",") }
      .filter { hop in hop.contains { $0 != " " && $0 != "\t" } }
    for hop in hops.reversed() {
      guard let address = IPAddress(host: hop) else { return nearest.description }
      nearest = address
      if !trusts(address) { return address.description }
    }
    return nearest.description
  }

  private static func range(_ entry: String) throws -> AddressRange {
    let text = entry.trimmingCharacters(in: .whitespaces)
    let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard !text.isEmpty, let address = IPAddress(pieces[0]) else {
      throw TrustedProxyError(
        .invalidAddress, entry: entry,
        "the trusted proxy “\(entry)” is not an IP address or range; write an address (“10.0.0.2”, “::1”) "
          + "or a CIDR range (“10.0.0.0/8”, “fd00::/8”); host names are not looked up"
      )
    }
    let widest = address.bytes.count * 8
    guard pieces.count == 2 else { return AddressRange(network: address, length: widest) }
    let mapped = address.isIPv4 && pieces[0].contains(":")
    let allowed = mapped ? "96 to 128, as an IPv4-mapped" : address.isIPv4 ? "0 to 32, as an IPv4" : "0 to 128, as an IPv6"
    var length: Int? = pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }) && pieces[1].count <= 3 ? Int(pieces[1]) : nil
    // An IPv4-mapped range ("::ffff:10.0.0.0/104") has become IPv4; its prefix counts 96 bits fewer.
    if mapped, let given = length { length = given >= 96 ? given - 96 : nil }
    guard let length, length <= widest else {
      throw TrustedProxyError(
        .invalidPrefix, entry: entry,
        "the trusted proxy range “\(entry)” needs a prefix length of \(allowed) range takes after “/”, "
          + "e.g. “\(address.isIPv4 ? "10.0.0.0/8" : "fd00::/8")”"
      )
    }
    let network = address.masked(to: length)
    guard network == address else {
      throw TrustedProxyError(
        .hostBitsSet, entry: entry,
        "the trusted proxy range “\(entry)” has bits set after its first \(length); "
          + "write the network address, “\(network)/\(length)”, or the single address, “\(address)”"
      )
    }
    return AddressRange(network: network, length: length)
  }
}

/// A trusted proxy entry that cannot be used; thrown when the server starts.
package struct TrustedProxyError: HeraldError {
  /// What is wrong with the entry.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case invalidAddress, invalidPrefix, hostBitsSet }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// The entry (or the part before "/") is not an IPv4 or IPv6 address.
    package static var invalidAddress: Self { Self(.invalidAddress) }
    /// The part after "/" is not a prefix length the address family allows.
    package static var invalidPrefix: Self { Self(.invalidPrefix) }
    /// The range's address has bits set past its prefix ("10.0.0.1/8"), so which was meant is unclear.
    package static var hostBitsSet: Self { Self(.hostBitsSet) }
    package var description: String { base.rawValue }
  }

  /// The kind of problem.
  package var code: Code
  /// The entry as written.
  package var entry: String
  package var message: String
  package var underlying: (any Error & Sendable)? { nil }

  init(_ code: Code, entry: String, _ message: String) {
    self.code = code
    self.entry = entry
    self.message = message
  }
}
