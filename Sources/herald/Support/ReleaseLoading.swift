import Foundation
import HeraldCompose
import HeraldMail

/// The steps every release command shares: read the workspace, the release and its
/// templates, and compose it once.
struct LoadedRelease {
  var workspace: Workspace
  var composed: ComposedRelease

  /// Reads and composes a release.
  /// - Parameter signed: whether links must be signed with the workspace secret; a check
  ///   that writes no message signs with a throwaway key, and needs no secret.
  /// - Throws: `ComposeError` with every problem found in the file, or the first in the
  ///   workspace (configuration, templates, secret).
  init(path: String, options: WorkspaceOptions, signed: Bool = true) throws {
    let workspace = options.value
    let configuration = try workspace.configuration()
    let templates = try workspace.templates()
    let release = try Release(contentsOf: options.releasePath(path))
    self.workspace = workspace
    self.composed = try ComposedRelease(
      release: release, templates: templates, configuration: configuration,
      signer: signed ? try workspace.linkSigner() : LinkSigner(secret: (0..<32).map { _ in UInt8.random(in: 0...255) }))
  }
}
