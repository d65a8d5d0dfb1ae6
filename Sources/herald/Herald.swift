import ArgumentParser
import Foundation
import HeraldCore
import Logging

@main
struct Herald: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "herald",
    abstract: "Write press releases in Markdown; send them as correct, good-looking email.",
    discussion: """
      Every command works on a workspace: a folder with herald.yml, Templates/, Lists/, \
      Outbox/ and Releases/. It is the current folder or the nearest one above it with a \
      herald.yml (as git finds its repository), unless --workspace says otherwise; \
      “herald init DIR” makes one.

      Exit status: 0 done, 1 failed (the error says why), 64 wrong arguments (usage). \
      --verbose, or HERALD_LOG=debug (or trace, for the SMTP dialogue), logs what the \
      libraries do to standard error.
      """,
    version: "0.2.0",
    subcommands: [
      InitCommand.self, NewCommand.self, CheckCommand.self, PreviewCommand.self, ListsCommand.self, SubscribersCommand.self,
      SendCommand.self, DeliverCommand.self, OutboxCommand.self, InboxCommand.self, InquiriesCommand.self, ReportCommand.self,
      PublishCommand.self, ServeCommand.self, SinkCommand.self, DKIMCommand.self, UsersCommand.self, AuditCommand.self,
    ]
  )

  /// Parses the arguments and runs the command. Herald's errors are reported as
  /// "error: …" with exit status 1; argument errors print the usage and exit 64.
  static func main() async {
    Logs.bootstrap(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
    // A parent may have blocked SIGTERM and SIGINT (the Swift test runner does), and a
    // child inherits its mask: unblock them, so that they stop a server gracefully.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGTERM)
    sigaddset(&stopSignals, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    if let typo = CommandTypo.find(in: Array(CommandLine.arguments.dropFirst()), under: Herald.self) {
      Terminal.warn(Terminal.paint("error:", .red, on: STDERR_FILENO) + " " + typo.message)
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    // A command that changes the workspace is recorded in its audit once it has run, with
    // its outcome (AuditedCommand): here, so that no command's body has to.
    var recorder: CommandAuditRecorder?
    do {
      var command = try parseAsRoot()
      recorder = CommandAuditRecorder(command)
      if var command = command as? any AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
      recorder?.finish(.done)
    } catch let error as any HeraldError {
      recorder?.finish(.failed, problem: "\(type(of: error))")
      Terminal.report(error)
      Foundation.exit(ExitCode.failure.rawValue)
    } catch {
      if let recorder {
        let code = exitCode(for: error)
        recorder.finish(code.isSuccess ? .done : .failed, problem: code.isSuccess ? nil : "exit \(code.rawValue)")
      }
      exit(withError: error)
    }
  }
}
