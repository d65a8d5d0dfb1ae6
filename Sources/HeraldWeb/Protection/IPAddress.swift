#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16), parsed and printed by the C library.
///
/// IPv4-mapped IPv6 addresses ("::ffff:192.0.2.1", what a dual-stack socket reports for an
/// IPv4 peer) become the IPv4 address, so that one client has one spelling.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
  /// 4 bytes for IPv4, 16 for IPv6, in network order.
  let bytes: [UInt8]

  var isIPv4: Bool { bytes.count == 4 }

  /// Parses an address alone: "192.0.2.1", "2001:db8::1". A zone ("fe80::1%eth0") is
  /// dropped; anything else around the address (a port, brackets, spaces) makes it nil.
  init?(_ text: some StringProtocol) {
    var text = String(text)
    if let percent = text.firstIndex(of: "%"), text.contains(":") { text = String(text[..<percent]) }
    // inet_pton reads a C string: a NUL would hide what follows it ("192.0.2.1\0junk").
    guard !text.isEmpty, text.utf8.count <= 64, !text.utf8.contains(0) else { return nil }
    if !text.contains(":") {
      var address = in_addr()
      guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
      bytes = withUnsafeBytes(of: &address) { Array($0) }
    } else {
      var address = in6_addr()
      guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
      let raw = withUnsafeBytes(of: &address) { Array($0) }
      let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
      bytes = raw.starts(with: mappedPrefix) ? Array(raw[12...]) : raw
    }
  }

  /// Parses an address as it appears in a header or a socket's description: with a port
  /// ("192.0.2.1:5000", "[2001:db8::1]:443"), in brackets, or alone, spaces around it.
  init?(host text: some StringProtocol) {
    var text = Substring(text).drop { $0 == " " || $0 == "\t" }
    while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
    if text.first == "[" {
      guard let close = text.firstIndex(of: "]") else { return nil }
      let rest = text[text.index(after: close)...]
      let inside = text[text.index(after: text.startIndex)..<close]
      // In brackets an address is IPv6 ("[192.0.2.1]" is not one).
      guard inside.contains(":"), rest.isEmpty || Self.isPort(rest) else { return nil }
      self.init(inside)
    } else if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].firstIndex(of: ":") == nil {
      // One colon: IPv4 and a port. IPv6 has at least two.
      guard Self.isPort(text[colon...]) else { return nil }
      self.init(text[..<colon])
      if !isIPv4 { return nil }
    } else {
      self.init(text)
    }
  }

  /// ":" and 1 to 5 digits.
  private static func isPort(_ text: Substring) -> Bool {
    let digits = text.dropFirst()
    return text.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
  }

  /// Makes an address from its bytes (4 or 16).
  init(bytes: [UInt8]) {
    precondition(bytes.count == 4 || bytes.count == 16)
    self.bytes = bytes
  }

  /// The address in its usual form: "192.0.2.1", or RFC 5952's "2001:db8::1".
  var description: String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    var copy = bytes
    let family = isIPv4 ? AF_INET : AF_INET6
    guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Whether the first `length` bits of this address and `other` are the same (both of one family).
  func sharesPrefix(_ length: Int, with other: IPAddress) -> Bool {
    guard bytes.count == other.bytes.count, length >= 0, length <= bytes.count * 8 else { return false }
    let whole = length / 8
    guard bytes[..<whole] == other.bytes[..<whole] else { return false }
    let bits = length % 8
    guard bits > 0 else { return true }
    let mask = UInt8(0xFF) << (8 - bits)
    return bytes[whole] & mask == other.bytes[whole] & mask
  }

  /// This address with all bits after the first `length` cleared.
  func masked(to length: Int) -> IPAddress {
    var result = bytes
    for index in result.indices {
      let kept = min(8, max(0, length - index * 8))
      result[index] &= kept == 0 ? 0 : UInt8(0xFF) << (8 - kept)
    }
    return IPAddress(bytes: result)
  }
}
