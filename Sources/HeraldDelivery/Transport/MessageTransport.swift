import HeraldMail

/// Carries messages to a relay, one recipient per transaction, so that every reply belongs
/// to one subscriber. `SMTPConnection` does it over libcurl; tests use one in memory.
///
/// A transport is used by one thread at a time: the `Deliverer` makes one per connection.
package protocol MessageTransport: AnyObject {
  /// Sends one message to one recipient and returns the server's final reply, or why
  /// there was none.
  func send(from sender: String, to recipient: String, message: [UInt8]) -> TransportOutcome

  /// Sends one message like `send(from:to:message:)`, and asks for the next one meanwhile.
  ///
  /// `next` is called at most once, while the relay answers this message's commands and
  /// before the message itself goes: the caller claims its next message there and returns
  /// its envelope (nil when there is none). A transport that pipelines across transactions
  /// sends that envelope's commands with this message's end, so the caller must send that
  /// message next on this transport (another message, or none, costs the connection). It
  /// is not called when the transaction cannot start (no connection).
  func send(from sender: String, to recipient: String, message: [UInt8], next: () -> Envelope?) -> TransportOutcome
}

/// The envelope of a message a connection is to send next: enough to open its transaction.
package struct Envelope: Sendable, Equatable {
  /// MAIL FROM.
  package var sender: String
  /// RCPT TO.
  package var recipient: String
  /// The message's size in bytes (MAIL FROM's SIZE, RFC 1870).
  package var size: Int

  /// Makes an envelope.
  package init(sender: String, recipient: String, size: Int) {
    self.sender = sender
    self.recipient = recipient
    self.size = size
  }
}

extension MessageTransport {
  /// Sends, then asks for the next message: a transport with nothing to pipeline.
  package func send(from sender: String, to recipient: String, message: [UInt8], next: () -> Envelope?) -> TransportOutcome {
    let outcome = send(from: sender, to: recipient, message: message)
    _ = next()
    return outcome
  }
}

/// What became of one message on a transport.
package enum TransportOutcome: Sendable, Equatable {
  /// The server answered; its reply says accepted (2xx), try later (4xx) or refused (5xx).
  case reply(SMTPReply)
  /// No answer: the connection failed or timed out (deferred, like a 4xx).
  case noReply(TransportFailure)
}

/// Why a message got no answer from the relay, in words for people, grouped by kind.
package struct TransportFailure: Sendable, Hashable, CustomStringConvertible {
  /// What went wrong, for grouping and for people.
  package struct Kind: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case refused, unreachable, unresolved, timeout, tls, login, broken, local, interrupted }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// Nothing listens at the relay's address and port.
    package static var refused: Self { Self(.refused) }
    /// The relay's host cannot be reached.
    package static var unreachable: Self { Self(.unreachable) }
    /// The relay's name has no address.
    package static var unresolved: Self { Self(.unresolved) }
    /// The relay did not answer in time.
    package static var timeout: Self { Self(.timeout) }
    /// TLS could not be set up (no STARTTLS, a certificate that cannot be verified).
    package static var tls: Self { Self(.tls) }
    /// The relay refused the AUTH credentials.
    package static var login: Self { Self(.login) }
    /// The connection broke or the relay said something that is not SMTP.
    package static var broken: Self { Self(.broken) }
    /// Herald could not set up the transfer (a libcurl option refused).
    package static var local: Self { Self(.local) }
    /// Herald ended the transfer (`TransferInterrupt`): the message goes back to the queue.
    package static var interrupted: Self { Self(.interrupted) }

    /// The kind, said plainly: "the relay refused the connection".
    package var description: String {
      switch base {
      case .refused: return "the relay refused the connection"
      case .unreachable: return "the relay cannot be reached"
      case .unresolved: return "the relay's host name cannot be resolved"
      case .timeout: return "the relay did not answer in time"
      case .tls: return "TLS with the relay failed"
      case .login: return "the relay refused the login"
      case .broken: return "the connection to the relay broke"
      case .local: return "the SMTP client could not be set up"
      case .interrupted: return "the transfer was ended by a shutdown"
      }
    }
  }

  /// What went wrong.
  package var kind: Kind
  /// The particulars, in libcurl's words ("Failed to connect to 127.0.0.1 port 2525 …").
  package var detail: String

  /// Makes a failure.
  package init(_ kind: Kind, detail: String) {
    self.kind = kind
    self.detail = detail
  }

  /// "no reply: the relay refused the connection (Couldn't connect to server …)".
  package var description: String { "no reply: \(kind) (\(detail))" }
}
