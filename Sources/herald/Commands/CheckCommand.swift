import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import HeraldMail
import HeraldWorkspace

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check a release's front matter and text; list every problem as file:line: message.",
    discussion: """
      Also says whether herald send will publish it in the web archive (a release to a private list is not, unless \
      publish: true), and warns about public lists without double opt-in. With --spam, also runs SpamAssassin (local \
      tests only: no network) on the message as a sample subscriber would receive it and fails above herald.yml's \
      spam_threshold (default 5.0). Exits with status 1 if there is any error; warnings and notes alone exit 0.
      """
  )

  @OptionGroup var options: WorkspaceOptions

  @Argument(help: ArgumentHelp("The release file (any of its translations: all are checked), or its slug.", valueName: "RELEASE.md"))
  var release: String

  @Flag(help: "Also score the message with SpamAssassin (local tests only) and fail above herald.yml's spam_threshold.")
  var spam = false

  @Option(name: .long, help: ArgumentHelp(
    "With --spam: the recipient the scored message is composed for; a subscriber's address gives their own fields.", valueName: "\"Name <email>\""))
  var to: String = "Alex Example <alex@example.com>"

  @Flag(help: "Print the problems as JSON.")
  var json = false

  func validate() throws {
    guard (try? Mailbox(parsing: to)) != nil else { throw ValidationError("--to “\(to)” is not an address; write it like \"Name <name@example.org>\"") }
  }

  func run() throws {
    let workspace = options.value
    // The same check as the desk's (ReleaseCheck); a workspace without a store has no
    // lists yet, and check does not make one.
    let check = try ReleaseCheck(
      release, workspace: workspace,
      store: { FileManager.default.fileExists(atPath: workspace.databaseFile.path) ? try workspace.openStore(logger: options.logger) : nil },
      now: Date(), display: Terminal.display)
    var diagnostics = check.diagnostics
    var spamVerdict: (verdict: SpamCheck.Verdict, to: String)?
    do {
      if spam, !check.hasErrors, let family = check.family, let configuration = check.configuration {
        spamVerdict = try scoreWithSpamAssassin(family.first, workspace: workspace, configuration: configuration)
        if let (verdict, _) = spamVerdict, verdict.fails {
          diagnostics.append(Diagnostic(.error, file: release, line: nil,
            "SpamAssassin scores this message \(Self.points(verdict.score)), above the threshold of \(Self.points(verdict.threshold)) (herald.yml's spam_threshold): many receivers would file it as spam. Change what the rules below point to"))
        }
      }
    } catch let error as any DiagnosedError where !error.diagnostics.isEmpty {
      diagnostics = error.diagnostics
    }
    // The workspace's personal data that other users of the machine can read.
    diagnostics += check.exposedFiles
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    if json {
      try JSONOutput.print(CheckJSON(
        file: release, errors: errors, warnings: warnings, problems: diagnostics.map(DiagnosticJSON.init),
        spam: spamVerdict.map { SpamJSON($0.verdict, to: $0.to) }))
    } else {
      Terminal.report(diagnostics, to: STDOUT_FILENO)
      if let (verdict, to) = spamVerdict { Self.present(verdict, to: to) }
      if errors + warnings == 0 {
        Terminal.say("\(release): " + Terminal.paint("no problems found", .green))
      } else {
        Terminal.say("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
      }
    }
    if errors > 0 { throw ExitCode.failure }
  }

  /// The message as the sample recipient would receive it (signed as sent), scored.
  private func scoreWithSpamAssassin(_ composed: ComposedRelease, workspace: Workspace, configuration: Configuration) throws -> (SpamCheck.Verdict, String) {
    var person = Recipient(mailbox: try Mailbox(parsing: to))
    if FileManager.default.fileExists(atPath: workspace.databaseFile.path),
      let subscriber = try workspace.openStore(logger: options.logger).subscriber(address: person.mailbox.address)
    {
      person = Recipient(subscriber)
    }
    let stamp = MessageStamp.now()
    let message = composed.message(for: person, list: composed.release.lists.first ?? "press", stamp: stamp)
    let bytes = try MessageSigning.sign(message.bytes, with: try workspace.dkimSigners(configuration), at: stamp.date)
    // Progress for a person waiting (SpamAssassin takes seconds); scripts see nothing of it.
    if !json, isatty(STDERR_FILENO) == 1 { Terminal.warn("Scoring the message to \(Terminal.safe(person.mailbox.description)) with SpamAssassin…") }
    return (try SpamCheck().check(bytes, threshold: configuration.spamThreshold), person.mailbox.description)
  }

  /// "1.2 points".
  private static func points(_ value: Double) -> String {
    String(format: "%.1f point%@", value, abs(value) == 1 ? "" : "s")
  }

  /// The score and the rules, highest first, with SpamAssassin's explanations.
  private static func present(_ verdict: SpamCheck.Verdict, to: String) {
    let outcome = verdict.fails ? Terminal.paint("above the threshold", .red) : Terminal.paint("passes", .green)
    Terminal.say("SpamAssassin: \(String(format: "%.1f", verdict.score)) of \(String(format: "%.1f", verdict.threshold)) (\(outcome)), the message to \(Terminal.safe(to))")
    for rule in verdict.rules {
      Terminal.say("  " + String(format: "%5.1f", rule.points) + "  " + rule.name.padding(toLength: 24, withPad: " ", startingAt: 0) + Terminal.safe(rule.description))
    }
  }
}
