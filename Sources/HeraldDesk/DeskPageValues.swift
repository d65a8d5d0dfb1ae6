import HeraldCampaign
import Hummingbird

/// A page's values made on the blocking pool (making them reads files) and handed over once
/// to the page: strings, numbers, booleans, and arrays and dictionaries of them, which
/// nothing else holds or changes afterwards.
struct DeskPageValues: @unchecked Sendable {
  var values: [String: Any]
}

extension DeskServer {
  /// The values `make` gives, made on the blocking pool.
  func pageValues(_ make: @escaping @Sendable () throws -> [String: Any]) async throws -> [String: Any] {
    try await BlockingWork.run { DeskPageValues(values: try make()) }.values
  }

  /// The values `make` gives, made on a thread of its own: for work that may take seconds
  /// (composing a release, its photos through libvips), which would otherwise hold a thread
  /// of the blocking pool that every page's sign-in check needs.
  func pageValues(thread name: String, _ make: @escaping @Sendable () throws -> [String: Any]) async throws -> [String: Any] {
    try await BlockingWork.runOnThread(named: name) { DeskPageValues(values: try make()) }.values
  }
}

extension DeskServer {
  /// The page `name` for `signedIn`, made and rendered on the blocking pool from `make`'s
  /// values, and kept as this session's page (its name and form token are in it) for
  /// `DeskCache.Lifetime.store` under the store's generation and `fingerprint`: the same
  /// page asked again in that moment is the same bytes, not read and rendered again.
  /// - Parameter key: what else the page depends on (the address's query, a release's file).
  func keptPage(
    _ name: String, for signedIn: DeskSignedIn, key: String, fingerprint: [String] = [], _ make: @escaping @Sendable () throws -> [String: Any]
  ) async throws -> Response {
    try await BlockingWork.run {
      let id = [name, signedIn.session.id, key].joined(separator: "\u{0}")
      return try self.cache.value(id, fingerprint: [String(self.mailroom.store.generation)] + fingerprint, lifetime: DeskCache.Lifetime.store) {
        DeskRenderedPage(html: self.html(name, try make(), for: signedIn))
      }
    }.response()
  }
}
