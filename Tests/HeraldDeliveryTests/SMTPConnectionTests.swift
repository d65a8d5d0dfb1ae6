import Foundation
import HeraldDelivery
import HeraldMail
import HeraldTesting
import Testing

/// The libcurl SMTP connection against a real SMTP server (aiosmtpd) on 127.0.0.1.
struct SMTPConnectionTests {
  static func message(_ number: Int) -> [UInt8] {
    // A line starting with "." checks that libcurl dot-stuffs and the server unstuffs.
    Array("From: press@example.org\r\nTo: reader@example.com\r\nSubject: Test \(number)\r\n\r\n.A line with a dot\r\nBody \(number)\r\n".utf8)
  }

  @Test func sendsSeveralMessagesOnOneConnectionExactly() throws {
    let server = try ScriptedSMTPServer()
    let connection = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"))
    for number in 1...3 {
      let outcome = connection.send(from: "bounces@example.org", to: "reader\(number)@example.com", message: Self.message(number))
      guard case .reply(let reply) = outcome else {
        Issue.record("no reply: \(outcome)")
        return
      }
      #expect(reply.code == 250)
      #expect(reply.enhancedCode == "2.0.0")
      #expect(reply.text == "250 2.0.0 Ok: queued as \(number)")
    }
    let received = try server.received()
    #expect(received.count == 3)
    for (index, message) in received.enumerated() {
      #expect(message.bytes == Self.message(index + 1), "the exact bytes arrive")
      #expect(message.recipients == ["reader\(index + 1)@example.com"])
      #expect(message.sender == "bounces@example.org")
    }
  }

  @Test(arguments: [
    ("reject", 550, "5.1.1"), ("defer", 451, "4.7.1"), ("full", 552, "5.2.2"), ("denied", 554, "5.7.1"),
  ])
  func aRefusedRecipientGivesTheServersFullReply(_ word: String, _ code: Int, _ enhanced: String) throws {
    let server = try ScriptedSMTPServer()
    let connection = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(server.port)"))
    let outcome = connection.send(from: "bounces@example.org", to: "\(word)@example.com", message: Self.message(1))
    guard case .reply(let reply) = outcome else {
      Issue.record("no reply: \(outcome)")
      return
    }
    #expect(reply.code == code)
    #expect(reply.enhancedCode?.description == enhanced)
    #expect(reply.text.contains("<\(word)@example.com>"))
    // The connection is still good for the next message.
    let nextOutcome = connection.send(from: "bounces@example.org", to: "ok@example.com", message: Self.message(2))
    guard case .reply(let next) = nextOutcome else {
      Issue.record("the next message got no reply: \(nextOutcome)")
      return
    }
    #expect(next.isSuccess)
    #expect(try server.received().count == 1)
  }

  @Test func noServerMeansNoReplyNotACrash() throws {
    let closed = try ClosedPort()
    let port = closed.port
    var configuration = RelayConfiguration(url: "smtp://127.0.0.1:\(port)")
    configuration.connectTimeout = 2
    let connection = try SMTPConnection(configuration: configuration)
    guard case .noReply(let reason) = connection.send(from: "a@example.org", to: "b@example.com", message: Self.message(1)) else {
      Issue.record("expected no reply")
      return
    }
    #expect(reason.kind == .refused, "\(reason)")
    #expect(!reason.detail.isEmpty)
  }

  @Test(arguments: [
    (["250 2.0.0 Ok: queued as X"], 250, "2.0.0"), (["250-first", "250 last"], 250, nil), (["421 4.3.2 Shutting down"], 421, "4.3.2"),
    (["550 Requested action not taken"], 550, nil), (["554 5.7.1 denied"], 554, "5.7.1"),
  ] as [([String], Int, String?)])
  func repliesAreParsedWithTheirEnhancedCodes(_ lines: [String], _ code: Int, _ enhanced: String?) throws {
    let reply = try #require(SMTPReply(lines: lines))
    #expect(reply.code == code)
    #expect(reply.enhancedCode?.description == enhanced)
  }
}
