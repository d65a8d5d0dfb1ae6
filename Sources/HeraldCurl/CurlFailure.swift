import CCurl
import Foundation

/// Why a transfer or a login through libcurl failed before the server answered: its kind,
/// for code and for grouping, and libcurl's own words. SMTP and IMAP both read it from the
/// same mapping of CURLcodes, then say it in their own terms.
package struct CurlFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  package struct Kind: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String {
      case refused, unreachable, unresolved, timeout, login, noStartTLS, untrustedCertificate, tls, broken, interrupted
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// Nothing listens at the server's address and port.
    package static var refused: Self { Self(.refused) }
    /// The server's host cannot be reached.
    package static var unreachable: Self { Self(.unreachable) }
    /// The server's name has no address.
    package static var unresolved: Self { Self(.unresolved) }
    /// The server did not answer in time.
    package static var timeout: Self { Self(.timeout) }
    /// The server refused the credentials (or offered no way to send them).
    package static var login: Self { Self(.login) }
    /// TLS was required and the server does not offer STARTTLS.
    package static var noStartTLS: Self { Self(.noStartTLS) }
    /// The server's certificate could not be verified (a private CA, a wrong name).
    package static var untrustedCertificate: Self { Self(.untrustedCertificate) }
    /// TLS could not be set up for another reason (a handshake failure, a CA file that
    /// cannot be read).
    package static var tls: Self { Self(.tls) }
    /// The connection broke, or the server said something libcurl could not read.
    package static var broken: Self { Self(.broken) }
    /// Herald ended the transfer itself (a shutdown that could wait no longer).
    package static var interrupted: Self { Self(.interrupted) }

    /// Any of the TLS kinds.
    package var isTLS: Bool { self == .noStartTLS || self == .untrustedCertificate || self == .tls }

    package var description: String { base.rawValue }
  }

  /// What went wrong.
  package var kind: Kind
  /// The particulars, in libcurl's words ("Couldn't connect to server (Failed to connect to
  /// 127.0.0.1 port 2525 …)").
  package var detail: String

  /// Makes a failure.
  package init(_ kind: Kind, detail: String) {
    self.kind = kind
    self.detail = detail
  }

  package var description: String { "\(kind): \(detail)" }

  /// The kind of a failed transfer's CURLcode; `osError` tells a refused connection from an
  /// unreachable host.
  static func kind(of code: CURLcode, osError: Int) -> Kind {
    switch code {
    case CURLE_COULDNT_CONNECT: return osError == Int(ECONNREFUSED) ? .refused : .unreachable
    case CURLE_COULDNT_RESOLVE_HOST: return .unresolved
    case CURLE_OPERATION_TIMEDOUT: return .timeout
    case CURLE_LOGIN_DENIED: return .login
    case CURLE_USE_SSL_FAILED: return .noStartTLS
    case CURLE_PEER_FAILED_VERIFICATION: return .untrustedCertificate
    case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM: return .tls
    case CURLE_ABORTED_BY_CALLBACK: return .interrupted
    default: return .broken
    }
  }
}

extension CurlEasy {
  /// Why the last transfer failed with `code` (not CURLE_OK).
  package func failure(_ code: CURLcode) -> CurlFailure {
    let osError = code == CURLE_COULDNT_CONNECT ? ((try? info(CURLINFO_OS_ERRNO)) ?? 0) : 0
    return CurlFailure(CurlFailure.kind(of: code, osError: osError), detail: reason(for: code))
  }
}
