import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace

/// What `herald check` finds about a release, errors and warnings with their files and
/// lines: each translation and where they disagree, the workspace's strings tables, the
/// embargo, herald.yml against the bulk senders' rules, and, with a store, where it goes
/// (published or not, public lists without double opt-in, lists and fields that do not
/// exist). The command line prints it; the desk shows it.
package struct ReleaseCheck: Sendable {
  /// The problems of the release and its workspace, in the order `herald check` prints them.
  package var diagnostics: [Diagnostic]
  /// The workspace's files with personal data that other users of the machine can read.
  package var exposedFiles: [Diagnostic]
  /// The release and its translations, composed; nil when they could not be.
  package var family: ComposedFamily?
  /// herald.yml, when it could be read.
  package var configuration: Configuration?

  /// Checks `reference` (a release file, any of its translations, or its slug).
  /// - Parameters:
  ///   - configuration: herald.yml, or nil to read it (its problems are then diagnostics).
  ///   - store: opens the subscriber store, or gives nil when the workspace has none (check
  ///     does not make one); its problems are the check's.
  ///   - reportTightened: whether the files the store made owner-only on opening are warned about.
  ///   - now: the present, for the embargo.
  ///   - display: how a file is named in a diagnostic.
  /// - Throws: errors that are not about a file's contents (a store that cannot be opened).
  package init(
    _ reference: String, workspace: Workspace, configuration given: Configuration? = nil,
    store openStore: () throws -> SubscriberStore?, reportTightened: Bool = true, now: Date, display: (URL) -> String
  ) throws {
    var diagnostics: [Diagnostic] = []
    do {
      let configuration = try given ?? workspace.configuration()
      self.configuration = configuration
      let family = try workspace.composeFamily(reference, configuration: configuration, signed: false)
      self.family = family
      let composed = family.first
      // Each translation, and where they disagree (lists, embargo, files).
      diagnostics = ReleaseChecker.diagnostics(for: family)
      // Keys in the workspace's Templates/strings/*.yml that Herald does not know.
      diagnostics += try workspace.strings().warnings.map {
        Diagnostic($0.severity, file: display(URL(fileURLWithPath: $0.file)), line: $0.line, $0.message)
      }
      diagnostics += ReleaseChecker.embargoDiagnostics(for: composed.release, timeZone: configuration.compose.timeZone, now: now)
      // The bulk senders' rules that herald.yml breaks, as warnings on herald.yml.
      diagnostics += SendingRules.warnings(composed: composed, configuration: configuration).map {
        Diagnostic(.warning, file: display(workspace.configurationFile), line: nil, $0)
      }
      // Where it goes: published or not, and public lists that take anyone's address.
      if let store = try openStore() {
        // Opening the store makes its files owner-only: said as check's own warnings.
        if reportTightened {
          diagnostics += store.tightenedFiles.map { Diagnostic(.warning, file: display(URL(fileURLWithPath: $0.path)), line: nil, $0.reason) }
        }
        diagnostics += AudienceCheck.diagnostics(for: composed.release, lists: try store.lists(), listsFile: display(workspace.databaseFile))
        // Its lists exist, its {{subscriber.KEY}} fields are ones subscribers have, and who would find one empty.
        diagnostics += try RecipientCheck.diagnostics(for: family.family, store: store)
      }
    } catch let error as any DiagnosedError where !error.diagnostics.isEmpty {
      diagnostics = error.diagnostics
    }
    self.diagnostics = diagnostics
    // The workspace's personal data that other users of the machine can read.
    exposedFiles = workspace.filesReadableByOthers().map { Diagnostic(.warning, file: display($0.url), line: nil, $0.description) }
  }

  /// Every problem: the release's, then the exposed files.
  package var all: [Diagnostic] { diagnostics + exposedFiles }

  /// Whether the release has an error (it cannot be sent).
  package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

extension Mailroom {
  /// `herald check` of a release in this mailroom's workspace, with its store (see
  /// `ReleaseCheck`); files are named relative to the workspace.
  /// - Throws: `StoreError` when the store cannot be read.
  package func check(_ reference: String) throws -> ReleaseCheck {
    let root = workspace.root.standardizedFileURL.path
    return try ReleaseCheck(
      reference, workspace: workspace, configuration: configuration, store: { self.store }, reportTightened: false, now: clock.now,
      display: { url in
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
      })
  }
}
