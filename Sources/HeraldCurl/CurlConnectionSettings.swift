import CCurl
import Foundation

/// How a connection is protected.
package enum TLSPolicy: String, Sendable, CaseIterable {
  /// TLS must be used: from the start (smtps://, imaps://), or by STARTTLS, which must succeed.
  case required
  /// STARTTLS when the server offers it, plain text otherwise (SMTP relays only).
  case opportunistic
  /// Plain text: servers on this machine only.
  case none

  /// What a connection to `url` uses when nothing is configured: plain text on loopback
  /// (nothing crosses a network), TLS required everywhere else.
  package static func `default`(for url: String?) -> TLSPolicy {
    Loopback.isURLHost(url) ? .none : .required
  }
}

/// What libcurl needs to reach a server and log in, whatever the protocol: the relay's and
/// the mailbox's configurations both provide it, and `CurlEasy.connect(to:using:)` applies it.
package protocol CurlConnectionSettings {
  /// How the connection is protected.
  var tls: TLSPolicy { get }
  /// The login name, if the server wants one.
  var username: String? { get }
  /// The password: from the environment or a 0600 file, never from argv or a log.
  var password: String? { get }
  /// A CA bundle to trust instead of the system's.
  var caFile: String? { get }
  /// Seconds to wait for the connection, TLS and greeting.
  var connectTimeout: TimeInterval { get }
  /// Seconds to wait for any one answer.
  var commandTimeout: TimeInterval { get }
}

extension CurlConnectionSettings {
  /// `commandTimeout` in whole milliseconds, rounded up (for poll and libcurl's _MS options).
  package var commandTimeoutMilliseconds: Int { CurlEasy.milliseconds(commandTimeout) }
}

extension CurlEasy {
  /// Sets what every connection to a server needs, the same for SMTP and IMAP: its URL,
  /// timeouts, TCP_NODELAY (without it, delayed ACKs
  /// cap an SMTP connection near 45 messages a second), no signals (libcurl runs on threads
  /// of its own), the TLS policy, the CA file and the credentials.
  /// - Throws: `CurlError` `.option` naming an option libcurl refused.
  package func connect(to url: String, using settings: some CurlConnectionSettings) throws {
    try set(CURLOPT_URL, url)
    try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
    // libcurl's wait for each answer (whole seconds); its own default is 2 minutes.
    try set(CURLOPT_SERVER_RESPONSE_TIMEOUT, Int(settings.commandTimeout.rounded(.up)))
    try set(CURLOPT_NOSIGNAL, 1)
    try set(CURLOPT_TCP_NODELAY, 1)
    let level: curl_usessl
    switch settings.tls {
    case .required: level = CURLUSESSL_ALL
    case .opportunistic: level = CURLUSESSL_TRY
    case .none: level = CURLUSESSL_NONE
    }
    try set(CURLOPT_USE_SSL, Int(level.rawValue))
    if let caFile = settings.caFile { try set(CURLOPT_CAINFO, caFile) }
    if let username = settings.username { try set(CURLOPT_USERNAME, username) }
    if let password = settings.password { try set(CURLOPT_PASSWORD, password) }
  }

  /// Seconds as whole milliseconds, rounded up: a timeout is never shortened to zero.
  package static func milliseconds(_ seconds: TimeInterval) -> Int {
    Int((seconds * 1000).rounded(.up))
  }
}
