import Logging
import ServiceLifecycle

/// How Herald's long-running commands run their services (`herald serve`, `deliver --watch`,
/// `inbox fetch --watch`): in one service group that SIGTERM and SIGINT shut down
/// gracefully, within a bounded time.
///
/// On a signal each service is asked to stop, last started first: the web server stops
/// accepting and finishes the requests in flight, the inbox finishes the message it reads,
/// delivery finishes its SMTP transactions. What has not ended after the grace period is
/// cancelled: transfers still in flight are ended and their messages go back to the queue.
/// A service that has not ended `cancellationPeriod` later stops the process.
package enum ServiceProcess {
  /// How long the services have to stop by themselves after a signal, by default.
  package static let defaultGracePeriod: Duration = .seconds(20)
  /// How long cancelled services have to end before the process gives up on them.
  package static let cancellationPeriod: Duration = .seconds(10)

  /// Runs `services` until they end or a signal stops them.
  /// - Parameter gracePeriod: how long they have to stop by themselves after a signal.
  /// - Throws: the first error a service throws (the others are stopped then).
  package static func run(_ services: [any Service], gracePeriod: Duration = defaultGracePeriod, logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod
    configuration.maximumCancellationDuration = cancellationPeriod
    do {
      try await ServiceGroup(configuration: configuration).run()
    } catch is CancellationError {
      // Cancelled after the grace period: what could be stopped was; nothing is lost.
    }
  }
}
