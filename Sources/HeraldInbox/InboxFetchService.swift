import Foundation
import HeraldCampaign
import HeraldCore
import HeraldCurl
import HeraldWorkspace
import ServiceLifecycle

/// The inbox's fetch as a service of a service group: `herald serve` runs it beside the web
/// server when herald.yml has an `inbox:` section, `herald inbox fetch --watch` on its own.
/// It reads the mailbox's new mail every `interval` (IMAP on a thread of its own), until the
/// group shuts down: a fetch in progress stops after the message it is reading, which is
/// kept and remembered.
package struct InboxFetchService: Service {
  /// What the service tells its owner.
  package enum Event: Sendable {
    /// One message was read.
    case read(Inbox.Outcome)
    /// One message could not be kept; it is read again by the next fetch.
    case notKept(Inbox.Failure)
    /// A fetch ended; what it read.
    case fetched(Inbox.Summary)
    /// A fetch failed (the mailbox is down, the store is busy): why, and when it tries again.
    case failed(any HeraldError, retryIn: Duration)
  }

  let inbox: Inbox
  let mailbox: MailboxConfiguration
  let after: InboxSettings.After
  let interval: Duration
  let onEvent: @Sendable (Event) -> Void

  /// A service that fetches `mailbox` every `interval` and does `after` with what it read.
  package init(
    inbox: Inbox, mailbox: MailboxConfiguration, after: InboxSettings.After, interval: Duration,
    onEvent: @escaping @Sendable (Event) -> Void = { _ in }
  ) {
    self.inbox = inbox
    self.mailbox = mailbox
    self.after = after
    self.interval = interval
    self.onEvent = onEvent
  }

  package func run() async throws {
    let stopping = Shared(false)
    try await withGracefulShutdownHandler {
      while !stopping.value {
        do {
          let summary = try await BlockingWork.runOnThread(named: "herald-imap") { [inbox, mailbox, after, onEvent] in
            try inbox.fetch(
              mailbox, after: after, shouldStop: { stopping.value }, onMessage: { onEvent(.read($0)) }, onFailure: { onEvent(.notKept($0)) })
          }
          onEvent(.fetched(summary))
        } catch let error as any HeraldError {
          onEvent(.failed(error, retryIn: interval))
        }
        do {
          try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        } catch {
          return  // shutting down
        }
      }
    } onGracefulShutdown: {
      stopping.withLock { $0 = true }
    }
  }
}
