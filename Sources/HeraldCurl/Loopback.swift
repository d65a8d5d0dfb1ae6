import Foundation

/// This machine's own addresses: where a relay or a mailbox may be reached without TLS
/// (nothing crosses a network), and what the tests and the demo talk to.
package enum Loopback {
  /// Whether `host` names this machine: "localhost", "::1" (with or without brackets), or
  /// an address in 127.0.0.0/8.
  package static func isHost(_ host: some StringProtocol) -> Bool {
    var name = host.lowercased()
    if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
    if name == "localhost" || name == "::1" { return true }
    var address = in_addr()
    return name.hasPrefix("127.") && inet_pton(AF_INET, name, &address) == 1
  }

  /// Whether the host of `url` names this machine; false for no URL or one without a host.
  package static func isURLHost(_ url: String?) -> Bool {
    guard let host = url.flatMap({ URL(string: $0)?.host }) else { return false }
    return isHost(host)
  }
}
