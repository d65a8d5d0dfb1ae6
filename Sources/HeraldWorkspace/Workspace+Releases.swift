import Foundation
import HeraldCompose
import HeraldCore

extension Workspace {
  /// Where a draft goes: Releases/ and its file name.
  package func releaseFile(for draft: ReleaseDraft) -> URL {
    releasesDirectory.appendingPathComponent(draft.fileName)
  }

  /// Writes a new release's draft to Releases/, durably, never over a file that is there.
  /// - Returns: whether it was written (false: a file of that name exists, and is kept).
  /// - Throws: `FileError` when Releases/ or the file cannot be written.
  package func write(_ draft: ReleaseDraft) throws -> Bool {
    do {
      try FileManager.default.createDirectory(at: releasesDirectory, withIntermediateDirectories: true)
    } catch {
      throw WorkspaceError(.files, "\(releasesDirectory.path) cannot be made: \((error as NSError).localizedDescription)")
    }
    return try DurableFile.write(draft.text, to: releaseFile(for: draft), replacing: false)
  }

  /// Where `herald preview` writes a release's message.eml, .html and .txt by default:
  /// preview/SLUG.
  package func previewDirectory(slug: String) -> URL {
    root.appendingPathComponent("preview").appendingPathComponent(slug)
  }
}
