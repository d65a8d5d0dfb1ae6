import CCurl
import Foundation
import HeraldCurl
import HeraldMail
import Logging

/// Where and how to reach the relay. Every field has its default here, and only here:
/// herald.yml's `relay:` and `delivery:` override them.
public struct RelayConfiguration: CurlConnectionSettings, Sendable, Equatable {
  /// How the connection is protected: `required` (smtps://, or STARTTLS that must succeed;
  /// the default for hosts other than loopback), `opportunistic` (STARTTLS when offered),
  /// `none` (loopback relays only).
  public typealias TLS = TLSPolicy

  /// `smtp://host:port` (STARTTLS as `tls` says) or `smtps://host:465` (TLS from the start);
  /// nil until herald.yml's `relay:` or `--smtp` names one.
  public var url: String?
  /// STARTTLS policy; by default `required`, or `none` when the relay is on loopback.
  public var tls: TLSPolicy {
    get { tlsPolicy ?? .default(for: url) }
    set { tlsPolicy = newValue }
  }
  private var tlsPolicy: TLSPolicy?
  /// The AUTH user name, if the relay wants one.
  public var username: String?
  /// The AUTH password: from the environment or a 0600 file, never from argv or a log.
  public var password: String?
  /// A CA bundle to trust instead of the system's (a private relay's certificate).
  public var caFile: String?
  /// Seconds to wait for the connection, TLS and greeting (RFC 5321 §4.5.3.2 allows 5 minutes).
  public var connectTimeout: TimeInterval = 60
  /// Seconds to wait for any one reply, the one after the message's end included, before
  /// giving up on the connection (RFC 5321 §4.5.3.2: 5 minutes per command).
  public var commandTimeout: TimeInterval = 300
  /// Seconds one message may take in all: connecting when needed, MAIL FROM, the message,
  /// and the reply after it (RFC 5321 §4.5.3.2 allows 10 minutes for that reply alone).
  public var messageTimeout: TimeInterval = 600
  /// Messages sent on one connection before it is closed and opened anew.
  public var messagesPerConnection: Int = 1000

  /// The defaults, with no relay named yet.
  public init() {}

  /// A configuration for `url`; `tls` by default is `required` unless the host is loopback.
  public init(url: String, tls: TLSPolicy? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil) {
    self.url = url
    self.tlsPolicy = tls
    self.username = username
    self.password = password
    self.caFile = caFile
  }

  /// Whether `url` is an smtp:// or smtps:// address with a host.
  public static func isValid(url: String) -> Bool {
    guard let parsed = URL(string: url), let scheme = parsed.scheme, ["smtp", "smtps"].contains(scheme.lowercased()) else { return false }
    return !(parsed.host ?? "").isEmpty
  }
}

/// One SMTP connection to the relay through libcurl: one easy handle, reused for many
/// messages (libcurl keeps the connection open between transfers), one recipient per
/// transaction so every reply belongs to one subscriber. Not Sendable: one per thread.
public final class SMTPConnection: MessageTransport, CurlTraceReceiver {
  private let curl: CurlEasy
  private let configuration: RelayConfiguration
  private let logger: Logger
  private let interrupt: TransferInterrupt?
  /// Whether libcurl's trace of the dialogue goes to the logger (at trace level; AUTH
  /// secrets left out).
  private let tracing: Bool
  private var sentOnConnection = 0
  /// After a failed transfer the connection may be half-closed: the next one starts afresh.
  private var needsFreshConnection = false
  // The state the C callbacks reach through their context pointer.
  private var upload: [UInt8] = []
  private var uploadOffset = 0
  private var replyLines: [String] = []
  /// The lines of the last final answer; parsed once, after the transfer (a message gets
  /// four answers, and only the last one that counts is wanted).
  private var lastReplyLines: [String] = []
  private var partialLine: [UInt8] = []
  /// The MAIL FROM address set on the handle.
  private var currentSender: String?
  /// The server sent an AUTH challenge (334): the client's next line carries credentials.
  private var answeringChallenge = false

  /// Makes a connection (it connects on the first message).
  /// - Parameter logger: gets a line per failed transfer at debug level, and libcurl's trace
  ///   of the dialogue when its level is trace (`HERALD_LOG=trace`), never a password.
  /// - Throws: `DeliveryError` `.connection` when no relay is named or libcurl cannot be
  ///   set up (an option it refuses is named).
  /// - Parameter interrupt: ends the transfer in progress when set (a shutdown's deadline).
  public init(configuration: RelayConfiguration, logger: Logger = Logger(label: "herald.smtp"), interrupt: TransferInterrupt? = nil) throws {
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
  }

  /// Sets what stays the same for every message, once: libcurl keeps options between
  /// transfers on a handle, and setting them per message cost a string copy each.
  private func configure(url: String) throws {
    let context = Unmanaged.passUnretained(self).toOpaque()
    try curl.connect(to: url, using: configuration)
    try curl.set(CURLOPT_UPLOAD, 1)
    try curl.set(CURLOPT_UPLOAD_BUFFERSIZE, 16_384)  // libcurl allocates twice this per upload
    try curl.set(CURLOPT_TIMEOUT_MS, CurlEasy.milliseconds(configuration.messageTimeout))
    if interrupt != nil {
      try curl.set(CURLOPT_NOPROGRESS, 0)
      try curl.setProgressCallback { context, _, _, _, _ in
        guard let context else { return 0 }
        return Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().interrupt?.isInterrupted == true ? 1 : 0
      }
      try curl.set(CURLOPT_XFERINFODATA, pointer: context)
    }
    // libcurl's trace of the dialogue, through the logger and without AUTH secrets.
    if tracing { try curl.trace(to: self) }
    try curl.set(CURLOPT_READFUNCTION) { buffer, size, count, context in
      guard let context else { return 0 }
      let connection = Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue()
      let room = size * count
      let remaining = connection.upload.count - connection.uploadOffset
      let length = min(room, remaining)
      guard length > 0, let buffer else { return 0 }
      connection.upload.withUnsafeBytes { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + connection.uploadOffset, byteCount: length)
      }
      connection.uploadOffset += length
      return length
    }
    try curl.set(CURLOPT_READDATA, pointer: context)
    // For SMTP, libcurl hands every server reply line to the header callback.
    try curl.set(CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
      let length = size * count
      guard let buffer, let context else { return length }
      Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().received(UnsafeRawBufferPointer(start: buffer, count: length))
      return length
    }
    try curl.set(CURLOPT_HEADERDATA, pointer: context)
  }

  deinit {
    // libcurl may still call back while it frees the handle (QUIT, its notes): this object
    // is going, so its callbacks lose their context first.
    curl.stopTracing()
    try? curl.set(CURLOPT_HEADERDATA, pointer: nil)
    try? curl.set(CURLOPT_READDATA, pointer: nil)
    try? curl.set(CURLOPT_XFERINFODATA, pointer: nil)
  }

  /// What happened to one message (the transport's outcome).
  public typealias Outcome = TransportOutcome

  /// Sends one message to one recipient and returns the server's final reply.
  public func send(from sender: String, to recipient: String, message: [UInt8]) -> TransportOutcome {
    // Some relays limit messages per session: the last one allowed closes the connection.
    let lastOnConnection = sentOnConnection + 1 >= configuration.messagesPerConnection
    upload = message
    uploadOffset = 0
    replyLines.removeAll(keepingCapacity: true)
    lastReplyLines.removeAll(keepingCapacity: true)
    partialLine.removeAll(keepingCapacity: true)
    answeringChallenge = false
    do {
      try curl.set(CURLOPT_FORBID_REUSE, lastOnConnection ? 1 : 0)
      try curl.set(CURLOPT_FRESH_CONNECT, needsFreshConnection ? 1 : 0)
      if sender != currentSender {
        currentSender = nil
        try curl.set(CURLOPT_MAIL_FROM, "<\(sender)>")
        currentSender = sender
      }
      try curl.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(message.count))
      try curl.set(CURLOPT_MAIL_RCPT, list: ["<\(recipient)>"])
    } catch {
      logger.error("cannot set up the SMTP transfer", metadata: ["error": "\(error)"])
      return .noReply(TransportFailure(.local, detail: "\(error)"))
    }
    needsFreshConnection = false

    let result = curl.perform()
    if result == CURLE_OK && !lastOnConnection {
      sentOnConnection += 1
    } else {
      // The connection is gone, or about to be: the next message opens a new one.
      sentOnConnection = 0
    }
    if result != CURLE_OK {
      needsFreshConnection = true
      abandonKeptConnection()
    }
    let lastReply = SMTPReply(lines: lastReplyLines)
    if result == CURLE_OK, let reply = lastReply {
      return .reply(reply)
    }
    if let reply = lastReply, !reply.isSuccess {
      // A refused MAIL, RCPT, DATA or AUTH: the reply that refused it.
      return .reply(reply)
    }
    let failure = self.failure(result)
    logger.debug("SMTP transfer failed", metadata: ["curl": "\(result.rawValue)", "reason": "\(failure.detail)"])
    return .noReply(failure)
  }

  /// Why a transfer failed without a reply: its kind, and libcurl's words.
  private func failure(_ result: CURLcode) -> TransportFailure {
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

  /// Makes libcurl drop the connection of a failed transfer instead of keeping it for the
  /// next. libcurl keeps it after some failures (a reply that never came after DATA), and
  /// would use it again or wait on it for QUIT's answer: shut down, it is seen as dead.
  private func abandonKeptConnection() {
    do {
      guard let socket = try curl.activeSocket() else { return }
      shutdown(socket, Int32(SHUT_RDWR))
    } catch {
      // FRESH_CONNECT is set for the next transfer anyway.
      logger.debug("cannot find the failed connection's socket", metadata: ["error": "\(error)"])
    }
  }

  /// Collects reply lines; a line "NNN text" (space after the code) ends a reply.
  private func received(_ bytes: UnsafeRawBufferPointer) {
    partialLine.append(contentsOf: bytes)
    var start = 0
    while let newline = partialLine[start...].firstIndex(of: 0x0A) {
      var end = newline
      if end > start && partialLine[end - 1] == 0x0D { end -= 1 }  // CRLF
      let length = end - start
      replyLines.append(String(decoding: partialLine[start..<end], as: UTF8.self))
      // "NNN text" (a space, or nothing, after the code) ends a reply; "NNN-text" goes on.
      if length >= 3, length == 3 || partialLine[start + 3] == 0x20 {
        // Only a final answer counts: never a 3xx (354 go ahead, 334 AUTH challenge), which
        // would stand as the outcome when the server goes silent after it; and never the
        // 221 that answers the QUIT libcurl sends after a refusal or on closing.
        let first = partialLine[start], second = partialLine[start + 1], third = partialLine[start + 2]
        let isQuitAnswer = first == UInt8(ascii: "2") && second == UInt8(ascii: "2") && third == UInt8(ascii: "1")
        if first != UInt8(ascii: "3") && !isQuitAnswer {
          swap(&lastReplyLines, &replyLines)
        }
        replyLines.removeAll(keepingCapacity: true)
      }
      start = newline + 1
    }
    partialLine.removeSubrange(..<start)
  }

  /// One piece of libcurl's trace, to the logger; what answers an AUTH challenge (334) and
  /// an AUTH command's initial response are replaced, as they carry the credentials.
  public func curlTrace(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
    guard tracing else { return }
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
      return  // the message itself, and TLS records
    }
    logger.trace("\(line)")
  }
}
