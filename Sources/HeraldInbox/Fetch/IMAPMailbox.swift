import CCurl
import Foundation
import HeraldCurl
import Logging

/// One IMAP mailbox through libcurl, one connection reused for every command. Not Sendable:
/// one thread uses it at a time.
///
/// libcurl makes the connection and logs in (TLS or STARTTLS, certificate checks, SASL or
/// LOGIN: CURLOPT_CONNECT_ONLY), then Herald speaks IMAP on it with `curl_easy_send` and
/// `curl_easy_recv`. libcurl's own IMAP commands do not fit: a URL fetch asks for `BODY[]`,
/// which marks the message seen; a custom request's FETCH literal comes (before libcurl
/// 8.17) through the header callback, read as lines: Debian's 7.88 stops at 300 kB of
/// those ("Too large response headers"), cuts lines longer than half its buffer, and ends
/// the command early at a line of the message that starts with its tag. Here a literal is
/// read by its size, byte for byte, whatever it holds.
package final class IMAPMailbox: CurlTraceReceiver {
  private let curl: CurlEasy
  private let configuration: MailboxConfiguration
  private let logger: Logger
  /// Whether the dialogue goes to the logger (at trace level; credentials and the
  /// messages' contents left out).
  private let tracing: Bool
  /// The server, for messages: "mail.example.org" or "127.0.0.1:1143".
  private let server: String
  /// The mailbox the URL names.
  private let mailbox: MailboxName

  // libcurl's login, through its callbacks (the context pointer).
  /// Every line the server sent while libcurl logged in.
  private var loginLines: [UInt8] = []
  /// The commands libcurl sent while logging in, by tag ("A002" → "AUTHENTICATE").
  private var loginCommands: [(tag: String, verb: String)] = []
  /// The server sent a continuation (+) during AUTHENTICATE: the next line carries credentials.
  private var answeringChallenge = false
  /// libcurl is connecting and logging in (its own notes are traced only then).
  private var loggingIn = false

  // The session on the connection.
  /// The connection's socket once libcurl has logged in; nil before, and after a failure.
  private var socket: curl_socket_t?
  /// Bytes read from the server and not yet taken as responses.
  private var received: [UInt8] = []
  private var readBuffer = [UInt8](repeating: 0, count: 65_536)
  private var commandNumber = 0
  /// The mailbox is selected on the connection: read-only (EXAMINE) or not (SELECT).
  private var selection: Selection?
  /// The server's capabilities after login, asked once per connection.
  private var capabilities: Set<String>?

  private enum Selection { case readOnly, readWrite }

  /// Makes a mailbox (it connects on the first command).
  /// - Parameter logger: gets a line per failed command at debug level, and the dialogue
  ///   when its level is trace (`HERALD_LOG=trace`): never a password, nor the messages.
  /// - Throws: `InboxError` `.mailbox` when the URL is not an imap:// or imaps:// address of
  ///   a mailbox, would send the password in the clear off this machine, or libcurl cannot
  ///   be set up.
  package init(configuration: MailboxConfiguration, logger: Logger = Logger(label: "herald.imap")) throws {
    let address = try Self.parse(url: configuration.url)
    if address.scheme == "imap" && configuration.tls == .none && !address.isLoopback {
      throw InboxError(
        .mailbox,
        "the mailbox on \(address.server) would be read without TLS, the password crossing the network in the clear: use imaps:// or tls: required (STARTTLS)"
      )
    }
    do {
      curl = try CurlEasy()
    } catch {
      throw InboxError(.mailbox, "cannot set up libcurl for the mailbox on \(address.server): \(error)", underlying: error)
    }
    self.configuration = configuration
    self.logger = logger
    tracing = logger.logLevel <= .trace
    server = address.server
    mailbox = address.mailbox
    do {
      try configure(url: "\(address.scheme)://\(address.authority)/")
    } catch {
      throw InboxError(.mailbox, "cannot set up libcurl for the mailbox on \(server): \(error)", underlying: error)
    }
  }

  deinit {
    // Log out, without waiting for the answer, and close: libcurl's own LOGOUT when it frees
    // the handle would wait up to the command timeout on a server gone quiet. Its callbacks
    // lose their context first: this object is going.
    if socket != nil {
      commandNumber += 1
      try? send(Array("H\(commandNumber) LOGOUT\r\n".utf8))
    }
    dropConnection()
    curl.stopTracing()
    try? curl.set(CURLOPT_HEADERDATA, pointer: nil)
  }

  /// Sets what stays the same for every connection, once.
  private func configure(url: String) throws {
    let context = Unmanaged.passUnretained(self).toOpaque()
    try curl.connect(to: url, using: configuration)
    // Connect, TLS, log in, and hand the connection over.
    try curl.set(CURLOPT_CONNECT_ONLY, 1)
    // A connection made for CONNECT_ONLY is never used again by libcurl: keep only the newest.
    try curl.set(CURLOPT_MAXCONNECTS, 1)
    // The trace tells which command the server refused (the login, for one); it reaches
    // the logger only at trace level, credentials withheld.
    try curl.trace(to: self)
    try curl.set(CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
      let length = size * count
      guard let buffer, let context else { return length }
      Unmanaged<IMAPMailbox>.fromOpaque(context).takeUnretainedValue().loginLines.append(
        contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
      return length
    }
    try curl.set(CURLOPT_HEADERDATA, pointer: context)
  }

  // MARK: Commands

  /// UIDVALIDITY and UIDNEXT of the mailbox (EXAMINE: read-only, changes nothing).
  /// - Throws: `InboxError` `.mailbox` when the server cannot be reached or logged in to,
  ///   or the mailbox does not exist.
  package func status() throws -> (uidValidity: UInt32, uidNext: UInt32?) {
    let responses = try open(readOnly: true)
    var validity: UInt32?
    var next: UInt32?
    for response in responses where response.tag == "*" {
      guard let code = response.responseCode?.split(separator: " "), code.count == 2 else { continue }
      switch code[0].uppercased() {
      case "UIDVALIDITY": validity = UInt32(code[1])
      case "UIDNEXT": next = UInt32(code[1])
      default: break
      }
    }
    guard let validity else {
      throw InboxError(
        .mailbox, "the IMAP server \(server) did not tell the UIDVALIDITY of the mailbox “\(mailbox)”; Herald needs an IMAP4rev1 server",
        underlying: IMAPFailure(.broken, detail: "no UIDVALIDITY in the answer to EXAMINE"))
    }
    return (validity, next)
  }

  /// The UIDs from `first` on, ascending (UID SEARCH UID first:*).
  ///
  /// A server answers `n:*` with the last UID even when it is below n (RFC 3501: `*` is the
  /// largest UID in use, and `n:*` the range between the two): those are left out.
  package func uids(from first: UInt32) throws -> [UInt32] {
    if selection == nil {
      _ = try open(readOnly: true)
    } else {
      // The server tells of mail that came since the mailbox was opened at a NOOP.
      _ = try execute("NOOP")
    }
    let start = max(first, 1)
    var found = Set<UInt32>()
    for response in try execute("UID SEARCH UID \(start):*") where response.tag == "*" && response.status == "SEARCH" {
      for word in response.text.split(separator: " ").dropFirst() {
        if let uid = UInt32(word), uid >= start { found.insert(uid) }
      }
    }
    return found.sorted()
  }

  /// The whole message, byte for byte, without marking it seen (UID FETCH uid BODY.PEEK[]).
  /// - Returns: nil when the UID no longer exists.
  package func fetch(uid: UInt32) throws -> [UInt8]? {
    if selection == nil { _ = try open(readOnly: true) }
    for response in try execute("UID FETCH \(uid) BODY.PEEK[]") where response.tag == "*" {
      let words = response.text.split(separator: " ", maxSplits: 2)
      // An unsolicited FETCH (flags changed elsewhere) has no BODY[]; ours has the UID.
      guard words.count > 1, words[1].uppercased() == "FETCH", response.fetchNumber("UID") == uid else { continue }
      if let message = response.fetchItem("BODY[]") { return message }
    }
    return nil
  }

  /// Marks a message \Seen (UID STORE uid +FLAGS (\Seen)).
  package func markSeen(uid: UInt32) throws {
    if selection != .readWrite { _ = try open(readOnly: false) }
    _ = try execute("UID STORE \(uid) +FLAGS.SILENT (\\Seen)")
  }

  /// Moves a message to another mailbox: UID MOVE if the server has MOVE (RFC 6851), else
  /// UID COPY, UID STORE \Deleted and UID EXPUNGE of that message if it has UIDPLUS (RFC
  /// 4315), else UID COPY, UID STORE \Deleted and EXPUNGE (which also removes any other
  /// message marked \Deleted in the mailbox).
  /// - Throws: `InboxError` `.mailbox`; its underlying `IMAPFailure` is `.noMailbox` when
  ///   the mailbox to move to does not exist.
  package func move(uid: UInt32, to destination: String) throws {
    let target = MailboxName(destination)
    let capabilities = try serverCapabilities()
    if selection != .readWrite { _ = try open(readOnly: false) }
    if capabilities.contains("MOVE") {
      _ = try execute("UID MOVE \(uid) \(target.quoted)", destination: target)
      return
    }
    _ = try execute("UID COPY \(uid) \(target.quoted)", destination: target)
    _ = try execute("UID STORE \(uid) +FLAGS.SILENT (\\Deleted)")
    _ = try execute(capabilities.contains("UIDPLUS") ? "UID EXPUNGE \(uid)" : "EXPUNGE")
  }

  /// EXAMINEs (read-only) or SELECTs the mailbox and returns the server's answer.
  private func open(readOnly: Bool) throws -> [IMAPResponse] {
    selection = nil  // a failed EXAMINE or SELECT closes the mailbox that was open
    let responses = try execute("\(readOnly ? "EXAMINE" : "SELECT") \(mailbox.quoted)")
    selection = readOnly ? .readOnly : .readWrite
    return responses
  }

  /// The capabilities after login (CAPABILITY), once per connection.
  private func serverCapabilities() throws -> Set<String> {
    if let capabilities { return capabilities }
    var found = Set<String>()
    for response in try execute("CAPABILITY") where response.tag == "*" && response.status == "CAPABILITY" {
      found.formUnion(response.text.split(separator: " ").dropFirst().map { $0.uppercased() })
    }
    capabilities = found
    return found
  }

  // MARK: The session

  /// Why the session cannot go on.
  private enum SessionFailure: Error {
    /// The connection closed or broke; `answered` when part of the answer had come.
    case lost(String, answered: Bool)
    case timeout
  }

  /// Sends one command and reads until its tagged answer; returns the untagged responses.
  ///
  /// A connection found closed before any answer came (a server logs idle sessions out) is
  /// made anew, the mailbox opened again as it was, and the command sent once more.
  /// - Parameter destination: the mailbox a COPY or MOVE goes to, for the error it may give.
  private func execute(_ command: String, destination: MailboxName? = nil) throws -> [IMAPResponse] {
    let fresh = socket == nil
    if fresh { try connect() }
    let opened = selection
    let verb = Self.verb(of: command)
    do {
      return try exchange(command, destination: destination)
    } catch SessionFailure.lost(let reason, answered: false) where !fresh {
      logger.debug("IMAP connection lost, connecting again", metadata: ["reason": "\(reason)"])
      try connect()
      if let opened, verb != "EXAMINE" && verb != "SELECT" { _ = try open(readOnly: opened == .readOnly) }
      do {
        return try exchange(command, destination: destination)
      } catch let failure as SessionFailure {
        throw error(failure, during: verb)
      }
    } catch let failure as SessionFailure {
      throw error(failure, during: verb)
    }
  }

  /// One command and its answer on the current connection. A refusal is an InboxError; a
  /// lost connection or a timeout a SessionFailure, the connection dropped.
  private func exchange(_ command: String, destination: MailboxName?) throws -> [IMAPResponse] {
    commandNumber += 1
    let tag = "H\(commandNumber)"
    var answered = false
    do {
      if tracing { logger.trace("> \(tag) \(command)") }
      try send(Array("\(tag) \(command)\r\n".utf8))
      var untagged: [IMAPResponse] = []
      while true {
        guard let (response, length) = IMAPResponse.first(in: received[...]) else {
          try receive()
          continue
        }
        received.removeFirst(length)
        // A BYE may have been sent before the command (an idle session logged out): it
        // answers nothing, and the command may be sent again on a new connection.
        answered = answered || !(response.tag == "*" && response.status == "BYE")
        if tracing { logger.trace("< \(response.tag) \(response.traced)") }
        guard response.tag == tag else {
          untagged.append(response)
          continue
        }
        guard response.status == "OK" else {
          let verb = Self.verb(of: command)
          logger.debug("IMAP command refused", metadata: ["command": "\(verb)", "reply": "\(withoutSecrets(response.words))"])
          throw refusal(response, command: verb, destination: destination)
        }
        return untagged
      }
    } catch SessionFailure.lost(let reason, _) {
      dropConnection()
      throw SessionFailure.lost(reason, answered: answered)
    } catch SessionFailure.timeout {
      dropConnection()
      throw SessionFailure.timeout
    }
  }

  /// The InboxError for a session that cannot go on.
  private func error(_ failure: SessionFailure, during verb: String) -> InboxError {
    switch failure {
    case .lost(let reason, _):
      return InboxError(
        .mailbox, "the connection to the IMAP server \(server) broke during \(verb) (\(reason)); try again",
        underlying: IMAPFailure(.broken, detail: reason))
    case .timeout:
      return InboxError(
        .mailbox, "the IMAP server \(server) did not answer \(verb) within \(Int(configuration.commandTimeout)) s; try again later, or raise inbox.command_timeout",
        underlying: IMAPFailure(.timeout, detail: "no answer to \(verb) in \(configuration.commandTimeout) s"))
    }
  }

  /// The error for a command the server answered NO or BAD.
  private func refusal(_ response: IMAPResponse, command: String, destination: MailboxName?) -> InboxError {
    let reply = withoutSecrets(response.words)
    let failure = IMAPFailure(.rejected, detail: "\(command) refused", reply: reply)
    let code = response.responseCode?.split(separator: " ").first?.uppercased()
    if command == "EXAMINE" || command == "SELECT" {
      return InboxError(
        .mailbox, "the mailbox “\(mailbox)” does not exist on \(server) or cannot be opened (the server said: \(reply)); check the mailbox in inbox.url",
        underlying: IMAPFailure(.noMailbox, detail: failure.detail, reply: reply))
    }
    if let destination, code == "TRYCREATE" || code == "NONEXISTENT" {
      return InboxError(
        .mailbox, "cannot move the message to the mailbox “\(destination)” on \(server): it does not exist (the server said: \(reply)); create it, or name another in inbox.move_to",
        underlying: IMAPFailure(.noMailbox, detail: failure.detail, reply: reply))
    }
    return InboxError(.mailbox, "the IMAP server \(server) refused \(command) in the mailbox “\(mailbox)” (it said: \(reply))", underlying: failure)
  }

  /// "UID FETCH" for "UID FETCH 5 BODY.PEEK[]", "EXAMINE" for `EXAMINE "INBOX"`.
  private static func verb(of command: String) -> String {
    let words = command.split(separator: " ", maxSplits: 2).map { $0.uppercased() }
    guard let first = words.first else { return "" }
    return first == "UID" && words.count > 1 ? "UID \(words[1])" : first
  }

  /// Has libcurl make a new connection and log in.
  private func connect() throws {
    dropConnection()
    loginLines.removeAll(keepingCapacity: true)
    loginCommands.removeAll(keepingCapacity: true)
    answeringChallenge = false
    do {
      try curl.set(CURLOPT_FRESH_CONNECT, 1)
    } catch {
      throw InboxError(.mailbox, "cannot set up libcurl for the mailbox on \(server): \(error)", underlying: error)
    }
    loggingIn = true
    let result = curl.perform()
    loggingIn = false
    guard result == CURLE_OK else {
      let error = loginFailure(result)
      logger.debug("IMAP connection failed", metadata: ["curl": "\(result.rawValue)", "reason": "\(error.message)"])
      throw error
    }
    guard let socket = try? curl.activeSocket() else {
      throw InboxError(.mailbox, "libcurl kept no connection to \(server) after logging in", underlying: IMAPFailure(.broken, detail: "no active socket"))
    }
    self.socket = socket
  }

  /// Forgets the connection: the next command makes a new one. Shut down, the old one is
  /// seen as dead by libcurl, which closes it.
  private func dropConnection() {
    if let socket { shutdown(socket, Int32(SHUT_RDWR)) }
    socket = nil
    received.removeAll(keepingCapacity: true)
    selection = nil
    capabilities = nil
  }

  private func send(_ bytes: [UInt8]) throws {
    guard let socket else { throw SessionFailure.lost("not connected", answered: false) }
    var offset = 0
    while offset < bytes.count {
      var sent = 0
      let result = bytes[offset...].withUnsafeBytes { curl_easy_send(curl.handle, $0.baseAddress, $0.count, &sent) }
      switch result {
      case CURLE_OK: offset += sent
      case CURLE_AGAIN: try wait(for: socket, events: Int16(POLLOUT))
      default: throw SessionFailure.lost(curl.reason(for: result), answered: false)
      }
    }
  }

  /// Reads what the server has sent into `received`, waiting up to the command timeout.
  private func receive() throws {
    guard let socket else { throw SessionFailure.lost("not connected", answered: false) }
    while true {
      var count = 0
      let result = readBuffer.withUnsafeMutableBytes { curl_easy_recv(curl.handle, $0.baseAddress, $0.count, &count) }
      switch result {
      case CURLE_OK where count > 0:
        received.append(contentsOf: readBuffer[..<count])
        return
      case CURLE_OK:
        throw SessionFailure.lost("the server closed the connection", answered: false)
      case CURLE_AGAIN:
        try wait(for: socket, events: Int16(POLLIN))
      default:
        throw SessionFailure.lost(curl.reason(for: result), answered: false)
      }
    }
  }

  private func wait(for socket: curl_socket_t, events: Int16) throws {
    var descriptor = pollfd(fd: socket, events: events, revents: 0)
    let timeout = Int32(clamping: configuration.commandTimeoutMilliseconds)
    while true {
      let ready = poll(&descriptor, 1, timeout)
      if ready > 0 { return }
      if ready == 0 { throw SessionFailure.timeout }
      if errno != EINTR { throw SessionFailure.lost("poll: \(String(cString: strerror(errno)))", answered: false) }
    }
  }

  // MARK: Logging in

  /// The error for a connection libcurl could not make or log in to.
  private func loginFailure(_ result: CURLcode) -> InboxError {
    let responses = IMAPResponse.parse(loginLines)
    let refusal = responses.last { $0.isTagged && $0.status != "OK" }
    let refusedVerb = refusal.flatMap { refusal in loginCommands.last { $0.tag == refusal.tag }?.verb }
    let reply = refusal.map { withoutSecrets($0.words) }
    let failure = curl.failure(result)
    let detail = withoutSecrets(failure.detail)
    let said = reply.map { " (the server said: \($0))" } ?? ""
    func error(_ kind: IMAPFailure.Kind, _ message: String) -> InboxError {
      InboxError(.mailbox, message, underlying: IMAPFailure(kind, detail: detail, reply: reply))
    }
    switch failure.kind {
    case .login:
      guard let username = configuration.username else {
        return error(.login, "the IMAP server \(server) wants a login\(said): set HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD")
      }
      guard refusedVerb == "LOGIN" || refusedVerb == "AUTHENTICATE" else {
        // libcurl gave up before asking: no mechanism both sides know, or LOGIN disabled.
        return error(.login, "cannot log in to the IMAP server \(server) as “\(username)”: \(detail)\(said); the server may take logins only over TLS (use imaps:// or tls: required)")
      }
      return error(.login, "the IMAP server \(server) refused the login for “\(username)”\(said): check HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD")
    case .refused:
      return error(.refused, "cannot connect to the IMAP server \(server): nothing accepts connections there (\(detail)); check the host and port in inbox.url, and that the server runs")
    case .unreachable:
      return error(.unreachable, "cannot reach the IMAP server \(server) (\(detail)); check the host and port in inbox.url, and the network")
    case .unresolved:
      return error(.unresolved, "cannot find the IMAP server \(server): its name has no address (\(detail)); check the host in inbox.url")
    case .timeout:
      return error(.timeout, "the IMAP server \(server) did not answer in time (\(detail)); try again later, or raise inbox.connect_timeout")
    case .noStartTLS:
      return error(.tls, "the IMAP server \(server) does not offer STARTTLS (\(detail)); use imaps:// if it takes TLS on a port of its own (993)")
    case .untrustedCertificate:
      return error(.tls, "TLS with the IMAP server \(server) failed (\(detail)); if the server's certificate is from a private CA, give that CA's certificate as inbox.ca_file")
    case .tls:
      return error(.tls, "TLS with the IMAP server \(server) failed (\(detail)); check the port in inbox.url, and inbox.ca_file")
    default:
      return error(.broken, "the IMAP server \(server) could not be logged in to (\(detail))\(said); try again")
    }
  }

  /// Text from the server or libcurl, without the password should it ever repeat it.
  private func withoutSecrets(_ text: String) -> String {
    guard let password = configuration.password, !password.isEmpty else { return text }
    return text.replacingOccurrences(of: password, with: "[password]")
  }

  /// One piece of libcurl's trace of the login: the tags of the commands it sends (always),
  /// and the lines to the logger at trace level, credentials withheld.
  package func curlTrace(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
    switch type {
    case CURLINFO_HEADER_OUT:
      if answeringChallenge {
        answeringChallenge = false
        if tracing { logger.trace("> [authentication response withheld]") }
        return
      }
      let words = text.split(separator: " ", omittingEmptySubsequences: false)
      guard words.count > 1 else {
        if tracing { logger.trace("> \(text)") }
        return
      }
      let tag = String(words[0])
      let verb = Self.verb(of: words.dropFirst().joined(separator: " "))
      loginCommands.append((tag, verb))
      guard tracing else { return }
      switch verb {
      case "LOGIN": logger.trace("> \(tag) LOGIN [credentials withheld]")
      case "AUTHENTICATE" where words.count > 3: logger.trace("> \(tag) AUTHENTICATE \(words[2]) [initial response withheld]")
      default: logger.trace("> \(text)")
      }
    case CURLINFO_HEADER_IN:
      if text.hasPrefix("+"), loginCommands.last?.verb == "AUTHENTICATE" { answeringChallenge = true }
      if tracing { logger.trace("< \(text)") }
    case CURLINFO_TEXT:
      if tracing && loggingIn { logger.trace("* \(text)") }
    default:
      return  // TLS records
    }
  }

  // MARK: The URL

  /// The parts of an inbox URL Herald uses.
  private struct Address {
    /// "imap" or "imaps".
    var scheme: String
    /// "mail.example.org", "user;AUTH=PLAIN@127.0.0.1:1143": as written.
    var authority: String
    /// The host and port, for messages.
    var server: String
    var isLoopback: Bool
    var mailbox: MailboxName
  }

  /// Reads `imap[s]://[user[;AUTH=…]@]host[:port][/mailbox]`; the mailbox is INBOX when
  /// the path is empty, and percent-decoded ("Presse%20Anfragen" is "Presse Anfragen").
  private static func parse(url: String) throws -> Address {
    func invalid(_ why: String) -> InboxError {
      InboxError(.mailbox, "inbox.url “\(url)” \(why); write it like imaps://mail.example.org/INBOX")
    }
    guard let separator = url.range(of: "://") else { throw invalid("is not a URL") }
    let scheme = url[..<separator.lowerBound].lowercased()
    guard scheme == "imap" || scheme == "imaps" else { throw invalid("is not an imap:// or imaps:// address") }
    let rest = url[separator.upperBound...]
    let authority = String(rest.prefix { $0 != "/" })
    let userinfo = authority.lastIndex(of: "@").map { authority[..<$0] }
    if let userinfo, userinfo.contains(":") {
      throw InboxError(.mailbox, "inbox.url has a password in it: take it out, and give it in HERALD_IMAP_PASSWORD or inbox.password_file")
    }
    let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority[...]
    let host: Substring
    if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
      host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
    } else {
      host = hostAndPort.prefix { $0 != ":" }
    }
    guard !host.isEmpty else { throw invalid("names no host") }
    var path = String(rest.dropFirst(authority.count).drop { $0 == "/" })
    guard !path.contains(where: { $0 == "?" || $0 == "#" || $0 == ";" }) else { throw invalid("must name just a mailbox, without ;UID= or ?query") }
    if path.hasSuffix("/") { path.removeLast() }
    guard let name = path.removingPercentEncoding else { throw invalid("names a mailbox that is not percent-encoded UTF-8") }
    return Address(
      scheme: scheme, authority: authority, server: String(hostAndPort), isLoopback: Loopback.isHost(host),
      mailbox: MailboxName(name.isEmpty ? "INBOX" : name))
  }
}
