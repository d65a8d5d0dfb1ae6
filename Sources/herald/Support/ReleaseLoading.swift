import Foundation
import HeraldCompose

/// The steps every release command shares: read the workspace, the release and its
/// templates, and compose it once.
struct LoadedRelease {
  var workspace: Workspace
  var composed: ComposedRelease

  /// Reads and composes a release.
  /// - Throws: `ComposeError` with every problem found in the file, or the first in the
  ///   workspace (configuration, templates, secret).
  init(path: String, options: WorkspaceOptions) throws {
    let workspace = options.value
    let configuration = try workspace.configuration()
    let templates = try workspace.templates()
    let release = try Release(contentsOf: options.releasePath(path))
    self.workspace = workspace
    self.composed = try ComposedRelease(
      release: release, templates: templates, configuration: configuration, signer: try workspace.linkSigner())
  }
}
