import Foundation
import HeraldCompose
import HeraldCore

/// What saving a release's text came to.
package enum ReleaseSaving: Sendable, Equatable {
  /// Written; the file's new SHA-256.
  case saved(digest: String)
  /// Not written: the file is not what the editor loaded (someone changed it meanwhile).
  /// Its bytes now (nil: it is gone).
  case changedMeanwhile(current: [UInt8]?)
}

extension Workspace {
  /// Saves a release's text over its file in Releases/, durably (temp file + rename), only
  /// when the file is still the one the editor loaded: `loadedDigest` is the SHA-256 of
  /// the bytes it showed. A file changed since (by the CLI, git, a colleague) is not
  /// overwritten; its current bytes are returned instead.
  ///
  /// Saves in this process are one at a time, so two desk editors of the same file cannot
  /// both pass the comparison; a change by another program between the comparison and the
  /// rename (microseconds) is not seen.
  /// - Throws: `FileError` when the file cannot be written.
  package func saveRelease(_ file: URL, text: String, loadedDigest: String) throws -> ReleaseSaving {
    try Self.savingReleases.withLock { _ -> ReleaseSaving in
      guard let current = FileManager.default.contents(atPath: file.path) else { return .changedMeanwhile(current: nil) }
      guard ReleaseSource.digest(current) == loadedDigest else { return .changedMeanwhile(current: Array(current)) }
      let bytes = Array(text.utf8)
      try DurableFile.write(bytes, to: file)
      return .saved(digest: ReleaseSource.digest(bytes))
    }
  }

  private static let savingReleases = Shared(())
}
