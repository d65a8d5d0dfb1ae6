import Testing

@testable import HeraldMail

/// The one-pass check for plain ASCII addresses must agree with the full check: it may
/// leave an address to the full check (nil), but never accept one the full check rejects
/// or normalise one differently.
struct EmailAddressFastPathTests {
  static let addresses: [String] = [
    "anna@example.org", "Anna.Schmidt@Example.ORG", "a@b.co", "first.last+tag@sub.example.co.uk", "x_y-z@a-b.example",
    "o'brien@example.ie", "weird!#$%&'*+-/=?^_`{|}~@example.org", "a@xn--mnchen-3ya.de", "a@XN--mnchen-3ya.de",
    ".a@example.org", "a.@example.org", "a..b@example.org", "a@example", "a@-example.org", "a@example-.org", "a@example..org",
    "a@.example.org", "a@example.org.", "a@1.2.3.4", "a@example.123", "a@example.c0m", "@example.org", "a@", "a", "a@@example.org",
    "a@b@example.org", "\"a b\"@example.org", "a b@example.org", " a@example.org", "a@example.org ", "a@exa_mple.org",
    "a@[192.0.2.1]", "a(b)@example.org", "a,b@example.org", String(repeating: "l", count: 64) + "@example.org",
    String(repeating: "l", count: 65) + "@example.org", "a@" + String(repeating: "d", count: 63) + ".org",
    "a@" + String(repeating: "d", count: 64) + ".org", "a@" + Array(repeating: String(repeating: "d", count: 60), count: 5).joined(separator: ".") + ".org",
    "a@b.c", "a@example.o-rg", "a@1example.org", "a@example.org\n", "a\u{7F}@example.org",
  ]

  @Test(arguments: addresses)
  func agreesWithTheFullCheck(_ address: String) {
    let full = try? EmailAddress.normalized(address.trimmingWhitespace(), quoting: address)
    if let fast = EmailAddress.plainASCII(address) {
      #expect(fast == full, "the fast path accepted \(address) as \(fast), the full check says \(String(describing: full))")
    }
  }

  @Test func agreesOnTenThousandGeneratedAddresses() {
    // Local parts, labels and glue from the characters the two checks treat specially.
    let localPieces = ["a", "B", "7", ".", "-", "_", "+", "'", "\"", " ", "..", "é"]
    let labelPieces = ["ex", "Org", "9", "-", "xn--", "_", "", "ü", "123"]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state % UInt64(bound))
    }
    var accepted = 0
    for _ in 0..<10_000 {
      let local = (0..<(1 + next(4))).map { _ in localPieces[next(localPieces.count)] }.joined()
      let labels = (0..<(1 + next(3))).map { _ in (0..<(1 + next(3))).map { _ in labelPieces[next(labelPieces.count)] }.joined() }
      let address = local + (next(20) == 0 ? "@@" : "@") + labels.joined(separator: ".")
      guard let fast = EmailAddress.plainASCII(address) else { continue }
      accepted += 1
      let full = try? EmailAddress.normalized(address.trimmingWhitespace(), quoting: address)
      #expect(fast == full, "\(address)")
    }
    #expect(accepted > 50, "the generator reaches valid addresses too (\(accepted))")
  }

  @Test func takesTheCommonCase() {
    #expect(EmailAddress.plainASCII("Reader.7@Example.COM") == "Reader.7@example.com")
    #expect(EmailAddress.plainASCII("a@xn--mnchen-3ya.de") == nil, "Punycode labels take the full check")
  }
}
