import Foundation
import HeraldDelivery
import HeraldMail

/// A relay in memory, for the Deliverer's and the campaign's logic: each message gets the
/// outcome `answer` gives for its recipient, and what was accepted is kept. Every
/// connection the Deliverer makes shares one `MemoryRelay`.
package final class MemoryRelay: @unchecked Sendable {  // state guarded by `lock`
  /// A message the relay took.
  package struct Delivered: Sendable {
    package var sender: String
    package var recipient: String
    package var bytes: [UInt8]
  }

  private let lock = NSLock()
  private var accepted: [Delivered] = []
  private var attempts: [String] = []
  private var connectionCount = 0
  private let answer: @Sendable (String) -> TransportOutcome

  /// A relay that answers each recipient with `answer` (250 for everyone by default).
  package init(answer: @escaping @Sendable (String) -> TransportOutcome = { _ in .reply(SMTPReply("250 2.0.0 Ok")!) }) {
    self.answer = answer
  }

  /// Messages accepted (2xx), in order.
  package var delivered: [Delivered] { lock.withLock { accepted } }
  /// Every recipient tried, in order.
  package var tried: [String] { lock.withLock { attempts } }
  /// How many connections were made.
  package var connections: Int { lock.withLock { connectionCount } }

  /// A factory for `Deliverer`: one transport per sending thread, all into this relay.
  package var transport: Deliverer.TransportFactory {
    { [self] in
      lock.withLock { connectionCount += 1 }
      return Connection(relay: self)
    }
  }

  fileprivate func send(from sender: String, to recipient: String, message: [UInt8]) -> TransportOutcome {
    let outcome = answer(recipient)
    lock.withLock {
      attempts.append(recipient)
      if case .reply(let reply) = outcome, reply.isSuccess {
        accepted.append(Delivered(sender: sender, recipient: recipient, bytes: message))
      }
    }
    return outcome
  }

  private final class Connection: MessageTransport {
    let relay: MemoryRelay
    init(relay: MemoryRelay) { self.relay = relay }
    func send(from sender: String, to recipient: String, message: [UInt8]) -> TransportOutcome {
      relay.send(from: sender, to: recipient, message: message)
    }
  }
}
