import Foundation
import HeraldMail
import HeraldTesting
import Testing

struct EmailAddressTests {
  /// An input and what is expected of it: the normalised form, or a part of the reason it is rejected.
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var expected: String
    var testDescription: String { name }

    init(_ name: String, _ input: String, _ expected: String) {
      self.name = name
      self.input = input
      self.expected = expected
    }
  }

  static let local64 = String(repeating: "l", count: 64)
  /// A domain of `octets` octets ending in ".org", from labels of at most 63 letters.
  static func domain(octets: Int) -> String {
    var labels: [String] = []
    var remaining = octets - 4  // ".org"
    while remaining > 0 {
      let length = min(63, remaining)
      labels.append(String(repeating: "d", count: length))
      remaining -= length + 1  // the label and the dot after it
    }
    let domain = labels.joined(separator: ".") + ".org"
    precondition(domain.utf8.count == octets, "choose a length that splits into labels")
    return domain
  }

  static let valid: [Case] = [
    Case("surrounding spaces go, the domain is lowercased, the local part keeps its case", "  Anna@Example.ORG ", "Anna@example.org"),
    Case("already normal", "anna@example.org", "anna@example.org"),
    Case("surrounding line breaks and tabs", "\r\n\tanna@example.org \r\n", "anna@example.org"),
    Case("dots and plus", "First.Last+Tag@Sub.Example.co.uk", "First.Last+Tag@sub.example.co.uk"),
    Case("every atext symbol", "!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org"),
    Case("apostrophe", "o'brien@example.org", "o'brien@example.org"),
    Case("hyphen inside a label", "x@a-b.example", "x@a-b.example"),
    Case("all-digit label that is not the top level", "anna@123.example", "anna@123.example"),
    Case("Cyrillic domain", "ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai"),
    Case("uppercase IDN", "Jurgen@MÜNCHEN.DE", "Jurgen@xn--mnchen-3ya.de"),
    Case("decomposed ü is composed", "anna@mu\u{308}nchen.de", "anna@xn--mnchen-3ya.de"),
    Case("uppercase umlauts", "anna@ÄÖÜ.example", "anna@xn--4ca0bs.example"),
    Case("ideographic full stop", "anna@日本語。jp", "anna@xn--wgv71a119e.jp"),
    Case("ASCII form in capitals", "anna@XN--MNCHEN-3YA.DE", "anna@xn--mnchen-3ya.de"),
    Case("ß is kept (IDNA 2008)", "anna@straße.de", "anna@xn--strae-oqa.de"),
    Case(
      "label of 80 octets of UTF-8 but 46 in ASCII form", "anna@" + String(repeating: "ü", count: 40) + ".de",
      "anna@xn--td" + String(repeating: "a", count: 40) + ".de"),
    Case(
      "local part of 64 and address of 254", local64 + "@" + domain(octets: 189), local64 + "@" + domain(octets: 189)),
  ]

  @Test(arguments: valid)
  func normalizesValidAddresses(_ testCase: Case) throws {
    #expect(try EmailAddress.normalize(testCase.input) == testCase.expected)
  }

  @Test(arguments: valid)
  func normalizingTwiceChangesNothing(_ testCase: Case) throws {
    let once = try EmailAddress.normalize(testCase.input)
    #expect(try EmailAddress.normalize(once) == once)
  }

  @Test(arguments: [
    ("Anna@example.org", "anna@example.org"),
    ("First.Last+Tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
    ("ANNA@XN--MNCHEN-3YA.DE", "anna@xn--mnchen-3ya.de"),
  ])
  func keyLowercasesTheWholeAddress(_ normalized: String, _ key: String) {
    #expect(EmailAddress.key(normalized) == key)
  }

  @Test func spellingsOfOneAddressHaveOneKey() throws {
    let keys = try ["Anna@Example.ORG", "  anna@example.org", "ANNA@EXAMPLE.ORG"].map { EmailAddress.key(try EmailAddress.normalize($0)) }
    #expect(Set(keys) == ["anna@example.org"])
    let idn = try ["Anna@München.de", "anna@mu\u{308}nchen.DE", "ANNA@xn--mnchen-3ya.de"].map { EmailAddress.key(try EmailAddress.normalize($0)) }
    #expect(Set(idn) == ["anna@xn--mnchen-3ya.de"])
    #expect(try EmailAddress.key(EmailAddress.normalize("anne@example.org")) != keys[0])
  }

  @Test(arguments: PunycodeTests.idnaDomains)
  func convertsDomainsLikePythonsIDNACodec(_ domain: String) throws {
    #expect(try EmailAddress.normalize("Anna@\(domain)") == "Anna@" + PunycodeTests.pythonIDNA(domain))
  }

  static let invalid: [Case] = [
    Case("empty", "", "it is empty"),
    Case("only whitespace", "  \t ", "it is empty"),
    Case("no @", "anna.example.org", "it has no “@”"),
    Case("two @", "anna@home@example.org", "more than one “@”"),
    Case("leading dot", ".anna@example.org", "starts with a dot"),
    Case("trailing dot", "anna.@example.org", "ends with a dot"),
    Case("double dot", "an..na@example.org", "two dots in a row"),
    Case("space in the local part", "an na@example.org", "it contains a space"),
    Case("space in the domain", "anna@exam ple.org", "it contains a space"),
    Case("no-break space", "anna\u{A0}@example.org", "U+00A0 NO-BREAK SPACE"),
    Case("tab", "anna\t@example.org", "it contains a tab"),
    Case("BEL", "anna\u{7}@example.org", "the control character U+0007"),
    Case("DEL", "anna\u{7F}@example.org", "the control character U+007F"),
    Case("NEL", "anna\u{85}@example.org", "the control character U+0085"),
    Case("CR LF with a header after it", "anna@example.org\r\nBcc: eve@example.net", "line break"),
    Case("LF", "anna\n@example.org", "line break"),
    Case("CR", "anna@exa\rmple.org", "line break"),
    Case("U+2028 at the end, which trimming keeps", "anna@example.org\u{2028}", "U+2028 LINE SEPARATOR"),
    Case("U+2029", "anna\u{2029}@example.org", "U+2029 PARAGRAPH SEPARATOR"),
    Case("zero-width space", "an\u{200B}na@example.org", "U+200B ZERO WIDTH SPACE"),
    Case("right-to-left override", "anna@\u{202E}gro.elpmaxe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    Case("quoted local part with a space", "\"john doe\"@example.org", "in quotes, which Herald does not accept"),
    Case("quoted local part", "\"anna\"@example.org", "in quotes, which Herald does not accept"),
    Case("quoted local part with @", "\"anna@home\"@example.org", "in quotes, which Herald does not accept"),
    Case("quotes inside the local part", "an\"na\"@example.org", "in quotes, which Herald does not accept"),
    Case("non-ASCII local part", "jürgen@example.org", "contains “ü”, which is not ASCII; such addresses need SMTPUTF8"),
    Case("Cyrillic local part", "анна@пример.рф", "SMTPUTF8"),
    Case("comma", "a,b@example.org", "“,” is not allowed before the “@”"),
    Case("comment", "anna(home)@example.org", "“(” is not allowed before the “@”"),
    Case("IPv4 literal", "anna@[192.0.2.1]", "“[192.0.2.1]” is an IP address literal"),
    Case("IPv6 literal", "anna@[IPv6:2001:db8::1]", "is an IP address literal"),
    Case("bare IPv4 address", "anna@192.0.2.1", "“192.0.2.1” is an IP address"),
    Case("single-label domain", "anna@localhost", "the domain “localhost” has no dot"),
    Case("nothing before @", "@example.org", "nothing before the “@”"),
    Case("nothing after @", "anna@", "no domain after the “@”"),
    Case("empty label", "anna@example..org", "empty label"),
    Case("dot at the end of the domain", "anna@example.org.", "empty label"),
    Case("label of 64", "anna@" + String(repeating: "b", count: 64) + ".org", "is 64 characters long; the limit is 63"),
    Case("IDN label of 67 in ASCII form", "anna@세계의모든사람들이한국어를이해한다면얼마나.kr", "in its ASCII form"),
    Case("hyphen at the start of a label", "anna@-example.org", "“-example” starts with “-”"),
    Case("hyphen at the end of a label", "anna@example-.org", "“example-” ends with “-”"),
    Case("hyphen at the start of an IDN label", "anna@-bücher.de", "starts with “-”"),
    Case("underscore", "anna@exa_mple.org", "“_” is not allowed in the domain “exa_mple.org”"),
    Case("symbol in a domain", "anna@☃.net", "“☃” is not allowed"),
    Case("full-width letters", "anna@ｅｘａｍｐｌｅ.org", "write it as “example”"),
    Case("numeric top-level domain", "anna@example.123", "the top-level domain “123” is all digits"),
    Case("invalid ASCII-form label", "anna@xn--a.org", "starts with “xn--” but is not"),
    Case("local part of 65", String(repeating: "l", count: 65) + "@example.org", "is 65 characters long; the limit is 64"),
    Case("address of 255", local64 + "@" + domain(octets: 190), "it is 255 characters long; the limit is 254"),
    Case("domain of 254", "a@" + domain(octets: 254), "the domain is 254 characters long; the limit is 253"),
  ]

  @Test(arguments: invalid)
  func rejectsInvalidAddressesSayingWhy(_ testCase: Case) {
    let error = #expect(throws: MailError.self) { try EmailAddress.normalize(testCase.input) }
    #expect(error?.code == .invalidAddress)
    #expect(
      error?.message.hasPrefix("“\(testCase.input)” is not a valid email address: ") == true,
      "the message quotes the input: \(error?.message ?? "")")
    #expect(error?.message.contains(testCase.expected) == true, "the message says why (\(testCase.expected)): \(error?.message ?? "")")
  }

  @Test func messageForAMissingDotReadsWell() {
    let error = #expect(throws: MailError.self) { try EmailAddress.normalize("anna@example") }
    #expect(error?.message == "“anna@example” is not a valid email address: the domain “example” has no dot")
  }

  @Test(arguments: invalid)
  func mailboxRejectsWhatNormalizeRejects(_ testCase: Case) {
    let expected = #expect(throws: MailError.self) { try EmailAddress.normalize(testCase.input) }
    let error = #expect(throws: MailError.self) { try Mailbox(parsing: testCase.input) }
    #expect(error?.message == expected?.message)
  }

  @Test(arguments: valid)
  func mailboxAcceptsWhatNormalizeAcceptsAndKeepsItAsWritten(_ testCase: Case) throws {
    let mailbox = try Mailbox(parsing: "Anna <\(testCase.input.trimmingCharacters(in: .whitespacesAndNewlines))>")
    #expect(mailbox.address == testCase.input.trimmingCharacters(in: .whitespacesAndNewlines))
  }
}
