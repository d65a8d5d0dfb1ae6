import CCurl
import Foundation
import HeraldCurl
import HeraldTesting
import Testing

struct CurlEasyTests {
  /// Settings as the relay and the mailbox give them.
  struct Settings: CurlConnectionSettings {
    var tls: TLSPolicy = .none
    var username: String?
    var password: String?
    var caFile: String?
    var connectTimeout: TimeInterval = 5
    var commandTimeout: TimeInterval = 5
  }

  @Test func aPortNobodyListensOnIsARefusedConnection() throws {
    let closed = try ClosedPort()
    let port = closed.port
    let curl = try CurlEasy()
    try curl.connect(to: "smtp://127.0.0.1:\(port)", using: Settings())
    try curl.set(CURLOPT_CONNECT_ONLY, 1)
    let code = curl.perform()
    let failure = curl.failure(code)
    #expect(failure.kind == .refused, "\(failure)")
    #expect(failure.detail.contains("\(port)"), "libcurl's words name the port: \(failure.detail)")
  }

  @Test func aHostWithoutAnAddressIsUnresolved() throws {
    let curl = try CurlEasy()
    try curl.connect(to: "smtp://no-such-host.invalid:25", using: Settings())
    try curl.set(CURLOPT_CONNECT_ONLY, 1)
    #expect(curl.failure(curl.perform()).kind == .unresolved)
  }

  @Test func aRefusedOptionIsNamed() throws {
    let curl = try CurlEasy()
    let error = #expect(throws: CurlError.self) { try curl.set(CURLOPT_USE_SSL, 99) }
    #expect(error?.code == .option)
    #expect(error?.message.contains("CURLOPT_USE_SSL") == true, "\(String(describing: error))")
  }

  @Test func timeoutsAreNeverRoundedDownToNothing() {
    #expect(CurlEasy.milliseconds(0.0001) == 1)
    #expect(CurlEasy.milliseconds(1.5) == 1500)
    #expect(Settings(commandTimeout: 2.0004).commandTimeoutMilliseconds == 2001)
  }
}
