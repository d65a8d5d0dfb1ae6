import HeraldMail
import Testing

struct AddressParsingTests {
  /// The mailboxes of a To field with `value`, as "name|address" ("|address" without a name).
  static func to(_ value: String) -> [String] {
    ReceivedMessage(parsing: Bytes.crlf("To: \(value)\n\n")).to.map { "\($0.name ?? "")|\($0.address)" }
  }

  @Test(arguments: [
    ("jane@example.com", ["|jane@example.com"]),
    ("<jane@example.com>", ["|jane@example.com"]),
    ("Jane Doe <jane@example.com>", ["Jane Doe|jane@example.com"]),
    ("Jane Doe<jane@example.com>", ["Jane Doe|jane@example.com"]),
    ("\"Doe, Jane\" <jane@example.com>", ["Doe, Jane|jane@example.com"]),
    ("\"The \\\"Real\\\" Desk\" <desk@example.com>", ["The \"Real\" Desk|desk@example.com"]),
    ("a@example.com, B <b@example.com>,c@example.com", ["|a@example.com", "B|b@example.com", "|c@example.com"]),
    ("  Jane   Q.  Doe   <jane@example.com>  ", ["Jane Q. Doe|jane@example.com"]),
  ])
  func readsOrdinaryMailboxes(_ value: String, _ expected: [String]) {
    #expect(Self.to(value) == expected)
  }

  @Test(arguments: [
    // Groups, empty or not.
    ("undisclosed-recipients:;", [String]()),
    ("Undisclosed recipients: ;", []),
    ("Press: a@example.com, \"B\" <b@example.com>;, c@example.com", ["|a@example.com", "B|b@example.com", "|c@example.com"]),
    ("Desk:;, d@example.com", ["|d@example.com"]),
    // Comments: the name when there is no other, else dropped.
    ("jane@example.com (Jane Doe)", ["Jane Doe|jane@example.com"]),
    ("Jane (desk) Doe <jane@example.com> (work)", ["Jane Doe|jane@example.com"]),
    ("<jane(comment)@example.com>", ["|jane@example.com"]),
    // An unquoted display name with a comma.
    ("Doe, Jane <jane@example.com>", ["Doe, Jane|jane@example.com"]),
    ("Doe, Jane <jane@example.com>, Roe, Rick <rick@example.com>", ["Doe, Jane|jane@example.com", "Roe, Rick|rick@example.com"]),
    // Encoded-words in names, quoted or not.
    ("=?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <renee@example.com>", ["Renée Müller|renee@example.com"]),
    ("\"=?utf-8?q?Ren=C3=A9e?=\" <renee@example.com>", ["Renée|renee@example.com"]),
    ("=?utf-8?q?Doe=2C_Jane?= <jane@example.com>", ["Doe, Jane|jane@example.com"]),
    ("=?iso-8859-1?q?Jos=E9?= <jose@example.com>", ["José|jose@example.com"]),
    // UTF-8 names (RFC 6532).
    ("Иван Петров <ivan@example.com>", ["Иван Петров|ivan@example.com"]),
    // Obsolete routes, mailto:, a missing pair of brackets, single-quoted names.
    ("<@relay.example.net,@mx.example.net:jane@example.com>", ["|jane@example.com"]),
    ("Jane <mailto:jane@example.com>", ["Jane|jane@example.com"]),
    ("Jane Doe jane@example.com", ["Jane Doe|jane@example.com"]),
    ("'Jane Doe' <jane@example.com>", ["Jane Doe|jane@example.com"]),
    // Addresses as written: quoted local parts, literals, a local address in brackets.
    ("\"john doe\"@example.com", ["|\"john doe\"@example.com"]),
    ("jane@[192.0.2.1]", ["|jane@[192.0.2.1]"]),
    ("Mail Delivery System <MAILER-DAEMON>", ["Mail Delivery System|MAILER-DAEMON"]),
  ])
  func readsMessyLists(_ value: String, _ expected: [String]) {
    #expect(Self.to(value) == expected)
  }

  @Test(arguments: [
    ("", [String]()),
    ("Jane Doe", []),
    ("<>", []),
    ("a@example.com, , ,b@example.com", ["|a@example.com", "|b@example.com"]),
    ("not an address, c@example.com", ["|c@example.com"]),
    ("@example.com, d@", []),
    ("\"unclosed <jane@example.com>", []),
    ("Jane <jane@example.com", ["Jane|jane@example.com"]),
    ("(unclosed comment jane@example.com", []),
    (",,;;::", []),
  ])
  func skipsWhatIsNotAnAddress(_ value: String, _ expected: [String]) {
    #expect(Self.to(value) == expected)
  }

  @Test func foldedListsAreRead() {
    #expect(Self.to("a@example.com,\n Jane\n Doe <jane@example.com>") == ["|a@example.com", "Jane Doe|jane@example.com"])
  }

  @Test func fromToAndCcAreSeparate() {
    let message = ReceivedMessage(
      parsing: Bytes.crlf(
        """
        From: Jane Doe <jane@example.com>
        To: desk@example.org
        Cc: Editor <editor@example.org>, copy@example.org
        Cc: late@example.org

        """))
    #expect(message.from == [Mailbox(name: "Jane Doe", address: "jane@example.com")])
    #expect(message.to == [Mailbox(address: "desk@example.org")])
    #expect(message.cc.map(\.address) == ["editor@example.org", "copy@example.org", "late@example.org"])
    #expect(message.cc.first?.name == "Editor")
  }
}
