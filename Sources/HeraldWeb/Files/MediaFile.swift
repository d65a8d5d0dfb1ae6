/// A file of the workspace's Media/ folder as the web serves it: its address names its
/// content, so it is cached for a year and its digest is its ETag.
struct MediaFile: Sendable {
  /// Where its bytes are in Media/: "ab/abcdef…", "press-kits/DIGEST.zip".
  var storagePath: String
  /// The size it was published with; small files are kept in memory.
  var size: Int
  /// Its strong validator: the digest, quoted.
  var etag: String
  var contentType: String
  var contentDisposition: String
  /// What it is, for the log when its bytes are missing: "report.pdf of 2026-12-06-report".
  var label: String
}
