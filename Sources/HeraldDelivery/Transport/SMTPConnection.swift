import CCurl
import Foundation
import Logging

/// Where and how to reach the relay.
public struct RelayConfiguration: Sendable {
  /// How the connection is protected.
  public enum TLS: String, Sendable {
    /// STARTTLS must succeed (the default for hosts other than loopback).
    case required
    /// STARTTLS when the server offers it.
    case opportunistic
    /// Plain text (loopback test relays only).
    case none
  }

  /// `smtp://host:port` (STARTTLS as `tls` says) or `smtps://host:465` (TLS from the start).
  public var url: String
  /// STARTTLS policy; default `required`, `none` for loopback.
  public var tls: TLS
  /// The AUTH user name, if the relay wants one.
  public var username: String?
  /// The AUTH password: from the environment or a 0600 file, never from argv or a log.
  public var password: String?
  /// A CA bundle to trust instead of the system's (a private relay's certificate).
  public var caFile: String?
  /// Seconds to wait for the connection, TLS and greeting (RFC 5321 §4.5.3.2 allows 5 minutes).
  public var connectTimeout: Int = 60
  /// Seconds to wait for any one reply, the one after the message's end included, before
  /// giving up on the connection (RFC 5321 §4.5.3.2: 5 minutes per command).
  public var commandTimeout: Int = 300
  /// Seconds one message may take in all: connecting when needed, MAIL FROM, the message,
  /// and the reply after it (RFC 5321 §4.5.3.2 allows 10 minutes for that reply alone).
  public var messageTimeout: Int = 600
  /// Messages sent on one connection before it is closed and opened anew.
  public var messagesPerConnection: Int = 1000

  /// Makes a configuration; `tls` defaults to `required` unless the host is loopback.
  public init(url: String, tls: TLS? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil) {
    self.url = url
    let host = URL(string: url)?.host ?? ""
    self.tls = tls ?? (["127.0.0.1", "localhost", "::1"].contains(host) ? .none : .required)
    self.username = username
    self.password = password
    self.caFile = caFile
  }
}

/// One SMTP connection to the relay through libcurl: one easy handle, reused for many
/// messages (libcurl keeps the connection open between transfers), one recipient per
/// transaction so every reply belongs to one subscriber. Not Sendable: one per thread.
public final class SMTPConnection {
  private let handle: UnsafeMutableRawPointer
  private let configuration: RelayConfiguration
  private let logger: Logger
  /// Where libcurl's trace of the dialogue goes, if anywhere (AUTH secrets left out).
  private let traceLevel: Logger.Level?
  /// libcurl's own words about a failure ("SSL certificate problem: …"); it does not copy
  /// the buffer, so it lives as long as the handle.
  private let errorBuffer: UnsafeMutablePointer<CChar>
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
  ///   of the dialogue at trace level (or info with HERALD_SMTP_TRACE set), never a password.
  /// - Throws: `DeliveryError` `.connection` when libcurl cannot be set up.
  public init(configuration: RelayConfiguration, logger: Logger = Logger(label: "herald.smtp")) throws {
    SMTPConnection.globalInit
    guard let handle = curl_easy_init() else { throw DeliveryError(.connection, "libcurl could not make a handle") }
    self.handle = handle
    self.configuration = configuration
    self.logger = logger
    if ProcessInfo.processInfo.environment["HERALD_SMTP_TRACE"] != nil {
      traceLevel = .info
    } else {
      traceLevel = logger.logLevel <= .trace ? .trace : nil
    }
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    errorBuffer.initialize(to: 0)
    configure()
  }

  /// Sets what stays the same for every message, once: libcurl keeps options between
  /// transfers on a handle, and setting them per message cost a string copy each.
  private func configure() {
    let context = Unmanaged.passUnretained(self).toOpaque()
    ccurl_setopt_string(handle, CURLOPT_URL, configuration.url)
    ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
    ccurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)  // without it, delayed ACKs cap a connection near 45 msg/s
    ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16_384)  // libcurl allocates twice this per upload
    ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout)
    // libcurl's per-reply timeout for SMTP; its own default is 2 minutes.
    ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, configuration.commandTimeout)
    ccurl_setopt_long(handle, CURLOPT_TIMEOUT, configuration.messageTimeout)
    ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
    ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    if traceLevel != nil {
      // libcurl's trace of the dialogue, through the logger and without AUTH secrets
      // (CURLOPT_VERBOSE alone would print the AUTH lines on standard error).
      ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1)
      ccurl_setopt_debug_callback(handle) { _, type, data, size, context in
        guard let data, let context else { return 0 }
        Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().trace(type, UnsafeRawBufferPointer(start: data, count: size))
        return 0
      }
      ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context)
    }
    switch configuration.tls {
    case .required: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
    case .opportunistic: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
    case .none: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
    }
    if let caFile = configuration.caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
    if let username = configuration.username { ccurl_setopt_string(handle, CURLOPT_USERNAME, username) }
    if let password = configuration.password { ccurl_setopt_string(handle, CURLOPT_PASSWORD, password) }
    ccurl_setopt_io_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
      let connection = Unmanaged<SMTPConnection>.fromOpaque(context!).takeUnretainedValue()
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
    ccurl_setopt_pointer(handle, CURLOPT_READDATA, context)
    // For SMTP, libcurl hands every server reply line to the header callback.
    ccurl_setopt_io_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
      let connection = Unmanaged<SMTPConnection>.fromOpaque(context!).takeUnretainedValue()
      let length = size * count
      guard let buffer else { return length }
      connection.received(UnsafeRawBufferPointer(start: buffer, count: length))
      return length
    }
    ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
  }

  deinit {
    curl_easy_cleanup(handle)
    errorBuffer.deallocate()
  }

  private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

  /// What happened to one message.
  public enum Outcome: Sendable, Equatable {
    /// The server answered; its reply says accepted (2xx), try later (4xx) or refused (5xx).
    case reply(SMTPReply)
    /// No reply: the connection failed or timed out (deferred, like a 4xx).
    case noReply(String)
  }

  /// Sends one message to one recipient and returns the server's final reply.
  public func send(from sender: String, to recipient: String, message: [UInt8]) -> Outcome {
    // Some relays limit messages per session: the last one allowed closes the connection.
    let lastOnConnection = sentOnConnection + 1 >= configuration.messagesPerConnection
    ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, lastOnConnection ? 1 : 0)
    ccurl_setopt_long(handle, CURLOPT_FRESH_CONNECT, needsFreshConnection ? 1 : 0)
    needsFreshConnection = false
    upload = message
    uploadOffset = 0
    replyLines.removeAll(keepingCapacity: true)
    lastReplyLines.removeAll(keepingCapacity: true)
    partialLine.removeAll(keepingCapacity: true)
    answeringChallenge = false
    errorBuffer[0] = 0

    if sender != currentSender {
      ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
      currentSender = sender
    }
    ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))

    // libcurl does not copy the recipient list: it must live until the transfer ends.
    let recipients = curl_slist_append(nil, "<\(recipient)>")
    defer { curl_slist_free_all(recipients) }
    ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)

    let result = curl_easy_perform(handle)
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
    let reason = Self.reason(result, detail: String(cString: errorBuffer))
    logger.debug("SMTP transfer failed", metadata: ["curl": "\(result.rawValue)", "reason": "\(reason)"])
    return .noReply(reason)
  }

  /// Why a transfer failed without a reply, in libcurl's words: its summary of the error
  /// code, then the particulars ("Timeout was reached (server response timeout)").
  private static func reason(_ result: CURLcode, detail: String) -> String {
    let summary = String(cString: curl_easy_strerror(result))
    var reason = detail.isEmpty || detail == summary ? summary : "\(summary) (\(detail))"
    if result == CURLE_PEER_FAILED_VERIFICATION {
      reason += "; if the relay's certificate is from a private CA, give that CA's certificate as the CA file"
    }
    return reason
  }

  /// Makes libcurl drop the connection of a failed transfer instead of keeping it for the
  /// next. libcurl keeps it after some failures (a reply that never came after DATA), and
  /// would use it again or wait on it for QUIT's answer: shut down, it is seen as dead.
  private func abandonKeptConnection() {
    var socket: curl_socket_t = -1
    guard ccurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != -1 else { return }
    shutdown(socket, Int32(SHUT_RDWR))
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
  private func trace(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
    guard let traceLevel else { return }
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
    logger.log(level: traceLevel, "\(line)")
  }
}
