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
  /// Seconds to wait for the connection and greeting (RFC 5321 §4.5.3.2 allows 5 minutes).
  public var connectTimeout: Int = 60
  /// Seconds one message may take from MAIL FROM to the reply after DATA.
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
  private var sentOnConnection = 0
  /// After a failed transfer the connection may be half-closed: the next one starts afresh.
  private var needsFreshConnection = false
  // The state the C callbacks reach through their context pointer.
  private var upload: [UInt8] = []
  private var uploadOffset = 0
  private var replyLines: [String] = []
  private var lastReply: SMTPReply?
  private var partialLine: [UInt8] = []

  /// Makes a connection (it connects on the first message).
  /// - Throws: `DeliveryError` `.connection` when libcurl cannot be set up.
  public init(configuration: RelayConfiguration, logger: Logger = Logger(label: "herald.smtp")) throws {
    SMTPConnection.globalInit
    guard let handle = curl_easy_init() else { throw DeliveryError(.connection, "libcurl could not make a handle") }
    self.handle = handle
    self.configuration = configuration
    self.logger = logger
  }

  deinit { curl_easy_cleanup(handle) }

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
    if sentOnConnection >= configuration.messagesPerConnection {
      // A fresh connection: some relays limit messages per session.
      ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)
      sentOnConnection = 0
    } else {
      ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, 0)
    }
    ccurl_setopt_long(handle, CURLOPT_FRESH_CONNECT, needsFreshConnection ? 1 : 0)
    needsFreshConnection = false
    upload = message
    uploadOffset = 0
    replyLines = []
    lastReply = nil
    partialLine = []

    let context = Unmanaged.passUnretained(self).toOpaque()
    ccurl_setopt_string(handle, CURLOPT_URL, configuration.url)
    ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
    ccurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)  // without it, delayed ACKs cap a connection near 45 msg/s
    ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16_384)  // libcurl allocates twice this per upload
    ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout)
    ccurl_setopt_long(handle, CURLOPT_TIMEOUT, configuration.messageTimeout)
    ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
    // libcurl's own trace of the SMTP dialogue, on standard error, for debugging.
    if ProcessInfo.processInfo.environment["HERALD_SMTP_TRACE"] != nil { ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1) }
    switch configuration.tls {
    case .required: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
    case .opportunistic: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
    case .none: ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
    }
    if let caFile = configuration.caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
    if let username = configuration.username { ccurl_setopt_string(handle, CURLOPT_USERNAME, username) }
    if let password = configuration.password { ccurl_setopt_string(handle, CURLOPT_PASSWORD, password) }
    ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
    ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
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

    // libcurl does not copy the recipient list: it must live until the transfer ends.
    let recipients = curl_slist_append(nil, "<\(recipient)>")
    defer { curl_slist_free_all(recipients) }
    ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)

    let result = curl_easy_perform(handle)
    sentOnConnection += 1
    // After a failure the connection may be half-closed: the next message starts afresh.
    if result != CURLE_OK { needsFreshConnection = true }
    if result == CURLE_OK, let reply = lastReply {
      return .reply(reply)
    }
    if let reply = lastReply, !reply.isSuccess {
      // A refused MAIL, RCPT or DATA: the reply that refused it.
      return .reply(reply)
    }
    let reason = String(cString: curl_easy_strerror(result))
    logger.debug("SMTP transfer failed", metadata: ["curl": "\(result.rawValue)", "reason": "\(reason)"])
    return .noReply(reason)
  }

  /// Collects reply lines; a line "NNN text" (space after the code) ends a reply.
  private func received(_ bytes: UnsafeRawBufferPointer) {
    partialLine.append(contentsOf: bytes)
    while let newline = partialLine.firstIndex(of: 0x0A) {
      let line = String(decoding: partialLine[..<newline], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
      partialLine.removeSubrange(...newline)
      replyLines.append(line)
      let utf8 = Array(line.utf8)
      if utf8.count >= 3, utf8.count == 3 || utf8[3] == 0x20 {
        // 221 answers the QUIT that libcurl sends after a refusal or on closing: never the
        // answer about the message, which must not be overwritten by it.
        if let reply = SMTPReply(lines: replyLines), reply.code != 221 { lastReply = reply }
        replyLines = []
      }
    }
  }
}
