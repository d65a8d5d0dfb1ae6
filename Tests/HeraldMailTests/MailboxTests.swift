import HeraldMail
import Testing

struct MailboxTests {
  @Test(arguments: [
    ("editor@example.org", nil, "editor@example.org"),
    ("  editor@example.org \t", nil, "editor@example.org"),
    ("Jane Doe <jane@example.org>", "Jane Doe", "jane@example.org"),
    ("Jane Doe<jane@example.org>", "Jane Doe", "jane@example.org"),
    ("<jane@example.org>", nil, "jane@example.org"),
    ("\"Doe, Jane\" <jane@example.org>", "Doe, Jane", "jane@example.org"),
    ("\"The \\\"Real\\\" Desk\" <desk@example.org>", "The \"Real\" Desk", "desk@example.org"),
    ("\"Back\\\\slash\" <b@example.org>", "Back\\slash", "b@example.org"),
    ("Иванов Иван <ivan@пример.рф>", "Иванов Иван", "ivan@пример.рф"),
    ("first.last+tag@sub.example.co.uk", nil, "first.last+tag@sub.example.co.uk"),
    ("o'brien@example.org", nil, "o'brien@example.org"),
    ("x@a-b.example", nil, "x@a-b.example"),
  ] as [(String, String?, String)])
  func parsesValidForms(_ text: String, _ name: String?, _ address: String) throws {
    let mailbox = try Mailbox(parsing: text)
    #expect(mailbox.name == name)
    #expect(mailbox.address == address)
  }

  @Test(arguments: [
    ("editor.example.org", "@"),
    ("edi tor@example.org", "space"),
    ("editor@exam ple.org", "space"),
    ("first..last@example.org", "dot"),
    (".first@example.org", "dot"),
    ("first.@example.org", "dot"),
    ("editor@example..org", "empty label"),
    ("@example.org", "before the"),
    ("editor@", "no domain"),
    ("editor@localhost", "no dot"),
    ("Jane Doe <jane@localhost>", "no dot"),
    ("editor@example.org\r\nBcc: victim@example.com", "control"),
    ("editor@example.org\nBcc: victim@example.com", "control"),
    ("Jane <jane@example.org", "“>”"),
    ("a,b@example.org", "“,”"),
    ("editor@-example.org", "“-”"),
    ("editor@exa_mple.org", "“_”"),
    ("", "@"),
    (String(repeating: "a", count: 65) + "@example.org", "64"),
    ("a@" + String(repeating: "b", count: 64) + ".org", "63"),
  ])
  func rejectsInvalidAddressesNamingTheValue(_ text: String, _ reason: String) {
    let error = #expect(throws: MailError.self) { try Mailbox(parsing: text) }
    #expect(error?.code == .invalidAddress)
    #expect(error?.message.contains("“\(text)”") == true, "the message names the value: \(error?.message ?? "")")
    #expect(error?.message.contains(reason) == true, "the message says why (\(reason)): \(error?.message ?? "")")
  }

  @Test(arguments: ["editor@example.org\r\n", "\r\nJane <jane@example.org>\r\n", "\t editor@example.org \n"])
  func surroundingLineBreaksAreTrimmed(_ text: String) throws {
    #expect(try Mailbox(parsing: text).address.hasSuffix("@example.org"))
  }

  @Test func domainIsLowercased() throws {
    #expect(try Mailbox(parsing: "Editor@News.Example.ORG").domain == "news.example.org")
  }

  @Test func descriptionIsNameAndAddress() {
    #expect(Mailbox(name: "Jane Doe", address: "jane@example.org").description == "Jane Doe <jane@example.org>")
    #expect(Mailbox(name: "", address: "jane@example.org").description == "jane@example.org")
    #expect(Mailbox(address: "jane@example.org").description == "jane@example.org")
  }
}
