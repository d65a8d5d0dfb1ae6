import Testing

@testable import HeraldMail

/// One classification of why mail did not arrive, for the relay's replies and for bounces
/// that come back to the inbox.
struct BounceReasonTests {
  static let cases: [(String, BounceReason)] = [
    ("550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in virtual mailbox table", .mailboxGone),
    ("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", .mailboxGone),
    ("550 No such user here", .mailboxGone),
    ("550 5.2.1 The email account that you tried to reach is disabled.", .mailboxGone),
    ("452 4.2.2 The email account that you tried to reach is over quota.", .mailboxFull),
    ("552 5.2.2 Mailbox full", .mailboxFull),
    ("552 Requested mail action aborted: exceeded storage allocation", .mailboxFull),
    ("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", .policy),
    ("550 5.7.26 This message does not pass authentication checks (SPF and DKIM both do not pass).", .policy),
    ("550 5.1.8 Sender address rejected: Domain not found", .policy),
    ("550 Message rejected as spam", .policy),
    ("421 4.4.2 Connection timed out", .other),
    ("gave up after 5 days: 451 4.3.0 Temporary lookup failure", .other),
    ("", .other),
  ]

  @Test(arguments: cases)
  func aReplyIsClassifiedByItsStatusCodeOrItsWords(reply: String, reason: BounceReason) {
    #expect(BounceReason.classify(text: reply) == reason)
  }

  @Test func aStatusGivenApartFromTheTextWins() {
    #expect(BounceReason.classify(status: "5.2.2", text: "550 something went wrong") == .mailboxFull)
    #expect(BounceReason.classify(status: "5.7.1", text: "user unknown") == .policy)
    #expect(BounceReason.classify(status: nil, text: nil) == .other)
  }
}
