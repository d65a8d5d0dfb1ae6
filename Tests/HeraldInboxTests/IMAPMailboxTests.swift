import Foundation
import HeraldCore
import HeraldCurl
import HeraldDelivery
import HeraldInbox
import HeraldTesting
import Logging
import Testing

/// The IMAP client against a real Dovecot on 127.0.0.1.
struct IMAPMailboxTests {
  static let password = "pa55-w0rd:Secret"

  static func mailbox(_ server: DovecotServer, mailbox name: String = "INBOX", password: String = Self.password, logger: Logger? = nil) throws -> IMAPMailbox {
    let configuration = MailboxConfiguration(url: server.url(mailbox: name), username: server.username, password: password)
    return try IMAPMailbox(configuration: configuration, logger: logger ?? Logger(label: "test.imap"))
  }

  static func message(_ number: Int, body: String = "Hello.") -> [UInt8] {
    Array("From: reader\(number)@example.org\r\nTo: press@example.com\r\nSubject: Message \(number)\r\nMessage-ID: <\(number)@example.org>\r\n\r\n\(body)\r\n".utf8)
  }

  // MARK: Status and UIDs

  @Test func statusIsStableAcrossCallsAndChangesAfterAReset() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    try server.deliver(Self.message(2))
    let first = try Self.mailbox(server).status()
    let mailbox = try Self.mailbox(server)
    let again = try mailbox.status()
    #expect(again.uidValidity == first.uidValidity)
    #expect(try mailbox.status().uidValidity == first.uidValidity)
    #expect(first.uidNext == 3)

    try server.resetUIDValidity()
    let after = try Self.mailbox(server).status()
    #expect(after.uidValidity != first.uidValidity)
    #expect(after.uidNext == 3)
  }

  @Test func uidsFromOneAndFromLaterOnes() throws {
    let server = try DovecotServer(password: Self.password)
    for number in 1...3 { try server.deliver(Self.message(number)) }
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.uids(from: 1) == [1, 2, 3])
    #expect(try mailbox.uids(from: 0) == [1, 2, 3])
    #expect(try mailbox.uids(from: 2) == [2, 3])
    // Dovecot answers 4:* with 3, the largest UID: it is not at or after 4.
    #expect(try mailbox.uids(from: 4) == [])
    // New mail on the same connection.
    try server.deliver(Self.message(4))
    #expect(try mailbox.uids(from: 4) == [4])
  }

  @Test func anEmptyMailboxHasNoUIDs() throws {
    let server = try DovecotServer(password: Self.password)
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.uids(from: 1) == [])
    #expect(try mailbox.status().uidNext == 1)
  }

  // MARK: Fetch

  /// Messages that a line-based reader would get wrong.
  static let awkwardMessages: [(name: String, bytes: [UInt8])] = {
    let eightBit = Array("Subject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nÄrger über Öl, 日本語\r\n".utf8)
      + Array("raw: ".utf8) + (0x80...0xFF).map { UInt8($0) } + [0x0D, 0x0A]
    let dots = Array("Subject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\n* 3 FETCH (FLAGS (\\Seen))\r\n+ a plus\r\n+\r\n) closing\r\n{12}\r\nend".utf8)
    let longLine = Array("Subject: one long line\r\n\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100_000) + [0x0D, 0x0A]
    var big = Array("Subject: big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8)
    let line = Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n".utf8)
    while big.count < 2 * 1024 * 1024 { big += line }
    return [("8-bit", eightBit), ("dots, lookalike responses, no final CRLF", dots), ("a 100 kB line", longLine), ("2 MB", big)]
  }()

  @Test(arguments: awkwardMessages.indices)
  func fetchReturnsTheExactBytesAndLeavesTheMessageUnseen(_ index: Int) throws {
    let (name, bytes) = Self.awkwardMessages[index]
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    try server.deliver(bytes)
    let mailbox = try Self.mailbox(server)
    let fetched = try #require(try mailbox.fetch(uid: 2), "\(name)")
    #expect(fetched.count == bytes.count, "\(name)")
    #expect(fetched == bytes, "\(name)")
    #expect(try mailbox.fetch(uid: 1) == Self.message(1))
    let flags = try server.flags()
    #expect(flags == [1: [], 2: []], "BODY.PEEK[] sets no flag: \(flags)")
  }

  @Test func fetchAfterStatusReadsTheExaminedMailbox() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    let mailbox = try Self.mailbox(server)
    _ = try mailbox.status()
    #expect(try mailbox.uids(from: 1) == [1])
    #expect(try mailbox.fetch(uid: 1) == Self.message(1))
    let flags = try server.flags()
    #expect(flags == [1: []], "\(flags)")
  }

  @Test func fetchingAUIDThatIsGoneGivesNil() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.fetch(uid: 7) == nil)
    #expect(try mailbox.fetch(uid: 1) == Self.message(1))
  }

  /// A line of the message that looks like the end of the command (libcurl's own IMAP
  /// reading, before 8.17, would stop there) is part of the message.
  @Test func aLineLookingLikeTheCommandsEndIsPartOfTheMessage() throws {
    let server = try DovecotServer(password: Self.password)
    let trap = Array("Subject: trap\r\n\r\nA004 OK Fetch completed.\r\nH3 OK Fetch completed.\r\nthe rest\r\n".utf8)
    try server.deliver(trap)
    try server.deliver(Self.message(2))
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.fetch(uid: 1) == trap)
    #expect(try mailbox.fetch(uid: 2) == Self.message(2))
  }

  // MARK: Flags and moves

  @Test func markSeenSetsSeenAfterStatusExaminedTheMailbox() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    try server.deliver(Self.message(2))
    let mailbox = try Self.mailbox(server)
    _ = try mailbox.status()  // EXAMINE: read-only until SELECTed again
    try mailbox.markSeen(uid: 2)
    #expect(try server.flags() == [1: [], 2: ["\\Seen"]])
  }

  @Test func aSeenMessageStaysSeen() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1), seen: true)
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.fetch(uid: 1) == Self.message(1))
    let flags = try server.flags()
    #expect(flags == [1: ["\\Seen"]], "\(flags)")
  }

  /// Dovecot's own capabilities (MOVE), then without MOVE (UIDPLUS), then without either.
  @Test(arguments: [nil, "IMAP4rev1 LITERAL+ UIDPLUS", "IMAP4rev1 LITERAL+"] as [String?])
  func moveTakesTheMessageToAnotherMailbox(_ capability: String?) throws {
    let server = try DovecotServer(password: Self.password, capability: capability)
    for number in 1...3 { try server.deliver(Self.message(number)) }
    try server.createMailbox("Presse Archiv Ü")
    let mailbox = try Self.mailbox(server)
    _ = try mailbox.status()
    try mailbox.move(uid: 2, to: "Presse Archiv Ü")
    #expect(try mailbox.uids(from: 1) == [1, 3])
    #expect(try server.messages(in: "Presse Archiv Ü") == [Self.message(2)])
    #expect(try server.flags(in: "Presse Archiv Ü").count == 1)
    #expect(try server.flags().keys.sorted() == [1, 3])
    try mailbox.move(uid: 3, to: "Presse Archiv Ü")
    #expect(try mailbox.uids(from: 1) == [1])
  }

  @Test func movingToAMailboxThatDoesNotExistSaysSo() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    let mailbox = try Self.mailbox(server)
    let error = try #require(throws: InboxError.self) { try mailbox.move(uid: 1, to: "Nowhere") }
    #expect(error.code == .mailbox)
    #expect((error.underlying as? IMAPFailure)?.kind == .noMailbox)
    #expect(error.message.contains("“Nowhere”"), "\(error)")
    #expect(try mailbox.uids(from: 1) == [1], "the message stays")
  }

  @Test func aMailboxNamedWithSpacesAndAccentsIsRead() throws {
    let server = try DovecotServer(password: Self.password)
    try server.createMailbox("Presse Anfragen & Ärger")
    try server.deliver(Self.message(1), to: "Presse Anfragen & Ärger")
    #expect(try server.mailboxes().contains("Presse Anfragen & Ärger"))
    let mailbox = try Self.mailbox(server, mailbox: "Presse Anfragen & Ärger")
    #expect(try mailbox.status().uidNext == 2)
    #expect(try mailbox.uids(from: 1) == [1])
    #expect(try mailbox.fetch(uid: 1) == Self.message(1))
    try mailbox.markSeen(uid: 1)
    #expect(try server.flags(in: "Presse Anfragen & Ärger") == [1: ["\\Seen"]])
  }

  @Test func aConnectionTheServerClosedIsMadeAgain() throws {
    let server = try DovecotServer(password: Self.password)
    try server.deliver(Self.message(1))
    try server.deliver(Self.message(2))
    let mailbox = try Self.mailbox(server)
    #expect(try mailbox.status().uidNext == 3)
    #expect(try server.disconnectClients())
    #expect(try mailbox.uids(from: 1) == [1, 2])
    #expect(try server.disconnectClients())
    #expect(try mailbox.fetch(uid: 2) == Self.message(2))
    try mailbox.markSeen(uid: 2)
    #expect(try server.disconnectClients())
    try mailbox.markSeen(uid: 1)
    let flags = try server.flags()
    #expect(flags == [1: ["\\Seen"], 2: ["\\Seen"]], "\(flags)")
  }

  // MARK: TLS

  /// STARTTLS on imap://, and TLS from the first byte on imaps://: a big message whole.
  @Test(arguments: [false, true])
  func aMailboxIsReadOverTLS(_ implicit: Bool) throws {
    let server = try DovecotServer(password: Self.password, tls: true)
    let big = Self.awkwardMessages[3].bytes
    try server.deliver(big)
    var configuration = MailboxConfiguration(url: server.url(tls: implicit), tls: .required, username: "press", password: Self.password)
    configuration.caFile = server.certificateFile?.path
    let mailbox = try IMAPMailbox(configuration: configuration)
    #expect(try mailbox.uids(from: 1) == [1])
    #expect(try mailbox.fetch(uid: 1) == big)
    try mailbox.markSeen(uid: 1)
    #expect(try server.flags() == [1: ["\\Seen"]])
  }

  @Test func aCertificateThatIsNotTrustedIsATLSError() throws {
    let server = try DovecotServer(password: Self.password, tls: true)
    let mailbox = try IMAPMailbox(configuration: MailboxConfiguration(url: server.url(), tls: .required, username: "press", password: Self.password))
    let error = try #require(throws: InboxError.self) { try mailbox.status() }
    #expect((error.underlying as? IMAPFailure)?.kind == .tls, "\(error)")
    #expect(error.message.contains("inbox.ca_file"), "\(error)")
  }

  /// (Dovecot takes connections from 127.0.0.1 as secure: a login without TLS works there.)
  @Test func aServerWithNoMechanismInCommonSaysWhatMayBeWrong() throws {
    let server = try DovecotServer(password: Self.password, mechanisms: ["anonymous"])
    let error = try #require(throws: InboxError.self) { try Self.mailbox(server).status() }
    #expect((error.underlying as? IMAPFailure)?.kind == .login, "\(error)")
    #expect(error.message.hasPrefix("cannot log in to the IMAP server 127.0.0.1:\(server.port) as “press”"), "\(error)")
    #expect(error.message.contains("only over TLS"), "\(error)")
  }

  // MARK: Failures

  @Test func aWrongPasswordIsARefusedLogin() throws {
    let server = try DovecotServer(password: Self.password)
    let mailbox = try Self.mailbox(server, password: "wrong-Pa55word")
    let error = try #require(throws: InboxError.self) { try mailbox.status() }
    #expect(error.code == .mailbox)
    #expect((error.underlying as? IMAPFailure)?.kind == .login)
    #expect(error.message.contains("refused the login for “press”"), "\(error)")
    #expect(error.message.contains("HERALD_IMAP_PASSWORD"), "\(error)")
    #expect(!error.message.contains("wrong-Pa55word"))
    #expect(!"\(error.causes)".contains("wrong-Pa55word"))
  }

  @Test func aMailboxThatDoesNotExistSaysSo() throws {
    let server = try DovecotServer(password: Self.password)
    let mailbox = try Self.mailbox(server, mailbox: "Nope")
    let error = try #require(throws: InboxError.self) { try mailbox.status() }
    #expect((error.underlying as? IMAPFailure)?.kind == .noMailbox)
    #expect(error.message.contains("the mailbox “Nope” does not exist"), "\(error)")
    let again = try #require(throws: InboxError.self) { try mailbox.uids(from: 1) }
    #expect((again.underlying as? IMAPFailure)?.kind == .noMailbox, "\(again)")
  }

  @Test func aPortNothingListensOnCannotBeConnectedTo() throws {
    let port = try BackgroundProcess.freePort()
    let mailbox = try IMAPMailbox(configuration: MailboxConfiguration(url: "imap://127.0.0.1:\(port)/INBOX", username: "press", password: "x"))
    let error = try #require(throws: InboxError.self) { try mailbox.uids(from: 1) }
    #expect(error.code == .mailbox)
    #expect((error.underlying as? IMAPFailure)?.kind == .refused)
    #expect(error.message.hasPrefix("cannot connect to the IMAP server 127.0.0.1:\(port)"), "\(error)")
  }

  @Test(arguments: [
    "http://mail.example.org/INBOX", "imap:///INBOX", "imap://press:secret@mail.example.org/INBOX", "imap://mail.example.org/INBOX;UID=5",
    "imap://mail.example.org/INBOX",  // tls: none off loopback
  ])
  func aURLThatCannotBeUsedIsRefusedUpFront(_ url: String) throws {
    let error = try #require(throws: InboxError.self) { try IMAPMailbox(configuration: MailboxConfiguration(url: url, tls: MailboxConfiguration.TLS.none)) }
    #expect(error.code == .mailbox)
    #expect(!error.message.contains("secret"))
  }

  // MARK: The trace

  enum Login: String, CaseIterable {
    /// AUTHENTICATE PLAIN with the initial response on the command line (SASL-IR).
    case plainInitialResponse
    /// AUTHENTICATE PLAIN answering a "+" (no SASL-IR).
    case plainChallenge
    /// AUTHENTICATE LOGIN: the user name, then the password, each answering a "+".
    case loginMechanism
    /// The LOGIN command (a server that offers no SASL mechanism).
    case loginCommand
  }

  @Test(arguments: Login.allCases)
  func theTraceShowsTheDialogueButNeverThePassword(_ login: Login) throws {
    let server: DovecotServer
    switch login {
    case .plainInitialResponse, .loginCommand: server = try DovecotServer(password: Self.password)
    case .plainChallenge: server = try DovecotServer(password: Self.password, mechanisms: ["plain"], capability: "IMAP4rev1 LITERAL+ MOVE UIDPLUS")
    case .loginMechanism: server = try DovecotServer(password: Self.password, mechanisms: ["login"])
    }
    let relay = login == .loginCommand ? try CapabilityFilter(to: server.port) : nil
    let url = relay.map { "imap://127.0.0.1:\($0.port)/INBOX" } ?? server.url()
    try server.deliver(Array("Subject: private\r\n\r\nThe embargoed figures.\r\n".utf8))
    let log = CapturedLog()
    var logger = Logger(label: "test.imap") { _ in CapturingLogHandler(log: log) }
    logger.logLevel = .trace
    for password in [Self.password, "wrong-Pa55word"] {
      let mailbox = try IMAPMailbox(configuration: MailboxConfiguration(url: url, username: "press", password: password), logger: logger)
      _ = try? mailbox.fetch(uid: 1)
    }
    let text = log.lines.joined(separator: "\n")
    let expectedLogin: String
    switch login {
    case .plainInitialResponse: expectedLogin = "AUTHENTICATE PLAIN [initial response withheld]"
    case .plainChallenge: expectedLogin = "AUTHENTICATE PLAIN"
    case .loginMechanism: expectedLogin = "AUTHENTICATE LOGIN [initial response withheld]"
    case .loginCommand: expectedLogin = "LOGIN [credentials withheld]"
    }
    #expect(text.contains(expectedLogin), "\(text)")
    if login == .plainChallenge || login == .loginMechanism {
      #expect(text.contains("> [authentication response withheld]"), "\(text)")
    }
    #expect(text.contains("UID FETCH 1 BODY.PEEK[]"), "the trace is on")
    #expect(text.contains("[AUTHENTICATIONFAILED]") || text.contains("Authentication failed"), "\(text)")
    #expect(!text.contains("embargoed"), "the message is not traced")
    for secret in [Self.password, "wrong-Pa55word"] {
      for form in [secret, Data(secret.utf8).base64EncodedString(), Data("\0press\0\(secret)".utf8).base64EncodedString()] {
        #expect(!text.contains(form), "\(form) is in the log")
      }
    }
  }
}


/// A relay to an IMAP server on 127.0.0.1 that takes the AUTH= capabilities out of what the
/// server says, so that libcurl (before 8.2, which has no AUTH=+LOGIN) logs in with the
/// LOGIN command. One connection at a time, on threads of its own.
private final class CapabilityFilter: @unchecked Sendable {
  let port: Int
  private let listener: Int32
  private let target: Int

  init(to target: Int) throws {
    self.target = target
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.listener = listener
    var address = Self.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
    }
    guard bound, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread.detachNewThread { Self.acceptLoop(listener, target: target) }
  }

  deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  private static func acceptLoop(_ listener: Int32, target: Int) {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = loopback(port: target)
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
      }
      guard connected else { close(client); close(upstream); continue }
      Thread.detachNewThread { pump(from: client, to: upstream, filter: false) }
      Thread.detachNewThread { pump(from: upstream, to: client, filter: true) }
    }
  }

  private static func pump(from source: Int32, to destination: Int32, filter: Bool) {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = read(source, &buffer, buffer.count)
      guard count > 0 else { break }
      var chunk = Array(buffer[..<count])
      if filter {
        // The tests' messages through it are ASCII: text is safe here.
        var text = String(decoding: chunk, as: UTF8.self)
        for word in [" AUTH=PLAIN", " AUTH=LOGIN", " SASL-IR"] { text = text.replacingOccurrences(of: word, with: "") }
        chunk = Array(text.utf8)
      }
      var sent = 0
      while sent < chunk.count {
        // MSG_NOSIGNAL: the other side may have gone, and SIGPIPE would end the test run.
        let written = chunk[sent...].withUnsafeBytes { Foundation.send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard written > 0 else { break }
        sent += written
      }
    }
    shutdown(destination, Int32(SHUT_RDWR))
    shutdown(source, Int32(SHUT_RDWR))
  }
}
