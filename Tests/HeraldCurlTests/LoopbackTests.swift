import HeraldCurl
import Testing

struct LoopbackTests {
  @Test(arguments: ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])
  func namesOfThisMachineAreLoopback(host: String) {
    #expect(Loopback.isHost(host))
  }

  @Test(arguments: ["example.org", "127.example.org", "127.0.0.1.example.org", "128.0.0.1", "10.0.0.1", "::2", "", "1270.0.0.1"])
  func otherHostsAreNot(host: String) {
    #expect(!Loopback.isHost(host))
  }

  @Test func theHostOfAURLDecides() {
    #expect(Loopback.isURLHost("smtp://127.0.0.1:2525"))
    #expect(Loopback.isURLHost("imap://[::1]:1143/INBOX"))
    #expect(!Loopback.isURLHost("smtps://relay.example.org:465"))
    #expect(!Loopback.isURLHost("not a url"))
    #expect(!Loopback.isURLHost(nil))
  }

  @Test func tlsIsRequiredAwayFromThisMachineByDefault() {
    #expect(TLSPolicy.default(for: "smtp://127.0.0.1:2525") == TLSPolicy.none)
    #expect(TLSPolicy.default(for: "imaps://mail.example.org/INBOX") == .required)
    #expect(TLSPolicy.default(for: nil) == .required)
  }
}
