import Foundation

/// Where and how to reach an IMAP mailbox (the inbox reads replies and bounces from it).
/// Every field has its default here, and only here: herald.yml's `inbox:` overrides them.
package struct MailboxConfiguration: CurlConnectionSettings, Sendable, Equatable {
  /// How the connection is protected: `required` (imaps://, or STARTTLS for imap://) or
  /// `none` (a mailbox on loopback only).
  package typealias TLS = TLSPolicy

  /// `imaps://mail.example.org/INBOX`, or `imap://127.0.0.1:1143/INBOX`.
  package var url: String
  /// TLS policy; by default `required`, or `none` when the server is on loopback.
  package var tls: TLSPolicy {
    get { tlsPolicy ?? .default(for: url) }
    set { tlsPolicy = newValue }
  }
  private var tlsPolicy: TLSPolicy?
  /// The login name.
  package var username: String?
  /// The password: from the environment or a 0600 file, never from argv or a log.
  package var password: String?
  /// A CA bundle to trust instead of the system's.
  package var caFile: String?
  /// Seconds to wait for the connection, TLS and greeting.
  package var connectTimeout: TimeInterval = 30
  /// Seconds to wait for the answer to one command.
  package var commandTimeout: TimeInterval = 120

  /// A configuration for `url`; `tls` by default is `required` unless the host is loopback.
  package init(url: String, tls: TLSPolicy? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil) {
    self.url = url
    self.tlsPolicy = tls
    self.username = username
    self.password = password
    self.caFile = caFile
  }

  /// Whether `url` is an imap:// or imaps:// address with a host.
  package static func isValid(url: String) -> Bool {
    guard let parsed = URL(string: url), let scheme = parsed.scheme, ["imap", "imaps"].contains(scheme.lowercased()) else { return false }
    return !(parsed.host ?? "").isEmpty
  }
}
