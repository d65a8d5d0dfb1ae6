import HeraldInbox
import Testing

struct InboxErrorTests {
  @Test func anInboxErrorSaysWhatFailed() {
    let error = InboxError(.notFound, "no inquiry 7; list them with herald inquiries")
    #expect(error.code == .notFound)
    #expect(error.summary == "no inquiry 7; list them with herald inquiries")
  }
}
