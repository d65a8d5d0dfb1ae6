import ArgumentParser
import Foundation
import HeraldDelivery

struct SinkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sink",
    abstract: "Run a capture SMTP server on 127.0.0.1 that stores every message as an .eml file.",
    discussion: "For previews, demos and tests: herald send --smtp smtp://127.0.0.1:2525 delivers into it. Stop it with Ctrl-C."
  )

  @OptionGroup var options: WorkspaceOptions
  @Option(help: "The port (0: any free port; the one chosen is printed).") var port: Int = 2525
  @Option(help: ArgumentHelp("Where to store messages (default: Outbox/sink in the workspace).", valueName: "DIR")) var maildir: String?
  @Option(name: .customLong("defer-rate"), help: "The share of messages to answer 451 (0–1).") var deferRate: Double = 0
  @Option(name: .customLong("drop-rate"), help: "The share of connections to drop during DATA (0–1).") var dropRate: Double = 0
  @Option(help: ArgumentHelp("Reject recipients containing this text with 550 5.1.1.", valueName: "PATTERN")) var reject: String?
  @Flag(help: "Print no line per message stored (only the first and the last line).") var quiet = false

  func validate() throws {
    guard (0...1).contains(deferRate), (0...1).contains(dropRate) else { throw ValidationError("rates are between 0 and 1") }
  }

  func run() throws {
    var faults = CaptureSink.Faults()
    faults.deferRate = deferRate
    faults.dropRate = dropRate
    faults.rejectPattern = reject
    let directory = maildir.map { URL(fileURLWithPath: $0) } ?? options.value.outboxDirectory.appendingPathComponent("sink")
    let onMessage: (@Sendable (CaptureSink.Captured) -> Void)? = quiet ? nil : { @Sendable in SinkCommand.say($0) }
    let sink = try CaptureSink(port: port, maildir: directory, faults: faults, onMessage: onMessage)
    // Written unbuffered: a script waiting for this line (make demo) must see it at once.
    FileHandle.standardOutput.write(Data("herald sink listening on smtp://127.0.0.1:\(sink.port), storing messages in \(Terminal.display(directory))\n".utf8))
    let sources = Terminal.onInterrupt { sink.stop() }
    sink.run()
    sources.forEach { $0.cancel() }
    Terminal.say("herald sink stopped after storing \(sink.storedCount) message(s).")
  }

  /// One line per message stored: its number, sender, recipients and subject (what others
  /// wrote, shown safely on a terminal). Written unbuffered, one write a line, as they come.
  private static func say(_ message: CaptureSink.Captured) {
    let subject = message.subject.map { "“\(Terminal.safe($0))”" } ?? "(no subject)"
    let line = String(format: "%06d", message.number) + "  from \(Terminal.safe(message.sender))"
      + "  to \(message.recipients.map(Terminal.safe).joined(separator: ", "))  \(subject)\n"
    FileHandle.standardOutput.write(Data(line.utf8))
  }
}
