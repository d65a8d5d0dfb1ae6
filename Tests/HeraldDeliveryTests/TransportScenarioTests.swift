import Foundation
import HeraldCurl
import HeraldDelivery
import HeraldTesting
import Logging
import Testing

/// The SMTP transport end to end against scripted aiosmtpd servers on 127.0.0.1
/// (Tests/Oracles/smtp_scenarios.py): TLS, AUTH, timeouts, dropped connections, and the
/// verdict and reply text each attempt leaves.
struct TransportScenarioTests {
  static let sender = "bounces@example.org"

  static func message(_ number: Int) -> [UInt8] {
    Array("From: press@example.org\r\nTo: reader@example.com\r\nSubject: Test \(number)\r\n\r\nBody \(number)\r\n".utf8)
  }

  /// About 1 MB: still being sent when a server hangs up after its first kilobyte.
  static let bigMessage: [UInt8] = Array(
    ("From: press@example.org\r\nTo: reader@example.com\r\nSubject: Big\r\n\r\n" + String(repeating: String(repeating: "x", count: 70) + "\r\n", count: 15_000)).utf8)

  static func relay(_ server: ScenarioSMTPServer, tls: RelayConfiguration.TLS? = nil, caFile: Bool = false, username: String? = nil, password: String? = nil) -> RelayConfiguration {
    let scheme = server.mode == .smtps ? "smtps" : "smtp"
    var relay = RelayConfiguration(
      url: "\(scheme)://127.0.0.1:\(server.port)", tls: tls, username: username, password: password, caFile: caFile ? server.certificateFile.path : nil)
    // Short timeouts: nothing in these tests may wait long.
    relay.connectTimeout = 5
    relay.commandTimeout = 5
    relay.messageTimeout = 20
    return relay
  }

  // MARK: Replies

  static let refusals: [(String, String, DeliveryVerdict)] = [
    ("busy", "450 4.2.1 <busy@example.com>: Mailbox busy", .deferred),
    ("defer", "451 4.7.1 <defer@example.com>: Try again later", .deferred),
    ("reject", "550 5.1.1 <reject@example.com>: Recipient address rejected: no such user", .failed(suppress: true)),
    ("full", "552 5.2.2 <full@example.com>: Mailbox full", .deferred),
    ("denied", "554 5.7.1 <denied@example.com>: Relay access denied", .failed(suppress: false)),
  ]

  @Test(arguments: Self.refusals, [false, true])
  func aRefusedRecipientKeepsTheWholeReplyAndItsVerdict(_ refusal: (word: String, text: String, verdict: DeliveryVerdict), _ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    let outcome = connection.send(from: Self.sender, to: "\(refusal.word)@example.com", message: Self.message(1))
    #expect(outcome.kept == refusal.text)
    #expect(DeliveryVerdict(outcome) == refusal.verdict)
    // The refused transaction is reset, and the same connection carries the next message.
    let next = connection.send(from: Self.sender, to: "next@example.com", message: Self.message(2))
    #expect(next.kept == "250 2.0.0 Ok: queued as 1")
    let received = try server.received()
    #expect(received.map(\.recipients) == [["next@example.com"]])
    #expect(received.map(\.connection) == [1])
  }

  // MARK: Pipelining

  @Test(arguments: [false, true])
  func theCommandsOfATransactionGoInOneWriteWhenTheRelayOffersPipelining(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    for number in 1...3 {
      #expect(connection.send(from: Self.sender, to: "reader\(number)@example.com", message: Self.message(number)).kept == "250 2.0.0 Ok: queued as \(number)")
    }
    let received = try server.received()
    #expect(received.map(\.bytes) == (1...3).map(Self.message), "the exact bytes arrive")
    #expect(received.map(\.connection) == [1, 1, 1])
    // Offered, MAIL FROM, RCPT TO and DATA come together; not offered, one at a time.
    #expect(try server.pipelinedMails() == (pipelining ? [true, true, true] : []))
  }

  static func envelope(_ recipient: String, _ number: Int) -> Envelope {
    Envelope(sender: Self.sender, recipient: recipient, size: Self.message(number).count)
  }

  @Test func theNextTransactionsCommandsGoWithTheMessagesEnd() throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: true)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    var asked: [Int] = []
    for number in 1...3 {
      let outcome = connection.send(from: Self.sender, to: "reader\(number)@example.com", message: Self.message(number)) {
        asked.append(number)
        return number < 3 ? Self.envelope("reader\(number + 1)@example.com", number + 1) : nil
      }
      #expect(outcome.kept == "250 2.0.0 Ok: queued as \(number)")
    }
    #expect(asked == [1, 2, 3], "asked once a message, before it went")
    let received = try server.received()
    #expect(received.map(\.bytes) == (1...3).map(Self.message))
    #expect(received.map(\.connection) == [1, 1, 1])
    #expect(try server.pipelinedAfterMessages() == [true, true, false])
  }

  @Test func aMessageOtherThanTheOneAnnouncedCostsTheConnectionAndNothingElse() throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: true)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    #expect(connection.send(from: Self.sender, to: "reader1@example.com", message: Self.message(1)) {
      Self.envelope("announced@example.com", 2)
    }.kept == "250 2.0.0 Ok: queued as 1")
    // Another message comes instead: the announced transaction (its DATA accepted) is
    // dropped with the connection, never ended with a message.
    #expect(connection.send(from: Self.sender, to: "other@example.com", message: Self.message(3)).kept == "250 2.0.0 Ok: queued as 2")
    let received = try server.received()
    #expect(received.map(\.recipients) == [["reader1@example.com"], ["other@example.com"]])
    #expect(received.map(\.connection) == [1, 2])
  }

  @Test func aConnectionClosedWithATransactionAnnouncedDeliversNothingMore() throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: true)
    do {
      let connection = try SMTPConnection(configuration: Self.relay(server))
      #expect(connection.send(from: Self.sender, to: "reader1@example.com", message: Self.message(1)) {
        Self.envelope("announced@example.com", 2)
      }.kept == "250 2.0.0 Ok: queued as 1")
    }  // released: a stop before the announced message
    #expect(try server.received().map(\.recipients) == [["reader1@example.com"]])
    // The server saw the connection end in the middle of DATA, and stored no empty message.
    let later = try SMTPConnection(configuration: Self.relay(server))
    #expect(later.send(from: Self.sender, to: "reader3@example.com", message: Self.message(3)).kept == "250 2.0.0 Ok: queued as 2")
  }

  @Test(arguments: ["reject", "closing"])
  func anAnnouncedTransactionThatIsRefusedGetsItsReplyAndTheNextGoesOn(_ word: String) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: true)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    #expect(connection.send(from: Self.sender, to: "reader1@example.com", message: Self.message(1)) {
      Self.envelope("\(word)@example.com", 2)
    }.kept == "250 2.0.0 Ok: queued as 1")
    let refused = connection.send(from: Self.sender, to: "\(word)@example.com", message: Self.message(2)) { nil }
    #expect(refused.kept == (word == "reject"
      ? "550 5.1.1 <reject@example.com>: Recipient address rejected: no such user"
      : "421 4.3.2 Service shutting down, closing transmission channel"))
    #expect(connection.send(from: Self.sender, to: "reader3@example.com", message: Self.message(3)).kept == "250 2.0.0 Ok: queued as 2")
    let received = try server.received()
    #expect(received.map(\.recipients) == [["reader1@example.com"], ["reader3@example.com"]])
    #expect(received.map(\.connection) == (word == "reject" ? [1, 1] : [1, 2]))
  }

  @Test(arguments: [false, true])
  func linesThatStartWithADotAreStuffedAndArriveExactly(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    // A first line with a dot, a line that is only a dot (the end of data, unstuffed), two
    // dots, and a dot after a bare LF (no line end in SMTP, nor to aiosmtpd).
    let message = Array("..From a dotted start\r\nTo: reader@example.com\r\n\r\n.\r\n..\r\nbare\n.dot\r\n.\r\nlast\r\n".utf8)
    #expect(connection.send(from: Self.sender, to: "reader@example.com", message: message).kept == "250 2.0.0 Ok: queued as 1")
    #expect(connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(2)).kept == "250 2.0.0 Ok: queued as 2")
    #expect(try server.received().map(\.bytes) == [message, Self.message(2)])
  }

  @Test func aRefusedSenderIsARelayProblemNotTheRecipients() throws {
    let server = try ScenarioSMTPServer(.plain)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    let outcome = connection.send(from: "badsender@example.org", to: "reader@example.com", message: Self.message(1))
    #expect(outcome.kept == "553 5.1.8 <badsender@example.org>: Sender address rejected: Domain not found")
    // About our sender, not the subscriber: nobody is bounced, the message waits, and a run
    // of them pauses the campaign.
    #expect(DeliveryVerdict(outcome) == .deferred, "5.1.8 is about the sender, not the subscriber")
    #expect(try server.received().isEmpty)
  }

  @Test(arguments: [false, true])
  func a421ClosingTheConnectionDefersOnlyThatMessageAndTheNextReconnects(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    #expect(connection.send(from: Self.sender, to: "first@example.com", message: Self.message(1)).kept == "250 2.0.0 Ok: queued as 1")
    let outcome = connection.send(from: Self.sender, to: "closing@example.com", message: Self.message(2))
    #expect(outcome.kept == "421 4.3.2 Service shutting down, closing transmission channel")
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(connection.send(from: Self.sender, to: "next@example.com", message: Self.message(3)).kept == "250 2.0.0 Ok: queued as 2")
    let received = try server.received()
    #expect(received.map(\.recipients) == [["first@example.com"], ["next@example.com"]])
    #expect(received.map(\.connection) == [1, 2], "a fresh connection after the 421")
  }

  @Test(arguments: [false, true])
  func aConnectionDroppedMidDataDefersThatMessageAndTheNextSucceeds(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server))
    #expect(connection.send(from: Self.sender, to: "first@example.com", message: Self.message(1)).kept == "250 2.0.0 Ok: queued as 1")
    let outcome = connection.send(from: Self.sender, to: "drop@example.com", message: Self.bigMessage)
    guard case .noReply(let reason) = outcome else {
      Issue.record("expected no reply, got \(outcome)")
      return
    }
    // The peer vanished while libcurl was writing (EPIPE) or waiting (ECONNRESET).
    #expect(reason.kind == .broken)
    #expect(reason.detail.hasPrefix("Failed sending data to the peer") || reason.detail.hasPrefix("Failure when receiving data from the peer"), "\(reason)")
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(connection.send(from: Self.sender, to: "next@example.com", message: Self.message(3)).kept == "250 2.0.0 Ok: queued as 2")
    let received = try server.received()
    #expect(received.map(\.recipients) == [["first@example.com"], ["next@example.com"]])
    #expect(received.map(\.connection) == [1, 2])
  }

  @Test(arguments: [false, true])
  func messagesPerConnectionIsTheMostEachConnectionCarries(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    var relay = Self.relay(server)
    relay.messagesPerConnection = 2
    let connection = try SMTPConnection(configuration: relay)
    for number in 1...5 {
      #expect(connection.send(from: Self.sender, to: "reader\(number)@example.com", message: Self.message(number)).kept == "250 2.0.0 Ok: queued as \(number)")
    }
    #expect(try server.received().map(\.connection) == [1, 1, 2, 2, 3])
  }

  // MARK: Timeouts

  @Test(arguments: [false, true])
  func aServerThatNeverAnswersAfterDataIsGivenUpOnAfterTheCommandTimeout(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: pipelining)
    var relay = Self.relay(server)
    relay.commandTimeout = 1
    let connection = try SMTPConnection(configuration: relay)
    let start = Date()
    let outcome = connection.send(from: Self.sender, to: "stall@example.com", message: Self.message(1))
    let elapsed = Date().timeIntervalSince(start)
    #expect(outcome == .noReply(TransportFailure(.timeout, detail: "Timeout was reached (server response timeout)")))
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(elapsed > 0.9 && elapsed < 4, "gave up after \(elapsed) s, not the 20 s message timeout")
    // The stalled connection is not used again: both of the next messages go at once.
    for number in 2...3 {
      let start = Date()
      #expect(connection.send(from: Self.sender, to: "next\(number)@example.com", message: Self.message(number)).kept == "250 2.0.0 Ok: queued as \(number - 1)")
      #expect(Date().timeIntervalSince(start) < 0.9)
    }
    #expect(try server.received().map(\.connection) == [2, 2])
  }

  @Test(arguments: [(connect: 1, command: 30), (connect: 30, command: 1)])
  func aServerThatNeverGreetsIsGivenUpOnAfterTheShorterTimeout(_ timeouts: (connect: TimeInterval, command: TimeInterval)) throws {
    let server = try ScenarioSMTPServer(.silent)
    var relay = Self.relay(server)
    relay.connectTimeout = timeouts.connect
    relay.commandTimeout = timeouts.command
    relay.messageTimeout = 30
    let connection = try SMTPConnection(configuration: relay)
    let start = Date()
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    let elapsed = Date().timeIntervalSince(start)
    guard case .noReply(let reason) = outcome else {
      Issue.record("expected no reply, got \(outcome)")
      return
    }
    #expect(reason.kind == .timeout)
    #expect(reason.detail.hasPrefix("Timeout was reached ("), "\(reason)")
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(elapsed > 0.9 && elapsed < 4, "gave up after \(elapsed) s")
  }

  // MARK: TLS

  @Test func starttlsWithTheRelaysCertificateAsCAFileSends() throws {
    let server = try ScenarioSMTPServer(.starttls)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: .required, caFile: true))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(outcome.kept == "250 2.0.0 Ok: queued as 1")
    #expect(DeliveryVerdict(outcome) == .sent)
    let received = try server.received()
    #expect(received.map(\.tls) == [true])
    #expect(received.first?.bytes == Self.message(1))
  }

  @Test(arguments: [RelayConfiguration.TLS.required, .opportunistic])
  func starttlsWithAnUntrustedCertificateIsDeferredAndSaysSo(_ tls: RelayConfiguration.TLS) throws {
    let server = try ScenarioSMTPServer(.starttls)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: tls))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(
      outcome
        == .noReply(TransportFailure(.tls, detail:
          "SSL peer certificate or SSH remote key was not OK (SSL certificate problem: self-signed certificate); if the relay's certificate is from a private CA, give that CA's certificate as the CA file"
        )))
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(try server.mailFromCommands().isEmpty, "nothing said in the clear")
    #expect(try server.received().isEmpty)
  }

  @Test func noTLSAgainstAServerThatRequiresSTARTTLSGetsIts530() throws {
    let server = try ScenarioSMTPServer(.starttls)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: RelayConfiguration.TLS.none))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(outcome.kept == "530 Must issue a STARTTLS command first")
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(try server.received().isEmpty)
  }

  @Test func requiredTLSAgainstAServerWithoutSTARTTLSStopsBeforeMailFrom() throws {
    let server = try ScenarioSMTPServer(.plain)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: .required))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(outcome == .noReply(TransportFailure(.tls, detail: "Requested SSL level failed (STARTTLS not supported.)")))
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(try server.mailFromCommands().isEmpty)
    #expect(try server.received().isEmpty)
  }

  @Test(arguments: [(ScenarioSMTPServer.Mode.plain, false), (.starttls, true)])
  func opportunisticTLSUsesSTARTTLSWhenOffered(_ mode: ScenarioSMTPServer.Mode, _ encrypted: Bool) throws {
    let server = try ScenarioSMTPServer(mode)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: .opportunistic, caFile: encrypted))
    #expect(connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1)).kept == "250 2.0.0 Ok: queued as 1")
    #expect(try server.received().map(\.tls) == [encrypted])
  }

  @Test(arguments: [false, true])
  func smtpsWithImplicitTLSSends(_ pipelining: Bool) throws {
    let server = try ScenarioSMTPServer(.smtps, pipelining: pipelining)
    let connection = try SMTPConnection(configuration: Self.relay(server, caFile: true))
    for number in 1...2 {
      let outcome = connection.send(from: Self.sender, to: "reader\(number)@example.com", message: Self.message(number))
      #expect(outcome.kept == "250 2.0.0 Ok: queued as \(number)")
      #expect(DeliveryVerdict(outcome) == .sent)
    }
    let received = try server.received()
    #expect(received.map(\.tls) == [true, true])
    #expect(received.map(\.connection) == [1, 1], "one TLS session for both")
  }

  @Test func defaultsFollowRFC5321AndRequireTLSAwayFromLoopback() {
    let remote = RelayConfiguration(url: "smtp://mail.example.org:587")
    #expect(remote.tls == .required)
    #expect(remote.connectTimeout == 60)
    #expect(remote.commandTimeout == 300)
    #expect(remote.messageTimeout == 600)
    #expect(RelayConfiguration(url: "smtp://127.0.0.1:2525").tls == RelayConfiguration.TLS.none)
  }

  // MARK: AUTH

  static let password = "s3cret: pass%word"

  @Test(arguments: [(ScenarioSMTPServer.Mode.authPlain, "PLAIN"), (.authLogin, "LOGIN")])
  func authWithTheRightPasswordSends(_ mode: ScenarioSMTPServer.Mode, _ mechanism: String) throws {
    let server = try ScenarioSMTPServer(mode, username: "press", password: Self.password)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: .required, caFile: true, username: "press", password: Self.password))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(outcome.kept == "250 2.0.0 Ok: queued as 1")
    #expect(try server.authAttempts() == [.init(mechanism: mechanism, username: "press", password: Self.password, tls: true, success: true)])
    #expect(try server.received().map(\.login) == ["press"])
  }

  @Test(arguments: [ScenarioSMTPServer.Mode.authPlain, .authLogin])
  func authWithTheWrongPasswordIsDeferredWithIts535(_ mode: ScenarioSMTPServer.Mode) throws {
    let server = try ScenarioSMTPServer(mode, username: "press", password: Self.password)
    let connection = try SMTPConnection(configuration: Self.relay(server, tls: .required, caFile: true, username: "press", password: "wrong"))
    let outcome = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    #expect(outcome.kept == "535 5.7.8 Authentication credentials invalid")
    #expect(DeliveryVerdict(outcome) == .deferred)
    #expect(try server.authAttempts().map(\.success) == [false])
    #expect(try server.mailFromCommands().isEmpty)
    #expect(try server.received().isEmpty)
  }

  @Test(arguments: [ScenarioSMTPServer.Mode.authPlain, .authLogin])
  func theTraceShowsTheDialogueButNeverThePassword(_ mode: ScenarioSMTPServer.Mode) throws {
    let server = try ScenarioSMTPServer(mode, username: "press", password: Self.password)
    let log = CapturedLog()
    var logger = Logger(label: "test.smtp") { _ in CapturingLogHandler(log: log) }
    logger.logLevel = .trace
    for password in [Self.password, "wrong"] {
      let connection = try SMTPConnection(configuration: Self.relay(server, tls: .required, caFile: true, username: "press", password: password), logger: logger)
      _ = connection.send(from: Self.sender, to: "reader@example.com", message: Self.message(1))
    }
    let text = log.lines.joined(separator: "\n")
    #expect(text.contains(mode == .authPlain ? "AUTH PLAIN" : "AUTH LOGIN"), "the trace is on")
    #expect(text.contains("535 5.7.8 Authentication credentials invalid"))
    for secret in [Self.password, "wrong"] {
      for form in [secret, Data(secret.utf8).base64EncodedString(), Data("\0press\0\(secret)".utf8).base64EncodedString()] {
        #expect(!text.contains(form), "\(form) is in the log")
      }
    }
  }

  // MARK: Through the Deliverer

  static func enqueue(_ recipients: [String], in outbox: Outbox, big: Set<String> = []) throws {
    // Made a second ago: the Outbox rounds times to the nearest millisecond, and a message
    // enqueued within half a millisecond of being made would otherwise count as scheduled.
    let created = Date().addingTimeInterval(-1)
    try outbox.enqueue(
      recipients.map { recipient in
        OutboxMessage(
          campaign: "c1", sender: Self.sender, recipient: recipient, created: created, bytes: big.contains(recipient) ? Self.bigMessage : Self.message(1))
      })
  }

  static func makeOutbox() throws -> Outbox {
    try Outbox(directory: FileManager.default.temporaryDirectory.appendingPathComponent("herald-scenario-outbox-\(UUID().uuidString)"))
  }

  @Test func connectionFailuresDeferOnlyTheMessageInFlight() throws {
    let server = try ScenarioSMTPServer(.plain)
    let outbox = try Self.makeOutbox()
    defer { try? FileManager.default.removeItem(at: outbox.directory) }
    let recipients = ["one@example.com", "closing@example.com", "two@example.com", "drop@example.com", "three@example.com", "stall@example.com", "four@example.com"]
    try Self.enqueue(recipients, in: outbox, big: ["drop@example.com"])
    var relay = Self.relay(server)
    relay.commandTimeout = 1
    var policy = DeliveryPolicy()
    policy.connections = 1
    let start = Date()
    let report = Deliverer(outbox: outbox, relay: relay, policy: policy).deliverDue()
    #expect(Date().timeIntervalSince(start) < 8)
    #expect((report.sent, report.deferred, report.failed, report.paused) == (4, 3, 0, nil))
    // Each deferral under its reason, in words for people.
    #expect(report.reasons(for: .deferred).map(\.reason).sorted() == [
      "421 4.3.2 Service shutting down, closing transmission channel", "the connection to the relay broke", "the relay did not answer in time",
    ])
    let entries = Dictionary(uniqueKeysWithValues: try outbox.list().map { ($0.message.recipient, $0) })
    #expect(entries["closing@example.com"]?.state == .deferred)
    #expect(entries["closing@example.com"]?.message.attempts.map(\.reply) == ["421 4.3.2 Service shutting down, closing transmission channel"])
    #expect(entries["drop@example.com"]?.state == .deferred)
    #expect(entries["drop@example.com"]?.message.attempts.first?.reply.hasPrefix("no reply: the connection to the relay broke (Fail") == true)
    #expect(entries["stall@example.com"]?.state == .deferred)
    #expect(entries["stall@example.com"]?.message.attempts.map(\.reply) == ["no reply: the relay did not answer in time (Timeout was reached (server response timeout))"])
    for (index, recipient) in ["one@example.com", "two@example.com", "three@example.com", "four@example.com"].enumerated() {
      #expect(entries[recipient]?.state == .sent)
      #expect(entries[recipient]?.message.attempts.map(\.reply) == ["250 2.0.0 Ok: queued as \(index + 1)"])
    }
    #expect(try server.received().map(\.recipients) == [["one@example.com"], ["two@example.com"], ["three@example.com"], ["four@example.com"]])
  }

  @Test func theDelivererSendsEachConnectionsNextCommandsWithTheMessageBefore() throws {
    let server = try ScenarioSMTPServer(.plain, pipelining: true)
    let outbox = try Self.makeOutbox()
    defer { try? FileManager.default.removeItem(at: outbox.directory) }
    let recipients = (1...6).map { "reader\($0)@example.com" } + ["reject@example.com"] + (7...9).map { "reader\($0)@example.com" }
    try Self.enqueue(recipients, in: outbox)
    var policy = DeliveryPolicy()
    policy.connections = 1
    let report = Deliverer(outbox: outbox, relay: Self.relay(server), policy: policy).deliverDue()
    #expect((report.sent, report.deferred, report.failed, report.paused) == (9, 0, 1, nil))
    let received = try server.received()
    #expect(received.map(\.recipients) == recipients.filter { $0 != "reject@example.com" }.map { [$0] })
    #expect(received.allSatisfy { $0.connection == 1 })
    // After each message the next one's commands came with its end, but for the last.
    #expect(try server.pipelinedAfterMessages() == Array(repeating: true, count: 8) + [false])
    let counts = try outbox.counts()
    #expect(counts.byState[.sent] == 9 && counts.byState[.failed] == 1 && counts.byState[.active] ?? 0 == 0)
  }

  @Test func wrongCredentialsPauseTheRunAndLeaveTheRestInTheOutbox() throws {
    let server = try ScenarioSMTPServer(.authPlain, username: "press", password: Self.password)
    let outbox = try Self.makeOutbox()
    defer { try? FileManager.default.removeItem(at: outbox.directory) }
    try Self.enqueue((0..<10).map { "reader\($0)@example.com" }, in: outbox)
    var policy = DeliveryPolicy()
    policy.connections = 1
    policy.pauseAfterConsecutiveRelayFailures = 3
    let relay = Self.relay(server, tls: .required, caFile: true, username: "press", password: "wrong")
    let report = Deliverer(outbox: outbox, relay: relay, policy: policy).deliverDue()
    #expect(report.sent == 0 && report.deferred == 3 && report.failed == 0)
    let paused = try #require(report.paused)
    #expect(paused.contains("3 times in a row"), "\(paused)")
    #expect(paused.contains("535 5.7.8 Authentication credentials invalid"), "\(paused)")
    let counts = try outbox.counts()
    #expect(counts.byState[.deferred] == 3)
    #expect(counts.byState[.queue] == 7)
    #expect(counts.byState[.active] ?? 0 == 0)
    for entry in try outbox.list(state: .deferred) {
      #expect(entry.message.attempts.map(\.reply) == ["535 5.7.8 Authentication credentials invalid"])
    }
    #expect(try server.authAttempts().count == 3)
    #expect(try server.received().isEmpty)
  }
}

extension SMTPConnection.Outcome {
  /// The text an attempt keeps: the reply line, or "no reply: why".
  fileprivate var kept: String {
    switch self {
    case .reply(let reply): reply.text
    case .noReply(let reason): "no reply: \(reason)"
    }
  }
}

