import CCurl
import Foundation
import HeraldCurl
import HeraldMail
import Logging

/// Where and how to reach the relay. Every field has its default here, and only here:
/// herald.yml's `relay:` and `delivery:` override them.
package struct RelayConfiguration: CurlConnectionSettings, Sendable, Equatable {
  /// How the connection is protected: `required` (smtps://, or STARTTLS that must succeed;
  /// the default for hosts other than loopback), `opportunistic` (STARTTLS when offered),
  /// `none` (loopback relays only).
  package typealias TLS = TLSPolicy

  /// `smtp://host:port` (STARTTLS as `tls` says) or `smtps://host:465` (TLS from the start);
  /// nil until herald.yml's `relay:` or `--smtp` names one.
  package var url: String?
  /// STARTTLS policy; by default `required`, or `none` when the relay is on loopback.
  package var tls: TLSPolicy {
    get { tlsPolicy ?? .default(for: url) }
    set { tlsPolicy = newValue }
  }
  private var tlsPolicy: TLSPolicy?
  /// The AUTH user name, if the relay wants one.
  package var username: String?
  /// The AUTH password: from the environment or a 0600 file, never from argv or a log.
  package var password: String?
  /// A CA bundle to trust instead of the system's (a private relay's certificate).
  package var caFile: String?
  /// Seconds to wait for the connection, TLS and greeting (RFC 5321 §4.5.3.2 allows 5 minutes).
  package var connectTimeout: TimeInterval = 60
  /// Seconds to wait for any one reply, the one after the message's end included, before
  /// giving up on the connection (RFC 5321 §4.5.3.2: 5 minutes per command).
  package var commandTimeout: TimeInterval = 300
  /// Seconds one message may take in all: connecting when needed, MAIL FROM, the message,
  /// and the reply after it (RFC 5321 §4.5.3.2 allows 10 minutes for that reply alone).
  package var messageTimeout: TimeInterval = 600
  /// Messages sent on one connection before it is closed and opened anew.
  package var messagesPerConnection: Int = 1000

  /// The defaults, with no relay named yet.
  package init() {}

  /// A configuration for `url`; `tls` by default is `required` unless the host is loopback.
  package init(url: String, tls: TLSPolicy? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil) {
    self.url = url
    self.tlsPolicy = tls
    self.username = username
    self.password = password
    self.caFile = caFile
  }

  /// Whether `url` is an smtp:// or smtps:// address with a host.
  package static func isValid(url: String) -> Bool {
    guard let parsed = URL(string: url), let scheme = parsed.scheme, ["smtp", "smtps"].contains(scheme.lowercased()) else { return false }
    return !(parsed.host ?? "").isEmpty
  }
}

/// One SMTP connection to the relay. libcurl makes it (TCP, TLS or STARTTLS with the
/// certificate checked, EHLO, AUTH: CURLOPT_CONNECT_ONLY), and Herald speaks the mail
/// transactions on it with `curl_easy_send` and `curl_easy_recv`: one recipient per
/// transaction so every reply belongs to one subscriber, many transactions per connection.
///
/// When the relay offers PIPELINING (RFC 2920), MAIL FROM, RCPT TO and DATA go in one write
/// and the message with its end in another, and the replies are read as they come: two
/// writes and two or three reads a message. libcurl's own SMTP transfer (a curl_easy_perform
/// per message) waits for each reply in turn and scans every byte it uploads, about 11 polls,
/// 5 writes and 4 reads a message, which cost more CPU than the rest of a delivery. Without
/// PIPELINING the commands go one at a time, each reply awaited. Not Sendable: one per thread.
package final class SMTPConnection: MessageTransport, CurlTraceReceiver {
  private let curl: CurlEasy
  private let configuration: RelayConfiguration
  private let logger: Logger
  private let interrupt: TransferInterrupt?
  /// Whether the dialogue goes to the logger (at trace level; AUTH secrets and the messages
  /// themselves left out).
  private let tracing: Bool

  // libcurl's connecting, through its callbacks (the context pointer).
  /// libcurl is connecting: its trace and reply lines belong to the connection's setup.
  private var connecting = false
  private var replyLines: [String] = []
  /// The lines of the last final answer while connecting: a refusal of the connection or
  /// the login (554 greeting, 535 AUTH) is the outcome of the message that wanted it.
  private var lastReplyLines: [String] = []
  private var partialLine: [UInt8] = []
  /// The server sent an AUTH challenge (334): the client's next line carries credentials.
  private var answeringChallenge = false
  /// The EHLO keywords of the last EHLO reply ("PIPELINING", "SIZE", "SMTPUTF8").
  private var offered: Set<String> = []

  // The session on the connection.
  /// The connection's socket once libcurl has connected; nil before, and after a failure.
  private var socket: curl_socket_t?
  /// The relay takes MAIL FROM, RCPT TO and DATA in one write (RFC 2920).
  private var pipelining = false
  /// The relay takes a SIZE parameter on MAIL FROM (RFC 1870).
  private var declaresSize = false
  /// The relay takes addresses in UTF-8 (RFC 6531).
  private var smtpUTF8 = false
  private var transactionsOnConnection = 0
  /// A transaction was refused part-way: the next starts with RSET.
  private var needsReset = false
  /// The envelope whose commands went with the last message's end, not yet answered.
  private var pipelinedAhead: Envelope?
  /// Bytes read from the relay, from `readStart` on not yet taken as replies.
  private var received: [UInt8] = []
  private var readStart = 0
  private var readBuffer = [UInt8](repeating: 0, count: 16_384)
  /// What goes to the relay next: commands, or the message dot-stuffed with its end.
  private var output: [UInt8] = []

  /// Makes a connection (it connects on the first message).
  /// - Parameter logger: gets a line per failed transfer at debug level, and the dialogue
  ///   when its level is trace (`HERALD_LOG=trace`), never a password.
  /// - Parameter interrupt: ends the transfer in progress when set (a shutdown's deadline).
  /// - Throws: `DeliveryError` `.connection` when no relay is named or libcurl cannot be
  ///   set up (an option it refuses is named).
  package init(configuration: RelayConfiguration, logger: Logger = Logger(label: "herald.smtp"), interrupt: TransferInterrupt? = nil) throws {
    guard let url = configuration.url else {
      throw DeliveryError(.connection, "no relay to send through: pass --smtp smtp://host:port, or set “relay:” in herald.yml")
    }
    self.configuration = configuration
    self.logger = logger
    self.interrupt = interrupt
    tracing = logger.logLevel <= .trace
    do {
      curl = try CurlEasy()
      try configure(url: url)
    } catch let error as CurlError {
      throw DeliveryError(.connection, "cannot set up the SMTP client: \(error.message)", underlying: error)
    }
    received.reserveCapacity(readBuffer.count)
  }

  deinit {
    // Say goodbye and close: libcurl's own QUIT when it frees the handle would wait up to
    // the command timeout on a relay gone quiet. Its callbacks lose their context first:
    // this object is going.
    close(politely: true)
    curl.stopTracing()
    try? curl.set(CURLOPT_HEADERDATA, pointer: nil)
    try? curl.set(CURLOPT_XFERINFODATA, pointer: nil)
  }

  /// Sets what stays the same for every connection, once.
  private func configure(url: String) throws {
    let context = Unmanaged.passUnretained(self).toOpaque()
    try curl.connect(to: url, using: configuration)
    // Connect, TLS, EHLO, AUTH, and hand the connection over.
    try curl.set(CURLOPT_CONNECT_ONLY, 1)
    // A connection made for CONNECT_ONLY is never used again by libcurl: keep only the newest.
    try curl.set(CURLOPT_MAXCONNECTS, 1)
    if interrupt != nil {
      try curl.set(CURLOPT_NOPROGRESS, 0)
      try curl.setProgressCallback { context, _, _, _, _ in
        guard let context else { return 0 }
        return Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().interrupt?.isInterrupted == true ? 1 : 0
      }
      try curl.set(CURLOPT_XFERINFODATA, pointer: context)
    }
    // libcurl's trace of the connection's setup, through the logger and without AUTH secrets.
    if tracing { try curl.trace(to: self) }
    // For SMTP, libcurl hands every server reply line to the header callback.
    try curl.set(CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
      let length = size * count
      guard let buffer, let context else { return length }
      Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().received(UnsafeRawBufferPointer(start: buffer, count: length))
      return length
    }
    try curl.set(CURLOPT_HEADERDATA, pointer: context)
  }

  /// What happened to one message (the transport's outcome).
  package typealias Outcome = TransportOutcome

  /// Sends one message to one recipient and returns the server's final reply.
  package func send(from sender: String, to recipient: String, message: [UInt8]) -> TransportOutcome {
    send(from: sender, to: recipient, message: message) { nil }
  }

  /// Sends one message to one recipient and returns the server's final reply; asks `next`
  /// for the envelope of the message to send after it while the relay answers this one's
  /// commands, and with PIPELINING sends that envelope's commands with this message's end
  /// (RFC 2920 §3.1: the end of data may start a group), to be answered when it is sent.
  package func send(from sender: String, to recipient: String, message: [UInt8], next: () -> Envelope?) -> TransportOutcome {
    let deadline = Deadline(start: Self.now(), configuration: configuration)
    let envelope = Envelope(sender: sender, recipient: recipient, size: message.count)
    // Commands sent ahead for another message: that transaction is open (its DATA may have
    // been accepted already), and only dropping the connection ends it without a message.
    if let ahead = pipelinedAhead, ahead != envelope { close(politely: false) }
    if socket == nil, let refused = connect(deadline) { return refused }
    let sentAhead = pipelinedAhead != nil
    pipelinedAhead = nil

    // The commands (where each is in `output`), and the class of reply each must get for
    // the transaction to go on.
    output.removeAll(keepingCapacity: true)
    let commands = appendCommands(for: envelope)

    var lastCode = 0
    var refusal: Reply?
    var nextEnvelope: Envelope?
    do {
      if pipelining {
        if !sentAhead {
          try write(output[...], until: deadline)
          traceCommands(commands.map(\.range))
        }
        nextEnvelope = next()
        for (_, expected) in commands {
          let reply = try readReply(until: deadline)
          lastCode = reply.code
          if refusal == nil && reply.code / 100 != expected { refusal = reply }
        }
      } else {
        for (index, (range, expected)) in commands.enumerated() {
          try write(output[range], until: deadline)
          traceCommands([range])
          if index == 0 { nextEnvelope = next() }
          let reply = try readReply(until: deadline)
          lastCode = reply.code
          if reply.code / 100 != expected {
            refusal = reply
            break
          }
        }
      }
      needsReset = false
      if let refusal {
        // RFC 2920 §3.1: a DATA accepted after the recipient was refused gets an empty message.
        if lastCode == 354 {
          try write(Self.endOfData[...], until: deadline)
          _ = try readReply(until: deadline)
        }
        needsReset = true
        return finish(refusal)
      }
      Self.stuff(message, into: &output)
      // The next transaction's commands go with this one's end, unless this is the last
      // message the connection may carry.
      let ahead = pipelining && transactionsOnConnection + 1 < configuration.messagesPerConnection ? nextEnvelope : nil
      let aheadCommands = ahead.map { appendCommands(for: $0) } ?? []
      try write(output[...], until: deadline)
      if tracing {
        logger.trace("> [the message, \(message.count) bytes, and its end]")
        traceCommands(aheadCommands.map(\.range))
      }
      pipelinedAhead = ahead
      return finish(try readReply(until: deadline))
    } catch {
      close(politely: false)
      // A refusal that came before the connection failed (a 421, then the relay hung up)
      // says more than the failure.
      if let refusal { return .reply(refusal.smtp) }
      let failure = (error as? SessionFailure)?.failure ?? TransportFailure(.broken, detail: "\(error)")
      logger.debug("SMTP transfer failed", metadata: ["reason": "\(failure.detail)"])
      return .noReply(failure)
    }
  }

  /// Appends a transaction's commands to `output` (RSET first after a refused one): where
  /// each is, and the class of reply it must get for the transaction to go on.
  private func appendCommands(for envelope: Envelope) -> [(range: Range<Int>, expected: Int)] {
    var commands: [(range: Range<Int>, expected: Int)] = []
    func command(_ parts: String..., expected: Int) {
      let start = output.count
      for part in parts { output.append(contentsOf: part.utf8) }
      output.append(contentsOf: [0x0D, 0x0A])
      commands.append((start..<output.count, expected))
    }
    if needsReset { command("RSET", expected: 2) }
    let international = smtpUTF8 && !(envelope.sender.utf8.allSatisfy { $0 < 0x80 } && envelope.recipient.utf8.allSatisfy { $0 < 0x80 })
    command("MAIL FROM:<", envelope.sender, ">", declaresSize ? " SIZE=\(envelope.size)" : "", international ? " SMTPUTF8" : "", expected: 2)
    command("RCPT TO:<", envelope.recipient, ">", expected: 2)
    command("DATA", expected: 3)
    return commands
  }

  /// The outcome of a transaction that got its answer; the connection closes after a 421
  /// (the relay is closing it) or its last allowed transaction.
  private func finish(_ reply: Reply) -> TransportOutcome {
    transactionsOnConnection += 1
    // Some relays limit messages per session: the last one allowed closes the connection.
    if reply.code == 421 || transactionsOnConnection >= configuration.messagesPerConnection {
      close(politely: reply.code != 421)
    }
    return .reply(reply.smtp)
  }

  // MARK: Connecting

  /// Has libcurl make a new connection (TLS, EHLO, AUTH as configured); the outcome of the
  /// message when it cannot, nil when connected.
  private func connect(_ deadline: Deadline) -> TransportOutcome? {
    close(politely: false)
    replyLines.removeAll(keepingCapacity: true)
    lastReplyLines.removeAll(keepingCapacity: true)
    partialLine.removeAll(keepingCapacity: true)
    answeringChallenge = false
    offered = []
    do {
      try curl.set(CURLOPT_FRESH_CONNECT, 1)
      // Connecting counts against the message's time.
      try curl.set(CURLOPT_TIMEOUT_MS, max(1, Int((deadline.message - Self.now()) * 1000)))
    } catch {
      logger.error("cannot set up the SMTP connection", metadata: ["error": "\(error)"])
      return .noReply(TransportFailure(.local, detail: "\(error)"))
    }
    connecting = true
    let result = curl.perform()
    connecting = false
    guard result == CURLE_OK, let socket = try? curl.activeSocket() else {
      if let reply = SMTPReply(lines: lastReplyLines), !reply.isSuccess {
        // A refused greeting or AUTH: the reply that refused it.
        return .reply(reply)
      }
      let failure = self.failure(result)
      logger.debug("SMTP connection failed", metadata: ["curl": "\(result.rawValue)", "reason": "\(failure.detail)"])
      return .noReply(failure)
    }
    self.socket = socket
    pipelining = offered.contains("PIPELINING")
    declaresSize = offered.contains("SIZE")
    smtpUTF8 = offered.contains("SMTPUTF8")
    transactionsOnConnection = 0
    needsReset = false
    return nil
  }

  /// Ends the connection: with QUIT when it is in a state to hear it, then shut down (libcurl,
  /// seeing it dead, closes it at once instead of sending a QUIT of its own and waiting).
  private func close(politely: Bool) {
    guard let socket else { return }
    // With a transaction sent ahead, QUIT could be taken for the message itself.
    if politely && pipelinedAhead == nil {
      let deadline = Deadline(start: Self.now(), seconds: min(configuration.commandTimeout, 2))
      if (try? write(Self.quit[...], until: deadline)) != nil {
        if tracing { logger.trace("> QUIT") }
        _ = try? readReply(until: deadline)
      }
    }
    shutdown(socket, Int32(SHUT_RDWR))
    self.socket = nil
    received.removeAll(keepingCapacity: true)
    readStart = 0
    needsReset = false
    pipelinedAhead = nil
  }

  /// Why libcurl could not connect: its kind, and libcurl's words.
  private func failure(_ result: CURLcode) -> TransportFailure {
    guard result != CURLE_OK else { return TransportFailure(.broken, detail: "libcurl kept no connection after connecting") }
    let failure = curl.failure(result)
    switch failure.kind {
    case .refused: return TransportFailure(.refused, detail: failure.detail)
    case .unreachable: return TransportFailure(.unreachable, detail: failure.detail)
    case .unresolved: return TransportFailure(.unresolved, detail: failure.detail)
    case .timeout: return TransportFailure(.timeout, detail: failure.detail)
    case .login: return TransportFailure(.login, detail: failure.detail)
    case .interrupted: return TransportFailure(.interrupted, detail: failure.detail)
    case .untrustedCertificate:
      return TransportFailure(
        .tls, detail: failure.detail + "; if the relay's certificate is from a private CA, give that CA's certificate as the CA file")
    case _ where failure.kind.isTLS: return TransportFailure(.tls, detail: failure.detail)
    default: return TransportFailure(.broken, detail: failure.detail)
    }
  }

  /// Collects the reply lines libcurl reads while connecting; a line "NNN text" (space
  /// after the code) ends a reply.
  private func received(_ bytes: UnsafeRawBufferPointer) {
    partialLine.append(contentsOf: bytes)
    var start = 0
    while let newline = partialLine[start...].firstIndex(of: 0x0A) {
      var end = newline
      if end > start && partialLine[end - 1] == 0x0D { end -= 1 }  // CRLF
      let length = end - start
      let line = String(decoding: partialLine[start..<end], as: UTF8.self)
      replyLines.append(line)
      if line.hasPrefix("220") {
        offered = []  // a greeting, or TLS starting: the EHLO that follows says it all again
      } else if length > 4, line.hasPrefix("250") {
        // EHLO's keywords, one a line after the first: "250-PIPELINING", "250 SIZE 10240000".
        offered.insert(String(decoding: partialLine[(start + 4)..<end].prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self).uppercased())
      }
      // "NNN text" (a space, or nothing, after the code) ends a reply; "NNN-text" goes on.
      if length >= 3, length == 3 || partialLine[start + 3] == 0x20 {
        // Only a final answer counts: never a 3xx (334 AUTH challenge), which would stand as
        // the outcome when the server goes silent after it.
        if partialLine[start] != UInt8(ascii: "3") {
          swap(&lastReplyLines, &replyLines)
        }
        replyLines.removeAll(keepingCapacity: true)
      }
      start = newline + 1
    }
    partialLine.removeSubrange(..<start)
  }

  // MARK: The dialogue

  /// How long this message may still take: each reply within the command timeout, all of
  /// it within the message timeout (seconds on the monotonic clock).
  private struct Deadline {
    var message: Double
    var commandTimeout: Double

    init(start: Double, configuration: RelayConfiguration) {
      message = start + configuration.messageTimeout
      commandTimeout = configuration.commandTimeout
    }

    init(start: Double, seconds: Double) {
      message = start + seconds
      commandTimeout = seconds
    }
  }

  /// Why the dialogue on the connection stopped.
  private enum SessionFailure: Error {
    case timeout(String)
    case broken(String)
    case interrupted

    var failure: TransportFailure {
      switch self {
      case .timeout(let detail): TransportFailure(.timeout, detail: detail)
      case .broken(let detail): TransportFailure(.broken, detail: detail)
      case .interrupted: TransportFailure(.interrupted, detail: String(cString: curl_easy_strerror(CURLE_ABORTED_BY_CALLBACK)))
      }
    }
  }

  /// One reply: its code, and its lines for the outcome.
  private struct Reply {
    var code: Int
    var lines: [String]
    var smtp: SMTPReply { SMTPReply(lines: lines) ?? SMTPReply(code: code, text: lines.joined(separator: " / ")) }
  }

  private static let endOfData: [UInt8] = Array(".\r\n".utf8)
  private static let quit: [UInt8] = Array("QUIT\r\n".utf8)

  /// Writes all of `bytes`, waiting for the socket as needed.
  private func write(_ bytes: ArraySlice<UInt8>, until deadline: Deadline) throws {
    guard socket != nil else { throw SessionFailure.broken("not connected") }
    var failure: Error?
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let (result, count) = curl.send(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
        switch result {
        case CURLE_OK:
          offset += count
        case CURLE_AGAIN:
          do { try wait(for: Int16(POLLOUT), until: deadline, waitingFor: "the relay to take data") } catch {
            failure = error
            return
          }
        default:
          failure = SessionFailure.broken(curl.reason(for: result))
          return
        }
      }
    }
    if let failure { throw failure }
  }

  /// Reads the next whole reply (its lines without CRLF), waiting as needed.
  private func readReply(until deadline: Deadline) throws -> Reply {
    var lines: [String] = []
    while true {
      guard let newline = received[readStart...].firstIndex(of: 0x0A) else {
        try receive(until: deadline)
        continue
      }
      var end = newline
      if end > readStart && received[end - 1] == 0x0D { end -= 1 }
      let start = readStart
      readStart = newline + 1
      // "NNN text" (a space, or nothing, after the code) ends a reply; "NNN-text" goes on.
      let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
      guard end - start >= 3, isDigit(received[start]), isDigit(received[start + 1]), isDigit(received[start + 2]),
            end - start == 3 || received[start + 3] == 0x20 || received[start + 3] == 0x2D
      else {
        throw SessionFailure.broken("the relay's reply is not SMTP: “\(String(decoding: received[start..<min(end, start + 80)], as: UTF8.self))”")
      }
      lines.append(String(decoding: received[start..<end], as: UTF8.self))
      if tracing { logger.trace("< \(lines[lines.count - 1])") }
      if end - start == 3 || received[start + 3] == 0x20 {
        let code = Int(received[start] - 0x30) * 100 + Int(received[start + 1] - 0x30) * 10 + Int(received[start + 2] - 0x30)
        return Reply(code: code, lines: lines)
      }
    }
  }

  /// Adds what has arrived to `received`, waiting for it as needed.
  private func receive(until deadline: Deadline) throws {
    guard socket != nil else { throw SessionFailure.broken("not connected") }
    if readStart > 0 {
      received.removeSubrange(..<readStart)
      readStart = 0
    }
    while true {
      let (result, count) = readBuffer.withUnsafeMutableBytes { curl.receive(into: $0) }
      switch result {
      case CURLE_OK where count > 0:
        received.append(contentsOf: readBuffer[..<count])
        return
      case CURLE_OK:
        throw SessionFailure.broken(String(cString: curl_easy_strerror(CURLE_RECV_ERROR)) + " (the relay closed the connection)")
      case CURLE_AGAIN:
        try wait(for: Int16(POLLIN), until: deadline, waitingFor: "a reply")
      default:
        throw SessionFailure.broken(curl.reason(for: result))
      }
    }
  }

  /// Waits until the socket is ready for `events`, within the command timeout and the
  /// message's; an interrupt is seen within a quarter of a second.
  private func wait(for events: Int16, until deadline: Deadline, waitingFor what: String) throws {
    guard let socket else { throw SessionFailure.broken("not connected") }
    let start = Self.now()
    let end = min(start + deadline.commandTimeout, deadline.message)
    var descriptor = pollfd(fd: socket, events: events, revents: 0)
    while true {
      if interrupt?.isInterrupted == true { throw SessionFailure.interrupted }
      let left = end - Self.now()
      guard left > 0 else {
        let which = end < start + deadline.commandTimeout ? "the message took longer than \(Int(configuration.messageTimeout)) s" : "server response timeout"
        throw SessionFailure.timeout(String(cString: curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)) + " (\(which))")
      }
      let slice = interrupt == nil ? left : min(left, 0.25)
      let ready = poll(&descriptor, 1, Int32(clamping: Int((slice * 1000).rounded(.up))))
      if ready > 0 { return }
      if ready < 0 && errno != EINTR {
        throw SessionFailure.broken("cannot wait for \(what): \(String(cString: strerror(errno)))")
      }
    }
  }

  /// The message as it goes after DATA (RFC 5321 §4.5.2): a line that starts with "." gets
  /// another in front, and the end (".", on a line of its own) follows. Lines end with CRLF,
  /// as the spool's messages do (a bare LF is no line end, as for libcurl and aiosmtpd). One
  /// pass of memchr over the lines, into a buffer that is reused.
  static func stuff(_ message: [UInt8], into output: inout [UInt8]) {
    output.removeAll(keepingCapacity: true)
    output.reserveCapacity(message.count + 64)
    message.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
      var lineStart = 0
      var from = 0
      if bytes[0] == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
      while from < bytes.count, let found = memchr(base + from, 0x0A, bytes.count - from) {
        let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        from = newline + 1
        guard newline > 0, bytes[newline - 1] == 0x0D, from < bytes.count, bytes[from] == UInt8(ascii: ".") else { continue }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<from]))
        output.append(UInt8(ascii: "."))
        lineStart = from
      }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart...]))
    }
    let endsWithLine = message.count >= 2 && message[message.count - 2] == 0x0D && message[message.count - 1] == 0x0A
    output.append(contentsOf: endsWithLine || message.isEmpty ? endOfData : [0x0D, 0x0A] + endOfData)
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  // MARK: Trace

  /// The commands in `output` at `ranges`, to the logger.
  private func traceCommands(_ ranges: [Range<Int>]) {
    guard tracing else { return }
    for range in ranges {
      logger.trace("> \(String(decoding: output[range].dropLast(2), as: UTF8.self))")
    }
  }

  /// One piece of libcurl's trace while it connects, to the logger; what answers an AUTH
  /// challenge (334) and an AUTH command's initial response are replaced, as they carry
  /// the credentials.
  package func curlTrace(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
    guard tracing, connecting else { return }
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
    let line: String
    switch type {
    case CURLINFO_TEXT:
      line = "* \(text)"
    case CURLINFO_HEADER_IN:
      answeringChallenge = text.hasPrefix("334")
      line = "< \(text)"
    case CURLINFO_HEADER_OUT:
      let words = text.split(separator: " ", omittingEmptySubsequences: true)
      if answeringChallenge {
        answeringChallenge = false
        line = "> [AUTH response withheld]"
      } else if words.count > 2, words[0].uppercased() == "AUTH" {
        line = "> AUTH \(words[1]) [initial response withheld]"
      } else {
        line = "> \(text)"
      }
    default:
      return  // TLS records
    }
    logger.trace("\(line)")
  }
}
