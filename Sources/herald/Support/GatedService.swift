import ServiceLifecycle

/// A service that starts only when its gate opens: the desk starts once the public site
/// listens, so that `herald serve`'s first line is always the public site's address (scripts
/// and tests read it).
struct GatedService: Service {
  let inner: any Service
  let gate: AsyncStream<Void>

  /// A service and the function that opens its gate.
  static func make(_ inner: any Service) -> (service: GatedService, open: @Sendable () -> Void) {
    let (stream, continuation) = AsyncStream<Void>.makeStream()
    return (GatedService(inner: inner, gate: stream), { continuation.yield(); continuation.finish() })
  }

  func run() async throws {
    // A shutdown before the gate opens ends the wait: nothing was started.
    let gate = self.gate
    let opened = try? await cancelWhenGracefulShutdown { () async throws -> Bool in
      var iterator = gate.makeAsyncIterator()
      return await iterator.next() != nil
    }
    guard opened == true else { return }
    try await inner.run()
  }
}
