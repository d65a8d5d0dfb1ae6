import Testing

@testable import HeraldWeb

struct ClientAddressTests {
  static let proxies = try! TrustedProxies(["10.0.0.0/8", "::1", "fd00::/8", "127.0.0.1"])

  // MARK: The peer is not a proxy

  @Test func untrustedPeerIsTheClientWhateverItForwards() {
    #expect(Self.proxies.client(remote: "198.51.100.7", forwardedFor: ["10.0.0.1, 192.0.2.1"]) == "198.51.100.7")
    #expect(Self.proxies.client(remote: "198.51.100.7", forwardedFor: []) == "198.51.100.7")
    #expect(Self.proxies.client(remote: "2001:db8::5", forwardedFor: ["192.0.2.1"]) == "2001:db8::5")
  }

  @Test func noTrustedProxiesIgnoresTheHeader() throws {
    let none = try TrustedProxies([])
    #expect(none.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1"]) == "10.0.0.1")
  }

  // MARK: Through trusted proxies

  @Test func trustedPeerGivesTheForwardedClient() {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "::1", forwardedFor: ["2001:db8::7"]) == "2001:db8::7")
  }

  @Test func clientsOwnForwardedForIsNotBelieved() {
    // The client sent "X-Forwarded-For: 203.0.113.66"; the proxy appended the address it saw.
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["203.0.113.66, 192.0.2.1"]) == "192.0.2.1")
    // Claiming to be a trusted proxy does not help either.
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["10.9.9.9, 192.0.2.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["127.0.0.1", "192.0.2.1"]) == "192.0.2.1")
    // Nor does garbage, or a header that looks like a list of its own.
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["unknown, 192.0.2.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["1.1.1.1,2.2.2.2,3.3.3.3, 192.0.2.1"]) == "192.0.2.1")
  }

  @Test func chainOfTrustedProxiesIsWalkedFromTheRight() {
    // client → 10.1.1.1 → 10.2.2.2 → us (peer 10.2.2.2): the header holds "client, 10.1.1.1".
    #expect(Self.proxies.client(remote: "10.2.2.2", forwardedFor: ["192.0.2.1, 10.1.1.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "10.2.2.2", forwardedFor: ["203.0.113.66, 192.0.2.1, 10.1.1.1"]) == "192.0.2.1")
  }

  @Test func repeatedHeadersAreOneListInOrder() {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["203.0.113.66", "192.0.2.1, 10.1.1.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, 10.1.1.1", "10.3.3.3"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["203.0.113.66", "192.0.2.1"]) == "192.0.2.1")
  }

  @Test func emptyElementsAreSkipped() {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, , 10.1.1.1,", ""]) == "192.0.2.1")
  }

  @Test func allTrustedGivesTheLeftmost() {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["10.5.5.5, 127.0.0.1"]) == "10.5.5.5")
  }

  @Test func trustedPeerWithoutTheHeaderIsTheClient() {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: [" ", ","]) == "10.0.0.1")
  }

  @Test func garbageStopsTheWalkAtTheNearestTrustedHop() {
    // The proxy itself wrote garbage: its own address is the answer.
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, unknown"]) == "10.0.0.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, _hidden, 10.1.1.1"]) == "10.1.1.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, 999.1.1.1"]) == "10.0.0.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, 192.0.2.1 extra"]) == "10.0.0.1")
  }

  // MARK: Spellings

  @Test(arguments: [
    ("192.0.2.1:5000", "192.0.2.1"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("[2001:db8::1]", "2001:db8::1"),
    ("::ffff:192.0.2.1", "192.0.2.1"),
    ("[::ffff:192.0.2.1]:80", "192.0.2.1"),
    ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
    ("  192.0.2.1 ", "192.0.2.1"),
    ("fe80::1%eth0", "fe80::1"),
  ])
  func addressesAreNormalised(_ spelling: String, _ normal: String) {
    // As the peer (not trusted) and as a forwarded entry.
    #expect(Self.proxies.client(remote: spelling, forwardedFor: []) == normal)
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["203.0.113.66, \(spelling)"]) == normal)
  }

  @Test func ipv4MappedPeerIsMatchedAgainstIPv4Ranges() {
    #expect(Self.proxies.client(remote: "::ffff:10.0.0.1", forwardedFor: ["192.0.2.1"]) == "192.0.2.1")
    #expect(Self.proxies.client(remote: "[::ffff:127.0.0.1]:39000", forwardedFor: ["192.0.2.1"]) == "192.0.2.1")
  }

  @Test(arguments: [
    "192.0.2.1:", "192.0.2.1:123456", "[192.0.2.1]", "[2001:db8::1", "2001:db8::1]:80", "[2001:db8::1]80",
    "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "2001:db8:::1", "1.2.3.4%eth0", "-", "unknown", "192.0.2.1\u{0}junk", "::1\u{0}",
  ])
  func unreadableForwardedEntriesAreNotClients(_ entry: String) {
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, \(entry), 10.1.1.1"]) == "10.1.1.1")
    #expect(Self.proxies.client(remote: "10.0.0.1", forwardedFor: ["192.0.2.1, \(entry)"]) == "10.0.0.1")
    #expect(Self.proxies.client(remote: entry, forwardedFor: []) == entry)
  }

  @Test func unreadablePeerIsReturnedAsItIs() {
    #expect(Self.proxies.client(remote: "/run/herald.sock", forwardedFor: ["192.0.2.1"]) == "/run/herald.sock")
  }

  // MARK: Ranges

  @Test(arguments: [
    ("10.0.0.0/8", "10.0.0.0", true), ("10.0.0.0/8", "10.255.255.255", true),
    ("10.0.0.0/8", "9.255.255.255", false), ("10.0.0.0/8", "11.0.0.0", false),
    ("192.168.4.0/22", "192.168.7.255", true), ("192.168.4.0/22", "192.168.8.0", false),
    ("192.168.4.0/22", "192.168.3.255", false),
    ("192.0.2.9/32", "192.0.2.9", true), ("192.0.2.9/32", "192.0.2.8", false), ("192.0.2.9", "192.0.2.10", false),
    ("0.0.0.0/0", "203.0.113.1", true), ("0.0.0.0/0", "2001:db8::1", false),
    ("fd00::/8", "fdff:ffff::1", true), ("fd00::/8", "fc00::1", false), ("fd00::/8", "fe00::", false),
    ("2001:db8::/127", "2001:db8::1", true), ("2001:db8::/127", "2001:db8::2", false),
    ("::/0", "2001:db8::1", true), ("::/0", "192.0.2.1", false),
    ("::1", "::1", true), ("::1", "127.0.0.1", false), ("::1", "::2", false),
    ("::ffff:10.0.0.0/104", "10.20.30.40", true), ("::ffff:10.0.0.0/104", "::ffff:10.20.30.40", true),
    ("::ffff:10.0.0.0/104", "11.0.0.1", false),
    (" 10.0.0.0/8 ", "10.1.2.3", true),
  ])
  func rangesContainTheirEdgesAndNothingBeyond(_ entry: String, _ address: String, _ contained: Bool) throws {
    let proxies = try TrustedProxies([entry])
    let client = proxies.client(remote: address, forwardedFor: ["198.51.100.1"])
    #expect(client == (contained ? "198.51.100.1" : IPAddress(address)!.description))
  }

  @Test(arguments: [
    ("proxy.example.org", TrustedProxyError.Code.invalidAddress), ("", .invalidAddress), ("10.0.0", .invalidAddress),
    ("[::1]", .invalidAddress), ("10.0.0.1:80", .invalidAddress), ("/8", .invalidAddress), ("300.0.0.0/8", .invalidAddress),
    ("10.0.0.0/33", .invalidPrefix), ("10.0.0.0/", .invalidPrefix), ("10.0.0.0/-1", .invalidPrefix),
    ("10.0.0.0/8/8", .invalidPrefix), ("10.0.0.0\u{0}/8", .invalidAddress), ("10.0.0.0/ 8", .invalidPrefix), ("fd00::/129", .invalidPrefix),
    ("::ffff:10.0.0.0/80", .invalidPrefix), ("10.0.0.0/0008", .invalidPrefix),
    ("10.0.0.1/8", .hostBitsSet), ("fd00::1/8", .hostBitsSet), ("192.168.1.1/24", .hostBitsSet),
  ])
  func malformedEntriesAreRefusedByName(_ entry: String, _ code: TrustedProxyError.Code) {
    let error = #expect(throws: TrustedProxyError.self) { try TrustedProxies(["127.0.0.1", entry]) }
    #expect(error?.code == code)
    #expect(error?.entry == entry)
    #expect(error?.description.contains("“\(entry)”") == true)
  }

  @Test func errorsSayWhatToWrite() {
    let address = #expect(throws: TrustedProxyError.self) { try TrustedProxies(["proxy.local"]) }
    #expect(address?.description.contains("10.0.0.0/8") == true)
    let prefix = #expect(throws: TrustedProxyError.self) { try TrustedProxies(["10.0.0.0/40"]) }
    #expect(prefix?.description.contains("0 to 32") == true)
    let bits = #expect(throws: TrustedProxyError.self) { try TrustedProxies(["192.168.1.1/24"]) }
    #expect(bits?.description.contains("192.168.1.0/24") == true)
  }
}
