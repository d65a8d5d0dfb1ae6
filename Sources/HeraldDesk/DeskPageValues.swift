import HeraldCampaign

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
