import HeraldMail
import Testing

struct SMTPReplyTests {
  @Test(arguments: [
    (["250 2.0.0 Ok: queued as X"], 250, "2.0.0"), (["250-first", "250 last"], 250, nil), (["421 4.3.2 Shutting down"], 421, "4.3.2"),
    (["550 Requested action not taken"], 550, nil), (["554 5.7.1 denied"], 554, "5.7.1"), (["452"], 452, nil),
    (["250 5.1.1 mismatched class"], 250, nil),
  ] as [([String], Int, String?)])
  func repliesAreReadWithTheirEnhancedCodes(_ lines: [String], _ code: Int, _ enhanced: String?) throws {
    let reply = try #require(SMTPReply(lines: lines))
    #expect(reply.code == code)
    #expect(reply.enhancedCode?.description == enhanced)
  }

  @Test(arguments: ["", "25", "abc ok", "650 no such class", "199 too low", "2500 four digits"])
  func whatIsNotAReplyIsNil(_ line: String) {
    #expect(SMTPReply(line) == nil)
  }

  @Test func aMultiLineReplyKeepsEveryLine() throws {
    let reply = try #require(SMTPReply(lines: ["550-5.7.1 first\r\n", "550 5.7.1 second "]))
    #expect(reply.text == "550-5.7.1 first / 550 5.7.1 second")
    #expect(reply.isPermanent && !reply.isTransient && !reply.isSuccess)
  }

  @Test func theReasonLeavesOutWhatIsParticularToOneMessage() throws {
    let one = try #require(SMTPReply("550 5.1.1 <reader1@example.com>: Recipient address rejected: User unknown"))
    let two = try #require(SMTPReply("550 5.1.1 <someone.else@example.org>: Recipient address rejected: User unknown"))
    #expect(one.reason == two.reason)
    #expect(one.reason == "550 5.1.1 <…>: Recipient address rejected: User unknown")
    #expect(SMTPReply("451 4.3.0 Temporary lookup failure")?.reason == "451 4.3.0 Temporary lookup failure")
    #expect(SMTPReply("550 rejected for x@example.org, queue 9F3A2B1C4D")?.reason == "550 rejected for …, queue …")
  }
}

struct EnhancedStatusCodeTests {
  @Test(arguments: ["5.1.1", "4.7.1", "2.0.0", "5.100.999"])
  func validCodesReadBackAsWritten(_ text: String) throws {
    #expect(try #require(EnhancedStatusCode(text)).description == text)
  }

  @Test(arguments: ["", "5.1", "5.1.1.1", "3.1.1", "55.1.1", "5.1000.1", "5.a.1", "5..1", " 5.1.1"])
  func otherTextIsNotACode(_ text: String) {
    #expect(EnhancedStatusCode(text) == nil)
  }

  // (A literal argument makes a code, as `"5.1.1" as EnhancedStatusCode` would.)
  @Test func whatACodeSaysAboutTheRecipientAndTheSender() {
    #expect(EnhancedStatusCode("5.1.1").isPermanentMailboxFailure)
    #expect(EnhancedStatusCode("5.1.10").isPermanentMailboxFailure, "null MX (RFC 7505)")
    #expect(EnhancedStatusCode("5.2.1").isPermanentMailboxFailure, "mailbox disabled")
    #expect(!EnhancedStatusCode("4.1.1").isPermanentMailboxFailure, "temporary")
    #expect(!EnhancedStatusCode("5.2.2").isPermanentMailboxFailure, "full: it may empty")
    #expect(!EnhancedStatusCode("5.1.7").isPermanentMailboxFailure && EnhancedStatusCode("5.1.7").isAboutSenderAddress)
    #expect(!EnhancedStatusCode("5.1.8").isAboutRecipientAddress)
    #expect(EnhancedStatusCode("5.7.1").isPolicy && !EnhancedStatusCode("5.7.1").isPermanentMailboxFailure)
    #expect(EnhancedStatusCode("5.7.8").isAuthenticationFailure)
  }
}
