import Foundation
import HeraldDelivery
import ServiceLifecycle

/// Delivery of the Outbox as a service of a service group: `herald serve` runs it beside
/// the web server, `herald deliver --watch` on its own. It watches the Outbox
/// (`DeliverySession.watch`) until the group shuts down:
///
/// - graceful shutdown (SIGTERM, SIGINT): nothing more is claimed, the SMTP transactions in
///   flight complete and are recorded, and the service returns;
/// - cancellation (the group's graceful period is over): the transfers still in flight are
///   ended and their messages go back to the queue.
package struct DeliveryService: Service {
  let session: DeliverySession
  let interval: Duration
  let onEvent: @Sendable (DeliverySession.WatchEvent) -> Void

  /// A service that watches with `session`, looking for new messages every `interval` (and
  /// at once when the mailroom enqueues one).
  package init(session: DeliverySession, interval: Duration, onEvent: @escaping @Sendable (DeliverySession.WatchEvent) -> Void = { _ in }) {
    self.session = session
    self.interval = interval
    self.onEvent = onEvent
  }

  package func run() async throws {
    await withTaskCancellationHandler {
      await withGracefulShutdownHandler {
        while !session.isStopped && !Task.isCancelled {
          do {
            _ = try await session.watch(interval: interval, onEvent: onEvent)
          } catch {
            // The Outbox could not be read (a full disk, a permission): say so, try again.
            let wait = max(interval, .seconds(10))
            onEvent(.failed(error, retryIn: wait))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
          }
        }
      } onGracefulShutdown: {
        session.stop()
      }
    } onCancel: {
      session.interrupt()
    }
  }
}
