import Foundation
import HeraldCore
import HeraldMail

/// How delivery behaves: how many connections, how fast, when to stop trying.
package struct DeliveryPolicy: Sendable {
  /// Parallel SMTP connections to the relay.
  package var connections = 4
  /// At most this many messages per second across all connections; nil for no limit.
  package var perSecond: Double?
  /// At most this many messages per hour across all connections; nil for no limit.
  package var perHour: Double?
  /// Attempts in a row that show the relay itself failing (no answer, 421, AUTH refused)
  /// before the run pauses with a report instead of burning through the list.
  package var pauseAfterConsecutiveRelayFailures = 10
  /// When to retry a deferred message and when to give up.
  package var retry = RetryPolicy()
  /// The CPU priority of the sending threads.
  package var priority = SendingPriority.normal

  /// The defaults: 4 connections, no rate limit, pause after 10 relay failures in a row.
  package init() {}
}

/// The CPU priority of the threads that send.
package enum SendingPriority: Sendable, Equatable {
  /// Like every other thread of the process.
  case normal
  /// Below the rest of the process (nice 10 on Linux): in a process that also answers
  /// requests (`herald serve`), a campaign going out takes the CPU the requests leave, so
  /// that pages and one-click unsubscribes keep answering promptly. Sending is as fast as
  /// ever when nothing else wants the CPU.
  case background
}

/// What one attempt means for its message, from the relay's answer (RFC 5321 §4.2).
package enum DeliveryVerdict: Sendable, Equatable {
  /// 2xx: accepted by the relay.
  case sent
  /// 4xx, 552, timeouts, connection failures, and refusals of the relay rather than the
  /// message (530, 535 …): try again later.
  case deferred
  /// 5xx: will not work; `suppress` when the recipient's mailbox is gone for good (5.1.x
  /// about the recipient, 5.2.1), not for 5.1.7 or 5.1.8, which are about the sender's.
  case failed(suppress: Bool)

  /// Classifies a transport's outcome.
  package init(_ outcome: TransportOutcome) {
    switch outcome {
    case .noReply:
      self = .deferred
    case .reply(let reply):
      if reply.isSuccess {
        self = .sent
      } else if reply.isTransient || reply.code == 552 || Self.isRelayProblem(reply) {
        // 552 (storage) is temporary in practice (RFC 5321 §4.5.3.1.10); a relay that
        // refuses AUTH says nothing about the recipient.
        self = .deferred
      } else {
        self = .failed(suppress: reply.enhancedCode?.isPermanentMailboxFailure ?? false)
      }
    }
  }

  /// The outcome recorded for it.
  package var outcome: DeliveryOutcome {
    switch self {
    case .sent: return .sent
    case .deferred: return .deferred
    case .failed: return .failed
    }
  }

  /// A reply about the relay or our own setup, not the message: 421 (closing),
  /// 530/534/535/538 or 5.7.8 (authentication), 5.1.7/5.1.8 (the relay refuses our sender
  /// address: every message would fail the same way, and no subscriber is to blame).
  /// Deferred, and many in a row pause the run.
  package static func isRelayProblem(_ reply: SMTPReply) -> Bool {
    if [421, 530, 534, 535, 538].contains(reply.code) { return true }
    guard let code = reply.enhancedCode else { return false }
    return code.isAuthenticationFailure || code.isAboutSenderAddress
  }
}
