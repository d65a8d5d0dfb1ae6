import Testing

@testable import HeraldWeb

struct SecurityHeadersTests {
  @Test func everyResponseGetsTheThreeHeadersExactly() {
    let headers = SecurityHeaders.all.map { "\($0.name): \($0.value)" }
    #expect(
      headers == [
        "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "Referrer-Policy: same-origin",
        "X-Content-Type-Options: nosniff",
      ])
  }
}
