import Foundation
import HeraldCampaign
import HeraldCompose
import Synchronization

/// Makes press kits' ZIPs on request, each once: concurrent first requests for the same
/// ZIP wait for one build (on the blocking pool) instead of starting their own.
final class PressKitBuilds: Sendable {
  private let running = Mutex([String: Task<Void, any Error>]())

  /// Makes `archive`'s ZIP in `mediaDirectory` unless it is there, or waits for the build
  /// already under way.
  /// - Throws: what `PressKitArchive.make(in:)` throws.
  func make(_ archive: PressKitArchive, in mediaDirectory: URL) async throws {
    let task = running.withLock { running in
      if let task = running[archive.digest] { return task }
      let task = Task { _ = try await BlockingWork.run { try archive.make(in: mediaDirectory) } }
      running[archive.digest] = task
      return task
    }
    defer { _ = running.withLock { $0.removeValue(forKey: archive.digest) } }
    try await task.value
  }
}
