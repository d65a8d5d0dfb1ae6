import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldWorkspace

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check a release's front matter and text; list every problem as file:line: message.",
    discussion: """
      Also says whether herald send will publish it in the web archive (a release to a private list is not, unless \
      publish: true), and warns about public lists without double opt-in. Exits with status 1 if there is any error; \
      warnings and notes alone exit 0.
      """
  )

  @OptionGroup var options: WorkspaceOptions

  @Argument(help: ArgumentHelp("The release file (any of its translations: all are checked), or its slug.", valueName: "RELEASE.md"))
  var release: String

  @Flag(help: "Print the problems as JSON.")
  var json = false

  func run() throws {
    var diagnostics: [Diagnostic]
    let workspace = options.value
    do {
      let configuration = try workspace.configuration()
      let family = try workspace.composeFamily(release, configuration: configuration, signed: false)
      let composed = family.first
      // Each translation, and where they disagree (lists, embargo, files).
      diagnostics = ReleaseChecker.diagnostics(for: family)
      // Keys in the workspace's Templates/strings/*.yml that Herald does not know.
      diagnostics += try workspace.strings().warnings.map {
        Diagnostic($0.severity, file: Terminal.display(URL(fileURLWithPath: $0.file)), line: $0.line, $0.message)
      }
      diagnostics += ReleaseChecker.embargoDiagnostics(for: composed.release, timeZone: configuration.compose.timeZone, now: Date())
      // The bulk senders' rules that herald.yml breaks, as warnings on herald.yml.
      diagnostics += SendingRules.warnings(composed: composed, configuration: configuration).map {
        Diagnostic(.warning, file: Terminal.display(workspace.configurationFile), line: nil, $0)
      }
      // Where it goes: published or not, and public lists that take anyone's address. A
      // workspace without a store has no lists yet (and check does not make one).
      if FileManager.default.fileExists(atPath: workspace.databaseFile.path) {
        // Opening the store makes its files owner-only: said as check's own warnings below.
        let store = try workspace.openStore(logger: options.logger)
        diagnostics += store.tightenedFiles.map { Diagnostic(.warning, file: Terminal.display(URL(fileURLWithPath: $0.path)), line: nil, $0.reason) }
        diagnostics += AudienceCheck.diagnostics(for: composed.release, lists: try store.lists(), listsFile: Terminal.display(workspace.databaseFile))
        // Its lists exist, its {{subscriber.KEY}} fields are ones subscribers have, and who would find one empty.
        diagnostics += try RecipientCheck.diagnostics(for: family.family, store: store)
      }
    } catch let error as any DiagnosedError where !error.diagnostics.isEmpty {
      diagnostics = error.diagnostics
    }
    // The workspace's personal data that other users of the machine can read.
    diagnostics += workspace.filesReadableByOthers().map { Diagnostic(.warning, file: Terminal.display($0.url), line: nil, $0.description) }
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    if json {
      try JSONOutput.print(CheckJSON(file: release, errors: errors, warnings: warnings, problems: diagnostics.map(DiagnosticJSON.init)))
    } else {
      Terminal.report(diagnostics, to: STDOUT_FILENO)
      if errors + warnings == 0 {
        Terminal.say("\(release): " + Terminal.paint("no problems found", .green))
      } else {
        Terminal.say("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
      }
    }
    if errors > 0 { throw ExitCode.failure }
  }
}
